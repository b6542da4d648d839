"""cohort_stats and GET /api/v1/cohorts/{id}/stats: the attendance rule on hand-computed examples,
trainee and placement counts, missing evaluations, failed messages, phase and week, and scope."""

from datetime import date, time, timedelta

import pytest

from accounts.models import Role
from cohort.models import Cohort, Trainee, TraineeStatus
from cohort.services import CohortInput, default_template, save_cohort
from core.clock import local_today, utcnow
from extensions import db
from outbox.models import MessageStatus, OutboxMessage
from placements.models import Evaluation, InternshipOffer, Placement, PlacementStatus
from reports.stats_services import cohort_stats, current_cohort_ids
from sessions.models import Attendance, SessionStatus, TrainingSession
from tests.factories import make_cohort, make_municipality, make_trainee, make_user

# --- builders (tests/test_dashboard.py uses them too) ---------------------------------------


def add_session(cohort: Cohort, day: date, *, cancelled: bool = False, trainer_id=None) -> TrainingSession:
    sess = TrainingSession(
        cohort_id=cohort.id,
        kind="training",
        date=day,
        start_time=time(9, 30),
        end_time=time(16, 0),
        status=SessionStatus.CANCELLED if cancelled else SessionStatus.SCHEDULED,
        trainer_id=trainer_id,
    )
    db.session.add(sess)
    db.session.flush()
    return sess


def attend(sess: TrainingSession, trainee: Trainee, status: str | None) -> None:
    """Record `status` for the trainee, or nothing at all for None (an unrecorded session)."""
    if status is not None:
        db.session.add(Attendance(session_id=sess.id, trainee_id=trainee.id, status=status))
        db.session.flush()


def withdraw(trainee: Trainee, on: date) -> None:
    trainee.status, trainee.withdrawn_on = TraineeStatus.WITHDRAWN, on
    db.session.flush()


def planned_cohort(weeks_ago: int, name: str = "Groep") -> Cohort:
    """A cohort of the default programme (6 weeks training, 8 internship, week 52 the last) whose
    week 1 began `weeks_ago` weeks before this week."""
    today = local_today()
    start = today - timedelta(days=today.weekday(), weeks=weeks_ago)
    cohort, _changes = save_cohort(
        None, CohortInput(name=name, template=default_template(), start_date=start)
    )
    return cohort


def make_offer(cohort: Cohort, places: int = 5) -> InternshipOffer:
    offer = InternshipOffer(municipality=make_municipality(), cohort_id=cohort.id, places=places)
    db.session.add(offer)
    db.session.flush()
    return offer


def place(trainee: Trainee, offer: InternshipOffer, status: str, days_ago: int = 0) -> Placement:
    placement = Placement(
        trainee_id=trainee.id,
        offer_id=offer.id,
        cohort_id=trainee.cohort_id,
        status=status,
        proposed_at=utcnow() - timedelta(days=days_ago),
    )
    db.session.add(placement)
    db.session.flush()
    return placement


def stats_of(cohort: Cohort, today: date | None = None):
    return cohort_stats([cohort.id], today or local_today())[cohort.id]


# --- the attendance rule ----------------------------------------------------------------------

SCHEDULED, CANCELLED = False, True

# (name, [(days before today, cancelled?, status or None)], withdrawn days ago, (overall, last 4 weeks))
RULE_CASES = [
    ("late counts as attended", [(3, SCHEDULED, "late"), (4, SCHEDULED, "absent")], None, (0.5, 0.5)),
    (
        "an excused absence counts neither way",
        [(3, SCHEDULED, "absent_excused"), (4, SCHEDULED, "present"), (5, SCHEDULED, "absent")],
        None,
        (0.5, 0.5),
    ),
    ("only excused absences: no data", [(3, SCHEDULED, "absent_excused")], None, (None, None)),
    (
        "a cancelled session does not count",
        [(3, CANCELLED, "absent"), (4, SCHEDULED, "present")],
        None,
        (1, 1),
    ),
    ("an unrecorded session does not count", [(3, SCHEDULED, None), (4, SCHEDULED, "absent")], None, (0, 0)),
    ("a coming session does not count", [(-2, SCHEDULED, "absent"), (3, SCHEDULED, "present")], None, (1, 1)),
    (
        "the 4 weeks are the 28 days up to today",
        [(27, SCHEDULED, "present"), (28, SCHEDULED, "absent"), (0, SCHEDULED, "late")],
        None,
        (2 / 3, 1.0),
    ),
    (
        "a withdrawn trainee's sessions after the day they left do not count",
        [(12, SCHEDULED, "present"), (10, SCHEDULED, "absent"), (5, SCHEDULED, "absent")],
        10,
        (0.5, 0.5),
    ),
    ("nothing recorded: no data", [], None, (None, None)),
]


