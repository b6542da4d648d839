"""A backup can be restored: what was there comes back, what came later is gone."""

import pytest
import sqlalchemy as sa

from accounts.models import Role, User
from extensions import db
from tests.factories import make_user


def count_users() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User))


@pytest.mark.committed_db
def test_backup_and_restore_on_the_database_in_use(app, tmp_path):
    make_user(Role.MANAGER, email="voor@cohort.example")
    runner = app.test_cli_runner()
    target = tmp_path / "cohort.backup"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 0

    make_user(Role.TRAINER, email="na@cohort.example")
    assert count_users() == 2
    result = runner.invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    assert [u.email for u in db.session.scalars(sa.select(User))] == ["voor@cohort.example"]


def test_restore_refuses_a_missing_file(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["restore", str(tmp_path / "nothing"), "--yes"])
    assert result.exit_code != 0 and "No backup" in result.output
