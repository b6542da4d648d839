"""The trainee file: every section on a built trainee, the forms and their refusals, scope, and
a query count that does not grow with the file."""

from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa

from accounts.models import Role
from cohort.models import Cohort, Trainee, TraineeNote, TraineeStatusChange
from cohort.services import CohortInput, default_template, enrol_trainee, save_cohort
from core.audit import AuditEvent
from core.clock import local_today, utcnow
from extensions import db
from placements import services as placement_services
from placements.evaluations.rules import CRITERIA
from placements.evaluations.services import submit_evaluation
from placements.models import Evaluation, Placement, PlacementEvent
from placements.municipalities.services import create_offer
from sessions.models import AbsenceNotice, Attendance, SessionStatus, TrainingSession
from tests.conftest import post_form
from tests.factories import make_municipality, make_user

TODAY = local_today()


def _days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


# --- The rates, with plain values -------------------------------------------------------------


# --- A built trainee --------------------------------------------------------------------------


def _cohort(name: str = "Voorjaar"):
    start = _days_ago(70) - timedelta(days=_days_ago(70).weekday())  # a Monday ten weeks back
    cohort, _changes = save_cohort(
        None, CohortInput(name=name, template=default_template(), start_date=start, location="Utrecht")
    )
    # The planner's sessions are replaced by a hand-made list, so the rates can be computed by hand.
    db.session.execute(sa.delete(TrainingSession).where(TrainingSession.cohort_id == cohort.id))
    return cohort


def _session(cohort, days_ago: int, title: str, cancelled: bool = False) -> TrainingSession:
    sess = TrainingSession(
        cohort=cohort,
        kind="training",
        date=_days_ago(days_ago),
        start_time=time(9, 30),
        end_time=time(16, 0),
        title=title,
        status=SessionStatus.CANCELLED if cancelled else SessionStatus.SCHEDULED,
    )
    db.session.add(sess)
    db.session.flush()
    return sess


def _attend(sess, trainee, status: str, note: str = "") -> None:
    db.session.add(Attendance(session_id=sess.id, trainee_id=trainee.id, status=status, note=note))


@pytest.fixture
def manager_en(app):
    return make_user(Role.MANAGER, email="lead@cohort.example", language="en")


@pytest.fixture
def en_client(make_client, manager_en):
    return make_client(manager_en)


@pytest.fixture
def built(app, manager_en):
    """Amina: six sessions with attendance, an absence notice, a declined and a confirmed placement
    with a mid-term evaluation, two notes."""
    cohort = _cohort()
    amina = enrol_trainee(
        cohort, name="Amina Yusuf", email="amina.yusuf@mail.example", phone="06 1234 5678", actor=manager_en
    )
    sessions = {
        40: ("Kennismaking", "present"),
        35: ("Wet inburgering", "absent"),
        30: ("Gespreksvoering", "absent_excused"),
        20: ("Cultuursensitief werken", "late"),
        10: ("Het PIP", "present"),
        3: ("Terugkomdag", None),
    }
    made = {}
    for days_ago, (title, status) in sessions.items():
        made[days_ago] = _session(cohort, days_ago, title)
        if status:
            _attend(made[days_ago], amina, status, "trein te laat" if status == "late" else "")
    _attend(_session(cohort, 15, "Vervallen les", cancelled=True), amina, "present")
    _session(cohort, -5, "Volgende week")  # ahead: not in the file's list
    db.session.add(AbsenceNotice(session_id=made[30].id, trainee_id=amina.id, reason="Afspraak bij de IND"))

    first, second = make_municipality("Amersfoort"), make_municipality("Breda")
    offer_a = create_offer(first, {"places": 2, "cohort_id": cohort.id, "address": "Stadhuisplein 1"})
    offer_b = create_offer(
        second, {"places": 2, "cohort_id": cohort.id, "address": "Claudius Prinsenlaan 10"}
    )
    contact = make_user(Role.MUNICIPALITY, municipality_id=first.id)
    declined = placement_services.propose(amina, offer_a, manager_en)
    placement_services.decline(declined, "Geen begeleider in die weken", contact)
    placed = placement_services.propose(amina, offer_b, manager_en)
    placement_services.confirm(
        placed,
        {"supervisor_name": "Eva de Boer", "supervisor_email": "eva@breda.example"},
        None,
        "e-mail link (Eva de Boer)",
    )
    submit_evaluation(placed, "midterm", dict.fromkeys(CRITERIA, 4), "Werkt zelfstandig", "Eva de Boer")

    db.session.add_all(
        [
            TraineeNote(
                trainee_id=amina.id, author_id=manager_en.id, noted_on=_days_ago(30), text="Eerste gesprek"
            ),
            TraineeNote(
                trainee_id=amina.id, author_id=manager_en.id, noted_on=_days_ago(2), text="Tweede gesprek"
            ),
        ]
    )
    db.session.commit()
    return amina.id