def _build_rule_case(rows, withdrawn_days_ago) -> Cohort:
    today = local_today()
    trainee = make_trainee(make_cohort(start_date=today - timedelta(weeks=8)))
    for days_ago, cancelled, status in rows:
        attend(
            add_session(trainee.cohort, today - timedelta(days=days_ago), cancelled=cancelled),
            trainee,
            status,
        )
    if withdrawn_days_ago is not None:
        withdraw(trainee, today - timedelta(days=withdrawn_days_ago))
    db.session.commit()
    return trainee.cohort


@pytest.mark.parametrize(
    ("rows", "withdrawn", "expected"), [c[1:] for c in RULE_CASES], ids=[c[0] for c in RULE_CASES]
)
def test_the_rate_rule_through_the_service_and_the_api(app, api_client, rows, withdrawn, expected):
    cohort = _build_rule_case(rows, withdrawn)
    stats = stats_of(cohort)
    assert (stats.attendance_rate, stats.attendance_rate_4w) == pytest.approx(expected)
    body = api_client(make_user(Role.MANAGER)).get(f"/api/v1/cohorts/{cohort.id}/stats").get_json()
    assert (body["attendance_rate"], body["attendance_rate_4w"]) == pytest.approx(expected)


def _three_trainees(today: date) -> Cohort:
    """A: present 40 days ago, absent 28 days ago, late 27 days ago, absent at a cancelled session,
    excused 5 days ago: 2 of 3 overall, 1 of 1 in the 4 weeks.
    B (withdrew 20 days ago): absent, present, present at the first three, absent 5 days ago
    (after leaving): 2 of 3 overall, 1 of 1 in the 4 weeks.
    C: present 40 days ago, absent 27 days ago, nothing recorded 5 days ago: 1 of 2, 0 of 1.
    The cohort: 5 of 8 overall, 2 of 3 in the last 4 weeks."""
    cohort = make_cohort(start_date=today - timedelta(weeks=8))
    a, b, c = (make_trainee(cohort) for _ in range(3))
    days = [add_session(cohort, today - timedelta(days=n)) for n in (40, 28, 27, 5)]
    cancelled = add_session(cohort, today - timedelta(days=10), cancelled=True)
    for sess, status in zip(days, ("present", "absent", "late", "absent_excused"), strict=True):
        attend(sess, a, status)
    attend(cancelled, a, "absent")
    for sess, status in zip(days, ("absent", "present", "present", "absent"), strict=True):
        attend(sess, b, status)
    withdraw(b, today - timedelta(days=20))
    attend(days[0], c, "present")
    attend(days[2], c, "absent")
    db.session.commit()
    return cohort


def test_a_cohort_rate_adds_up_its_trainees_counts(app, api_client):
    cohort = _three_trainees(local_today())
    stats = stats_of(cohort)
    assert stats.attendance_rate == pytest.approx(5 / 8)
    assert stats.attendance_rate_4w == pytest.approx(2 / 3)
    body = api_client(make_user(Role.MANAGER)).get(f"/api/v1/cohorts/{cohort.id}/stats").get_json()
    assert body["attendance_rate"] == pytest.approx(0.625)
    assert body["attendance_rate_4w"] == pytest.approx(2 / 3)
    assert body["trainees"] == {"active": 2, "withdrawn": 1, "completed": 0}


def test_attendance_stays_with_the_cohort_of_the_session(app):
    today = local_today()
    trainee = make_trainee(make_cohort(start_date=today - timedelta(weeks=8)))
    old_cohort = trainee.cohort
    attend(add_session(old_cohort, today - timedelta(days=3)), trainee, "absent")
    trainee.cohort = make_cohort(start_date=today - timedelta(weeks=2))
    db.session.commit()
    assert stats_of(old_cohort).attendance_rate == 0
    assert stats_of(trainee.cohort).attendance_rate is None


# --- counts, placements, evaluations, messages, phase -----------------------------------------


@pytest.fixture
def internship_cohort(app):
    """Week 12 of the default programme: internship week 6, so the mid-term evaluation (week 4) is
    due and the final one (week 8) is not."""
    cohort = planned_cohort(weeks_ago=11, name="Stagegroep")
    offer = make_offer(cohort)
    confirmed, proposed, unplaced, interning, done, withdrawn, declined = (
        make_trainee(cohort) for _ in range(7)
    )
    place(confirmed, offer, PlacementStatus.CONFIRMED)  # its mid-term evaluation is missing
    place(proposed, offer, PlacementStatus.PROPOSED)
    active = place(interning, offer, PlacementStatus.ACTIVE)
    db.session.add(Evaluation(placement_id=active.id, kind="midterm", scores={}))  # given
    done.status = TraineeStatus.COMPLETED
    place(done, offer, PlacementStatus.COMPLETED)
    withdraw(withdrawn, local_today() - timedelta(days=3))
    place(withdrawn, offer, PlacementStatus.PROPOSED)  # a withdrawn trainee's placement is not counted
    place(declined, offer, PlacementStatus.DECLINED)  # declined only: still without a place
    db.session.commit()
    return cohort, {"unplaced": unplaced, "confirmed": confirmed}


