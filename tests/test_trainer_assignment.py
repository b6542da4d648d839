"""One trainer for many sessions at once: chosen by kind, weekday and period, clashes skipped."""

from datetime import timedelta

import sqlalchemy as sa

from accounts.models import Role
from extensions import db
from sessions.models import TrainingSession
from tests.conftest import post_form
from tests.factories import make_user
from tests.test_schedule import planned_cohort


def sessions_of(cohort) -> list[TrainingSession]:
    return db.session.scalars(
        sa.select(TrainingSession).filter_by(cohort_id=cohort.id).order_by(TrainingSession.date)
    ).all()


def choice(trainer, cohort, **changes) -> dict:
    return {
        "trainer_id": str(trainer.id),
        "kinds": ["training"],
        "weekdays": ["mon", "tue"],
        "first": cohort.start_date.isoformat(),
        "last": (cohort.start_date + timedelta(weeks=2)).isoformat(),
        **changes,
    }


def test_the_preview_lists_the_chosen_sessions_with_clashes_and_assigning_skips_the_clashes(manager_client):
    cohort, other = planned_cohort(weeks_ago=0), planned_cohort(weeks_ago=0)
    trainer = make_user(Role.TRAINER, name="Sanne Visser")
    url = f"/cohorts/{cohort.id}/sessions/trainer"
    last = cohort.start_date + timedelta(weeks=2)
    chosen = [
        s
        for s in sessions_of(cohort)
        if s.kind == "training" and s.date.weekday() in (0, 1) and s.date <= last
    ]
    clashing = chosen[1]
    # Sanne teaches the other group at the same time on that day.
    [elsewhere] = [s for s in sessions_of(other) if s.date == clashing.date]
    elsewhere.trainer_id = trainer.id
    db.session.commit()
    page = post_form(manager_client, url, {**choice(trainer, cohort), "action": "preview"}, page=url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and f"{len(chosen)} bijeenkomsten" in html
    assert other.name in html and "overgeslagen" in html
    assert trainer.id not in {s.trainer_id for s in sessions_of(cohort)}  # a preview changes nothing
    done = post_form(manager_client, url, {**choice(trainer, cohort), "action": "assign"}, page=url)
    assert done.status_code == 302
    db.session.expire_all()
    given = {s.id for s in sessions_of(cohort) if s.trainer_id == trainer.id}
    assert given == {s.id for s in chosen} - {clashing.id}


def test_a_choice_without_kinds_or_with_a_wrong_date_says_which_field_and_changes_nothing(manager_client):
    cohort = planned_cohort(weeks_ago=0)
    trainer = make_user(Role.TRAINER)
    url = f"/cohorts/{cohort.id}/sessions/trainer"
    for wrong in (
        {"kinds": []},
        {"last": "2027-02-30"},
        {"weekdays": ["sun", "xyz"]},
        {"trainer_id": "999999"},
    ):
        response = post_form(
            manager_client, url, {**choice(trainer, cohort, **wrong), "action": "assign"}, page=url
        )
        assert response.status_code == 400, wrong
        assert 'class="field-error"' in response.get_data(as_text=True)
    assert trainer.id not in {s.trainer_id for s in sessions_of(cohort)}