def _file(client, trainee_id: int) -> str:
    response = client.get(f"/trainees/{trainee_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_file_shows_contact_details_and_enrolment(en_client, built):
    page = _file(en_client, built)
    assert "Amina Yusuf" in page and "amina.yusuf@mail.example" in page and "06 1234 5678" in page
    assert "Voorjaar" in page
    history = page.split('id="status"')[1].split("</section>")[0]
    assert "Enrolled" in history and "Manager User" in history


def test_the_file_shows_attendance_with_hand_computed_rates(en_client, built):
    page = _file(en_client, built)
    attendance = page.split('id="attendance"')[1].split("</section>")[0]
    # Counted: present, absent, late, present (excused, cancelled and unregistered left out): 3 of 4.
    assert "<dd>75%</dd>" in attendance
    # The last 4 weeks (27 days back to today): late, present: 2 of 2.
    assert "<dd>100%</dd>" in attendance
    counts = {
        "Present": 2,  # the cancelled session's "present" is not one of them
        "Late": 1,
        "Absent with notice": 1,
        "Absent": 1,
        "Not registered": 1,
    }
    for name, number in counts.items():
        assert f'<th scope="row">{name}</th><td>{number}</td>' in attendance
    assert "Kennismaking" in attendance and "trein te laat" in attendance
    assert "Vervallen les (Cancelled)" in attendance
    assert "Volgende week" not in attendance  # after today
    assert "Afspraak bij de IND" in attendance


def test_the_file_shows_placements_with_their_history_and_evaluations(en_client, built):
    page = _file(en_client, built)
    internship = page.split('id="placements"')[1].split("</section>")[0]
    assert internship.index("Amersfoort") < internship.index("Breda")  # oldest first
    assert "Geen begeleider in die weken" in internship and "Declined" in internship
    assert "e-mail link (Eva de Boer)" in internship and "Confirmed" in internship
    assert "Supervisor: Eva de Boer" in internship
    assert "Mid-term evaluation" in internship and "average score 4.0 of 5" in internship


def test_notes_are_listed_newest_first(en_client, built):
    page = _file(en_client, built)
    notes = page.split('id="notes"')[1].split("</section>")[0]
    assert notes.index("Tweede gesprek") < notes.index("Eerste gesprek")


def test_a_note_is_added_and_audited_without_its_text(en_client, built):
    response = post_form(
        en_client,
        f"/trainees/{built}/notes",
        {"note-noted_on": _days_ago(1).isoformat(), "note-text": "Belde over kinderopvang"},
        page=f"/trainees/{built}",
    )
    assert response.status_code == 302 and response.location.endswith(f"/trainees/{built}#notes")
    note = db.session.scalar(sa.select(TraineeNote).filter_by(text="Belde over kinderopvang"))
    assert note.noted_on == _days_ago(1) and note.author.email == "lead@cohort.example"
    assert "Belde over kinderopvang" in _file(en_client, built)
    change = db.session.scalar(
        sa.select(AuditEvent).filter_by(trainee_id=built, action="change", subject="note")
    )
    assert change is not None


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"note-noted_on": TODAY.isoformat(), "note-text": "   "}, "Required."),
        (
            {"note-noted_on": (TODAY + timedelta(days=1)).isoformat(), "note-text": "Later"},
            "Choose today or a day before.",
        ),
        ({"note-noted_on": "", "note-text": "Zonder datum"}, "This field is required."),
    ],
)
def test_a_note_that_cannot_be_saved_shows_why_and_saves_nothing(en_client, built, data, problem):
    notes_before = db.session.scalar(sa.select(sa.func.count(TraineeNote.id)))
    response = post_form(en_client, f"/trainees/{built}/notes", data, page=f"/trainees/{built}")
    assert response.status_code == 400
    assert problem in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(TraineeNote.id))) == notes_before
    assert db.session.scalar(sa.select(AuditEvent).filter_by(action="change", subject="note")) is None