def test_counts_placements_and_missing_evaluations(internship_cohort):
    cohort, _trainees = internship_cohort
    stats = stats_of(cohort)
    assert stats.trainees.active == 5 and stats.trainees.withdrawn == 1 and stats.trainees.completed == 1
    placements = stats.placements
    assert (placements.confirmed, placements.proposed, placements.active, placements.completed) == (
        1,
        1,
        1,
        1,
    )
    assert placements.missing == 2  # unplaced, and declined (a declined proposal is no place)
    assert stats.evaluations_missing == 2  # confirmed's and completed's mid-term; active gave theirs
    assert (stats.phase, stats.week) == ("internship", 12)
    assert stats.places_needed_now


def test_the_api_returns_the_same_numbers(internship_cohort, api_client):
    cohort, _trainees = internship_cohort
    body = api_client(make_user(Role.MANAGER)).get(f"/api/v1/cohorts/{cohort.id}/stats").get_json()
    assert body == {
        "trainees": {"active": 5, "withdrawn": 1, "completed": 1},
        "attendance_rate": None,
        "attendance_rate_4w": None,
        "placements": {"confirmed": 1, "proposed": 1, "missing": 2, "active": 1, "completed": 1},
        "evaluations_missing": 2,
    }


def test_a_cohort_without_internship_misses_no_places(app):
    cohort = make_trainee(make_cohort()).cohort  # not planned: no internship phase
    db.session.commit()
    stats = stats_of(cohort)
    assert stats.placements.missing == 0 and stats.trainees.active == 1
    assert (stats.phase, stats.week, stats.places_needed_now) == ("unplanned", None, False)


def _failed(key: str, **about) -> None:
    db.session.add(
        OutboxMessage(
            key=key,
            kind="test",
            recipient="x@mail.example",
            subject="s",
            body_text="b",
            status=MessageStatus.FAILED,
            **about,
        )
    )


def test_failed_messages_are_counted_for_the_cohort_they_concern(internship_cohort):
    cohort, trainees = internship_cohort
    other = make_trainee(make_cohort())
    sess = add_session(cohort, local_today())
    _failed("about-trainee", trainee_id=trainees["unplaced"].id)
    _failed("about-session", session_id=sess.id)
    _failed("about-another-cohort", trainee_id=other.id)
    _failed("about-no-cohort")
    db.session.commit()
    stats = cohort_stats([cohort.id, other.cohort_id], local_today())
    assert stats[cohort.id].failed_messages == 2
    assert stats[other.cohort_id].failed_messages == 1


@pytest.mark.parametrize(
    ("weeks_ago", "phase", "week"),
    [
        (-2, "planned", None),
        (0, "training", 1),
        (5, "training", 6),
        (6, "internship", 7),
        (14, "guided_work", 15),
    ],
)
def test_phase_and_week_today(app, weeks_ago, phase, week):
    stats = stats_of(planned_cohort(weeks_ago))
    assert (stats.phase, stats.week) == (phase, week)


def test_the_dashboard_cohorts_are_the_running_and_planned_ones(app):
    running, planned, ended = planned_cohort(3), planned_cohort(-4), planned_cohort(60)
    db.session.commit()
    assert current_cohort_ids(local_today()) == [running.id, planned.id]
    assert ended.id not in current_cohort_ids(local_today())


def test_unknown_cohort_ids_are_left_out(app):
    assert cohort_stats([12345], local_today()) == {}


# --- scope --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.TRAINER, Role.TRAINEE, Role.MUNICIPALITY])
def test_only_managers_get_stats(app, api_client, role):
    cohort = make_cohort()
    db.session.commit()
    response = api_client(make_user(role)).get(f"/api/v1/cohorts/{cohort.id}/stats")
    assert response.status_code == 403
    assert response.get_json()["error"]["code"]


def test_stats_of_an_unknown_cohort_are_404(app, api_client):
    response = api_client(make_user(Role.MANAGER)).get("/api/v1/cohorts/999999/stats")
    assert response.status_code == 404 and "error" in response.get_json()


def test_stats_need_a_token(client):
    assert client.get("/api/v1/cohorts/1/stats").status_code == 401


def test_the_stats_route_is_documented(client):
    document = client.get("/api/v1/openapi.json").get_json()
    schema = document["paths"]["/cohorts/{cohort_id}/stats"]["get"]["responses"]["200"]["content"]
    properties = schema["application/json"]["schema"]["properties"]
    assert set(properties) == {
        "trainees",
        "attendance_rate",
        "attendance_rate_4w",
        "placements",
        "evaluations_missing",
    }
    assert properties["attendance_rate"]["nullable"] is True
