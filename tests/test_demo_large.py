"""`flask demo --scale large`: the same data from the same seed, planned by the real planner, consistent."""

from collections import Counter
from datetime import date

import sqlalchemy as sa

from accounts.models import Role, User
from cohort import planning
from cohort.models import Closure, Cohort, Trainee
from demo import DEMO_PASSWORD
from demo_large import CONTACT_EMAIL, MANAGER_EMAIL, TRAINEE_EMAIL, Scale, load_large_demo
from extensions import db
from outbox.models import OutboxMessage
from placements.group_proposal import group_proposal
from placements.models import InternshipOffer, Placement, PlacementStatus
from sessions.models import Attendance, TrainingSession

TINY = Scale(
    cohorts=5, trainees_per_cohort=3, municipalities=6, messages=40, trainers=2, managers=1,
    training_weeks=6, internship_weeks=8, programme_weeks=20,
)  # fmt: skip
TODAY = date(2026, 3, 11)


def _snapshot() -> list:
    """What the data says, without ids' or clocks' accidents: names, dates and statuses."""
    return [
        db.session.execute(
            sa.select(Trainee.name, Trainee.email, Trainee.status, Trainee.calendar_salt)
        ).all(),
        db.session.execute(sa.select(Cohort.name, Cohort.start_date, Cohort.end_date)).all(),
        db.session.execute(sa.select(TrainingSession.date, TrainingSession.kind, TrainingSession.week)).all(),
        db.session.execute(sa.select(Attendance.session_id, Attendance.trainee_id, Attendance.status)).all(),
        db.session.execute(sa.select(OutboxMessage.key)).all(),
    ]


def _reload(seed: int) -> list:
    db.session.remove()
    db.drop_all()
    db.create_all()
    load_large_demo(TODAY, seed=seed, scale=TINY, password=DEMO_PASSWORD)
    db.session.commit()
    return _snapshot()


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(app):
    first = _reload(3)
    assert _reload(3) == first
    assert _reload(4) != first


def test_the_data_is_consistent_and_planned_by_the_planner(app):
    counts = load_large_demo(TODAY, seed=1, scale=TINY, password=DEMO_PASSWORD)
    db.session.commit()
    assert counts["cohorts"] == 5 and counts["trainees"] == 15 and counts["municipalities"] == 6
    closures = [c.as_plan_closure() for c in db.session.scalars(sa.select(Closure))]
    for cohort in db.session.scalars(sa.select(Cohort)):
        plan = planning.plan_cohort(cohort.plan_settings(), closures)
        stored = db.session.execute(
            sa.select(TrainingSession.date, TrainingSession.kind)
            .where(TrainingSession.cohort_id == cohort.id)
            .order_by(TrainingSession.date, TrainingSession.start_time, TrainingSession.kind)
        ).all()
        assert [tuple(row) for row in stored] == [(s.date, str(s.kind)) for s in plan.sessions]
    # Attendance only for sessions before today, one row per trainee and session.
    assert counts["attendance"] > 0
    assert not db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Attendance)
        .join(TrainingSession)
        .where(TrainingSession.date >= TODAY)
    )
    # Every offer within its places; every placement in a cohort whose internship has started.
    assert not db.session.scalar(
        sa.select(sa.func.count())
        .select_from(InternshipOffer)
        .where(InternshipOffer.places_taken > InternshipOffer.places)
    )
    taken = db.session.scalar(
        sa.select(sa.func.count()).select_from(Placement).where(Placement.status.in_(["active", "completed"]))
    )
    assert (
        taken
        == counts["placements"]
        == db.session.scalar(sa.select(sa.func.sum(InternshipOffer.places_taken)))
    )
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == counts["messages"] == 40
    )
    # The printed logins work, and the trainee is an intern of the contact's municipality right now.
    users = {u.email: u for u in db.session.scalars(sa.select(User))}
    assert users[MANAGER_EMAIL].role == Role.MANAGER
    trainee = users[TRAINEE_EMAIL].trainee
    placement = db.session.scalar(sa.select(Placement).filter_by(trainee_id=trainee.id))
    assert placement.status == PlacementStatus.ACTIVE
    assert placement.offer.municipality_id == users[CONTACT_EMAIL].municipality_id


def test_the_command_loads_large_data_once_and_refuses_a_filled_database(app, monkeypatch):
    monkeypatch.setattr("demo_large.LARGE", TINY)  # the real size takes a minute: see bench/run.py
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "--scale", "large", "--seed", "2"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Large demo data loaded" in result.output and TRAINEE_EMAIL in result.output
    trainees = db.session.scalar(sa.select(sa.func.count()).select_from(Trainee))
    assert trainees == TINY.cohorts * TINY.trainees_per_cohort
    again = runner.invoke(args=["demo", "--scale", "large"], catch_exceptions=False)
    assert "nothing was changed" in again.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Trainee)) == trainees


def test_every_cohorts_whole_group_proposal_respects_every_capacity(app):
    """On demo data with the register's municipalities: each cohort's computed proposal asks no
    offer for more than its open places, places no one twice and measures only real distances."""
    scale = Scale(
        cohorts=6, trainees_per_cohort=40, municipalities=150, messages=0, trainers=2, managers=1,
        training_weeks=6, internship_weeks=8, programme_weeks=20,
    )  # fmt: skip
    load_large_demo(TODAY, seed=2, scale=scale, password=DEMO_PASSWORD)
    db.session.commit()
    proposed = 0
    for cohort in db.session.scalars(sa.select(Cohort)):
        proposal = group_proposal(cohort)
        asked = Counter(line.offer.id for line in proposal.lines if line.offer is not None)
        assert all(asked[offer_id] <= proposal.open_places[offer_id] for offer_id in asked)
        assert len({line.trainee.id for line in proposal.lines}) == len(proposal.lines)
        assert all(line.distance_km <= proposal.max_km for line in proposal.lines if line.offer is not None)
        proposed += len(asked)
    assert proposed > 0