def test_the_outcome_employed_as_consultant_is_saved_and_shown(en_client, built):
    breda = db.session.scalar(sa.select(Placement).filter_by(status="confirmed")).offer.municipality
    response = post_form(
        en_client,
        f"/trainees/{built}/outcome",
        {
            "outcome-outcome": "employed_consultant",
            "outcome-outcome_municipality_id": str(breda.id),
            "outcome-outcome_date": "2027-02-01",
        },
        page=f"/trainees/{built}",
    )
    assert response.status_code == 302
    trainee = db.session.get(Trainee, built)
    assert (trainee.outcome, trainee.outcome_municipality_id, trainee.outcome_date) == (
        "employed_consultant",
        breda.id,
        date(2027, 2, 1),
    )
    outcome = _file(en_client, built).split('id="outcome"')[1]
    assert "Employed as integration consultant" in outcome and "at Breda" in outcome
    assert "from February 1, 2027" in outcome
    assert db.session.scalar(sa.select(AuditEvent).filter_by(action="change", subject="outcome")) is not None


@pytest.mark.parametrize(
    ("data", "problems"),
    [
        (
            {"outcome-outcome": "employed_consultant"},
            ["Choose the municipality.", "Give the first working day."],
        ),
        ({"outcome-outcome": "other", "outcome-outcome_note": " "}, ["Give the reason."]),
        ({"outcome-outcome": ""}, ["Choose an outcome."]),
    ],
)
def test_an_outcome_without_what_it_needs_shows_why_and_saves_nothing(en_client, built, data, problems):
    response = post_form(en_client, f"/trainees/{built}/outcome", data, page=f"/trainees/{built}")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    for problem in problems:
        assert f'class="field-error">{problem}</small>' in page
    assert db.session.get(Trainee, built).outcome is None
    assert db.session.scalar(sa.select(AuditEvent).filter_by(action="change", subject="outcome")) is None


def test_another_outcome_with_a_reason_names_no_municipality(en_client, built):
    breda = db.session.scalar(sa.select(Placement).filter_by(status="confirmed")).offer.municipality
    post_form(
        en_client,
        f"/trainees/{built}/outcome",
        {
            "outcome-outcome": "other",
            "outcome-outcome_municipality_id": str(breda.id),
            "outcome-outcome_note": "Verhuisd naar Belgie",
        },
        page=f"/trainees/{built}",
    )
    trainee = db.session.get(Trainee, built)
    assert (trainee.outcome, trainee.outcome_note, trainee.outcome_municipality_id) == (
        "other",
        "Verhuisd naar Belgie",
        None,
    )


