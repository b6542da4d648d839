"""The account commands and the demo data, run as an operator would."""

import sqlalchemy as sa

from accounts.models import Role, User
from cohort.models import Cohort, Trainee
from extensions import db
from outbox.models import OutboxMessage
from placements.models import Municipality, Placement
from sessions.models import AbsenceNotice, TrainingSession
from tests.conftest import login
from tests.factories import make_municipality


def test_users_create_with_a_password_can_log_in(app, client):
    result = app.test_cli_runner().invoke(
        args=[
            "users",
            "create",
            "--email",
            "Pieter@Cohort.example",
            "--name",
            "Pieter Bakker",
            "--role",
            "trainer",
            "--password",
            "lang genoeg wachtwoord",
        ]
    )
    assert result.exit_code == 0, result.output
    assert login(client, "pieter@cohort.example", "lang genoeg wachtwoord").status_code == 302


def test_users_create_without_a_password_sends_an_invitation(app):
    municipality = make_municipality()
    db.session.commit()
    result = app.test_cli_runner().invoke(
        args=[
            "users",
            "create",
            "--email",
            "eva@gemeente.example",
            "--name",
            "Eva de Boer",
            "--role",
            "municipality",
            "--municipality",
            str(municipality.id),
        ]
    )
    assert result.exit_code == 0, result.output
    message = db.session.scalar(sa.select(OutboxMessage))
    assert message.recipient == "eva@gemeente.example" and message.status == "sent"


def test_users_create_refuses_bad_input_and_saves_nothing(app):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "--email", "x@cohort.example", "--name", "X", "--role", "municipality"]
    )
    assert result.exit_code != 0
    assert "municipality_id" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_set_password_and_deactivate(app, client, manager):
    runner = app.test_cli_runner()
    assert (
        runner.invoke(
            args=["users", "set-password", "--email", manager.email, "--password", "nog een wachtwoord"]
        ).exit_code
        == 0
    )
    assert login(client, manager.email, "nog een wachtwoord").status_code == 302
    assert runner.invoke(args=["users", "deactivate", "--email", manager.email]).exit_code == 0
    assert client.get("/dashboard").status_code == 302
    assert runner.invoke(args=["users", "deactivate", "--email", "nobody@x.example"]).exit_code != 0


def test_tokens_create_prints_the_token_alone_on_its_last_line(app, manager):
    result = app.test_cli_runner().invoke(args=["tokens", "create", "--email", manager.email])
    token = result.output.strip().splitlines()[-1]
    response = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.get_json()["email"] == manager.email


def test_demo_fills_an_empty_database_once_and_prints_a_login_per_role(app, client):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    for role in Role:
        assert role.value in first.output
    counts = {
        model: db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (User, Cohort, Trainee, Municipality)
    }
    assert counts[Cohort] == 3 and counts[Municipality] == 342  # the register
    assert counts[Trainee] >= 8
    # Every page has content (issue 15): every trainee an account, an internship under way with its
    # supervisor, an open proposal, absences, a cancelled session, a register left to fill in.
    without_account = sa.select(Trainee.id).where(
        ~Trainee.id.in_(sa.select(User.trainee_id).where(User.trainee_id.is_not(None)))
    )
    assert db.session.scalars(without_account).all() == []
    statuses = db.session.scalars(sa.select(Placement.status)).all()
    assert "active" in statuses and "proposed" in statuses
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Placement)
            .where(Placement.status == "active", Placement.supervisor_id.is_not(None))
        )
        > 0
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AbsenceNotice)) >= 2
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(TrainingSession).filter_by(status="cancelled")
        )
        >= 1
    )
    second = runner.invoke(args=["demo"])
    assert "nothing was changed" in second.output
    assert counts == {
        model: db.session.scalar(sa.select(sa.func.count()).select_from(model)) for model in counts
    }
    assert login(client, "deelnemer@cohort.example", "cohort-demo-2026").status_code == 302
    schedule = client.get("/schedule").get_data(as_text=True)
    assert "Utrecht najaar" in schedule and "Ik kom toch" in schedule
    trainer = app.test_client()
    assert login(trainer, "trainer@cohort.example", "cohort-demo-2026").status_code == 302
    assert "Aanwezigheid nog te registreren" in trainer.get("/teaching").get_data(as_text=True)
    # A newcomer sees what a bounce looks like: the demo holds one, to a municipality contact.
    manager = app.test_client()
    assert login(manager, "manager@cohort.example", "cohort-demo-2026").status_code == 302
    overview = manager.get("/dashboard").get_data(as_text=True)
    assert "Joost Visser (j.visser@amersfort.example) kwam niet aan" in overview
    assert "550 5.1.2" in overview
    # And where last year's group is now (issue 17): the funnel, with what is not known yet.
    outcomes = manager.get("/outcomes").get_data(as_text=True)
    assert "Utrecht vorig jaar" in outcomes and "4 van 6 (67%)" in outcomes  # working at 6 months