def test_completing_and_withdrawing_are_kept_in_the_status_history(en_client, app, manager_en):
    cohort = _cohort()
    staying = enrol_trainee(cohort, name="Blijft", email="blijft@mail.example", actor=manager_en)
    leaving = enrol_trainee(cohort, name="Stopt", email="stopt@mail.example", actor=manager_en)
    db.session.commit()
    staying_id, leaving_id = staying.id, leaving.id
    done = post_form(
        en_client,
        f"/trainees/{staying_id}/complete",
        {"complete-completed_on": "2026-12-18"},
        page=f"/trainees/{staying_id}",
    )
    assert done.status_code == 302
    withdrawn = post_form(
        en_client,
        f"/trainees/{leaving_id}/withdraw",
        {"withdraw-withdrawn_on": _days_ago(3).isoformat(), "withdraw-reason": "Werk gevonden"},
        page=f"/trainees/{leaving_id}",
    )
    assert withdrawn.status_code == 302 and withdrawn.location.endswith(f"/trainees/{leaving_id}#status")
    steps = db.session.execute(
        sa.select(
            TraineeStatusChange.trainee_id, TraineeStatusChange.status, TraineeStatusChange.effective_on
        ).order_by(TraineeStatusChange.id)
    ).all()
    assert [tuple(s) for s in steps] == [
        (staying_id, "enrolled", TODAY),
        (leaving_id, "enrolled", TODAY),
        (staying_id, "completed", date(2026, 12, 18)),
        (leaving_id, "withdrawn", _days_ago(3)),
    ]
    history = _file(en_client, leaving_id).split('id="status"')[1].split("</section>")[0]
    assert history.index("Enrolled") < history.index("Withdrawn") and "Werk gevonden" in history
    # A withdrawn trainee cannot complete: the refusal is shown, nothing changes.
    refused = post_form(
        en_client, f"/trainees/{leaving_id}/complete", {"complete-completed_on": "2026-12-18"}, page="/audit"
    )
    assert refused.status_code == 400 and "already left the programme" in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(Trainee.status).filter_by(id=leaving_id)) == "withdrawn"


# --- Scope ------------------------------------------------------------------------------------


@pytest.mark.parametrize("client_name", ["trainee_client", "municipality_client", "trainer_client"])
def test_other_roles_may_not_open_or_change_a_file(request, built, client_name):
    client = request.getfixturevalue(client_name)
    assert client.get(f"/trainees/{built}").status_code == 403
    page = client.get("/account").get_data(as_text=True)
    from tests.conftest import csrf_token_from

    token = csrf_token_from(page)
    for path in ("notes", "outcome", "complete"):
        response = client.post(f"/trainees/{built}/{path}", data={"csrf_token": token, "note-text": "x"})
        assert response.status_code == 403
    assert db.session.scalar(sa.select(AuditEvent).filter_by(action="view")) is None


def test_an_unknown_trainee_is_404(en_client, built):
    assert en_client.get(f"/trainees/{built + 999}").status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(client, built):
    response = client.get(f"/trainees/{built}")
    assert response.status_code == 302 and "/login" in response.location


# --- Queries ----------------------------------------------------------------------------------


def _fill(cohort, trainee, manager, n: int) -> None:
    """n sessions with attendance and an absence notice, n notes, n status changes, n placements
    with two events and an evaluation each."""
    offer = create_offer(make_municipality(), {"places": 1, "cohort_id": cohort.id})
    for i in range(n):
        sess = _session(cohort, 60 - i, f"Les {i}")
        _attend(sess, trainee, ("present", "late", "absent", "absent_excused")[i % 4])
        db.session.add(AbsenceNotice(session_id=sess.id, trainee_id=trainee.id, reason=f"Reden {i}"))
        db.session.add(
            TraineeNote(
                trainee_id=trainee.id, author_id=manager.id, noted_on=_days_ago(i), text=f"Notitie {i}"
            )
        )
        db.session.add(
            TraineeStatusChange(
                trainee_id=trainee.id, status="active", effective_on=_days_ago(i), changed_by_id=manager.id
            )
        )
        placement = Placement(trainee_id=trainee.id, offer=offer, cohort_id=cohort.id, status="declined")
        placement.events = [
            PlacementEvent(to_status="proposed", actor_id=manager.id, actor_label="Manager"),
            PlacementEvent(
                from_status="proposed", to_status="declined", actor_label="Gemeente", reason="Vol"
            ),
        ]
        db.session.add(placement)
        db.session.flush()
        db.session.add(Evaluation(placement_id=placement.id, kind="midterm", scores={"conversation": 3}))
    db.session.commit()


def test_the_file_costs_the_same_queries_for_2_and_for_40_of_everything(en_client, manager_en, count_queries):
    cohort_small, cohort_large = _cohort("Klein"), _cohort("Groot")
    small = enrol_trainee(cohort_small, name="Klein", email="klein@mail.example", actor=manager_en)
    large = enrol_trainee(cohort_large, name="Groot", email="groot@mail.example", actor=manager_en)
    outcome_place = make_municipality("Zwolle")
    for trainee in (small, large):
        trainee.outcome, trainee.outcome_municipality_id = "employed_consultant", outcome_place.id
    _fill(cohort_small, small, manager_en, 2)
    _fill(cohort_large, large, manager_en, 40)
    small_id, large_id = small.id, large.id
    _file(en_client, small_id)  # warm up: the first request loads what every request loads once
    with count_queries() as for_small:
        page_small = _file(en_client, small_id)
    with count_queries() as for_large:
        page_large = _file(en_client, large_id)
    assert "Notitie 1" in page_small and "Notitie 39" in page_large and "Reden 39" in page_large
    assert len(for_large) == len(for_small), "\n".join(for_large)


def test_the_file_opens_in_dutch_too(manager_client, built):
    page = _file(manager_client, built)
    assert "<dd>75%</dd>" in page and "Amina Yusuf" in page


# --- Withdrawing and moving -------------------------------------------------------------------


def _two_trainees(manager_en):
    """A cohort with an enrolled trainee, another group to move to; their ids."""
    cohort = _cohort()
    other, _changes = save_cohort(
        None, CohortInput(name="Najaar", template=default_template(), start_date=date(2026, 9, 7))
    )
    trainee = enrol_trainee(cohort, name="Sara", email="sara@mail.example", actor=manager_en)
    db.session.commit()
    return trainee.id, cohort.id, other.id


def _status_steps(trainee_id: int) -> list[str]:
    query = (
        sa.select(TraineeStatusChange.status)
        .filter_by(trainee_id=trainee_id)
        .order_by(TraineeStatusChange.id)
    )
    return list(db.session.scalars(query))


def test_a_withdrawal_with_problems_shows_the_file_again_and_saves_nothing(en_client, manager_en):
    trainee_id, _cohort_id, _other_id = _two_trainees(manager_en)
    response = post_form(
        en_client,
        f"/trainees/{trainee_id}/withdraw",
        {"withdraw-withdrawn_on": "", "withdraw-reason": "Werk gevonden"},
        page=f"/trainees/{trainee_id}",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="status"' in html and "Sara" in html  # the trainee file, not another page
    assert "This field is required." in html and "<details open>" in html
    assert db.session.scalar(sa.select(Trainee.status).filter_by(id=trainee_id)) == "enrolled"
    assert _status_steps(trainee_id) == ["enrolled"]


def test_a_completed_trainee_cannot_be_withdrawn(en_client, manager_en):
    trainee_id, _cohort_id, _other_id = _two_trainees(manager_en)
    page = f"/trainees/{trainee_id}"
    post_form(en_client, f"{page}/complete", {"complete-completed_on": "2026-12-18"}, page=page)
    response = post_form(
        en_client,
        f"{page}/withdraw",
        {"withdraw-withdrawn_on": _days_ago(1).isoformat(), "withdraw-reason": "Toch gestopt"},
        page="/audit",
    )
    assert response.status_code == 400 and "already left the programme" in response.get_data(as_text=True)
    trainee = db.session.get(Trainee, trainee_id)
    assert (trainee.status, trainee.withdrawn_on, trainee.withdrawal_reason) == ("completed", None, None)
    assert _status_steps(trainee_id) == ["enrolled", "completed"]
    assert f'action="/trainees/{trainee_id}/withdraw"' not in en_client.get(page).get_data(as_text=True)


def test_an_erased_trainee_takes_no_withdrawal_reason_and_no_move(en_client, manager_en):
    trainee_id, cohort_id, other_id = _two_trainees(manager_en)
    db.session.get(Trainee, trainee_id).erased_at = utcnow()
    db.session.commit()
    page = f"/trainees/{trainee_id}"
    withdraw = post_form(
        en_client,
        f"{page}/withdraw",
        {"withdraw-withdrawn_on": _days_ago(1).isoformat(), "withdraw-reason": "Nieuwe persoonlijke reden"},
        page="/audit",
    )
    move = post_form(
        en_client, f"{page}/move", {"move-cohort_id": str(other_id), "move-reason": "Verhuisd"}, page="/audit"
    )
    assert withdraw.status_code == move.status_code == 400
    assert "personal data has been erased" in withdraw.get_data(as_text=True)
    trainee = db.session.get(Trainee, trainee_id)
    assert (trainee.status, trainee.withdrawal_reason, trainee.cohort_id) == ("enrolled", None, cohort_id)
    assert _status_steps(trainee_id) == ["enrolled"]


def test_moving_a_trainee_asks_a_reason_changes_their_group_and_leaves_a_history_row(en_client, manager_en):
    trainee_id, cohort_id, other_id = _two_trainees(manager_en)
    page = f"/trainees/{trainee_id}"
    assert f'action="/trainees/{trainee_id}/move"' in en_client.get(page).get_data(as_text=True)
    without_reason = post_form(en_client, f"{page}/move", {"move-cohort_id": str(other_id)}, page=page)
    assert without_reason.status_code == 400
    assert db.session.scalar(sa.select(Trainee.cohort_id).filter_by(id=trainee_id)) == cohort_id
    moved = post_form(
        en_client,
        f"{page}/move",
        {"move-cohort_id": str(other_id), "move-reason": "Moved to Amersfoort"},
        page=page,
    )
    assert moved.status_code == 302 and moved.location.endswith(f"{page}#status")
    assert db.session.scalar(sa.select(Trainee.cohort_id).filter_by(id=trainee_id)) == other_id
    changes = db.session.scalars(
        sa.select(AuditEvent.subject)
        .filter_by(trainee_id=trainee_id, action="change")
        .order_by(AuditEvent.id)
    ).all()
    assert changes[-1] == "enrolment"
    assert _status_steps(trainee_id) == ["enrolled", "moved"]  # the status itself does not change
    old_name, new_name = (db.session.get(Cohort, i).name for i in (cohort_id, other_id))
    history = en_client.get(page).get_data(as_text=True)
    assert f"Moved from {old_name} to {new_name}" in history and "Moved to Amersfoort" in history
    assert manager_en.name in history
    # Back to a group that does not exist (or the one they are in): the field says why, nothing moves.
    for wrong in (str(other_id + 999), str(other_id)):
        refused = post_form(
            en_client, f"{page}/move", {"move-cohort_id": wrong, "move-reason": "x"}, page=page
        )
        assert refused.status_code == 400 and "Not a valid choice" in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(Trainee.cohort_id).filter_by(id=trainee_id)) == other_id
    assert cohort_id != other_id


def test_the_old_combined_enrolment_route_is_gone(en_client, manager_en):
    trainee_id, _cohort_id, _other_id = _two_trainees(manager_en)
    assert post_form(en_client, f"/trainees/{trainee_id}", {"action": "withdraw"}).status_code == 405
