"""A trainee's data export (AVG right of access): every section, no secrets, the audit log, who may
fetch whose data, and a query count that does not grow with the data."""

import json
from datetime import date

import pytest
import sqlalchemy as sa

from accounts.models import Role, User
from accounts.services import create_api_token
from cohort.follow_ups.models import WorkOutcome
from cohort.models import TraineeNote, TraineeOutcome, TraineeStatus, TraineeStatusChange
from cohort.services import CohortInput, default_template, enrol_trainee, save_cohort
from core.audit import AuditAction, AuditEvent
from extensions import db
from placements import services as placement_services
from placements.evaluations.rules import CRITERIA
from placements.evaluations.services import submit_evaluation
from placements.models import InternshipOffer
from privacy.subject_export import SECTIONS, subject_data
from sessions.feed_service import trainee_feed_token
from sessions.models import AbsenceNotice, AttendanceStatus, TrainingSession
from sessions.services import record_attendance
from tests.factories import make_municipality, make_user


def user_of(trainee) -> User:
    return db.session.scalar(sa.select(User).filter_by(trainee_id=trainee.id))


def make_person(cohort, manager, name: str, email: str, sessions: int = 1, notes: int = 1):
    """A trainee with something in every section: `sessions` attended sessions and `notes` notes."""
    trainee = enrol_trainee(cohort, name=name, email=email, phone="06 1111 2222", languages=["Tigrinya"])
    db.session.flush()
    create_api_token(user_of(trainee), "telefoon")
    all_sessions = db.session.scalars(
        sa.select(TrainingSession).filter_by(cohort_id=cohort.id).order_by(TrainingSession.date)
    ).all()
    for sess in all_sessions[:sessions]:
        entry = {"trainee_id": trainee.id, "status": AttendanceStatus.LATE, "note": "trein"}
        record_attendance(sess, [entry], manager)
        db.session.add(AbsenceNotice(session_id=sess.id, trainee_id=trainee.id, reason="Afspraak huisarts"))
    for n in range(notes):
        db.session.add(
            TraineeNote(
                trainee_id=trainee.id, author_id=manager.id, noted_on=date(2026, 4, 1), text=f"Notitie {n}"
            )
        )
    db.session.add(
        TraineeStatusChange(
            trainee_id=trainee.id,
            status=TraineeStatus.ACTIVE,
            effective_on=date(2026, 3, 30),
            reason="Gestart",
        )
    )
    trainee.outcome, trainee.outcome_note = TraineeOutcome.EDUCATION, "Gaat studeren"
    db.session.add(
        WorkOutcome(
            trainee_id=trainee.id,
            months=3,
            work="other",
            employer_name="Bakkerij De Zon",
            hours_per_week=20,
            evidence="self_reported",
            source="follow_up_link",
            known_on=date(2027, 6, 1),
        )
    )
    municipality = make_municipality()
    contact = make_user(Role.MUNICIPALITY, municipality_id=municipality.id)
    offer = InternshipOffer(municipality_id=municipality.id, cohort_id=cohort.id, places=3, department="Werk")
    db.session.add(offer)
    db.session.flush()
    for _declined in range(notes - 1):  # earlier proposals that were declined, each with its history
        earlier = placement_services.propose(trainee, offer, manager)
        placement_services.decline(earlier, "Geen begeleider", contact)
    placement = placement_services.propose(trainee, offer, manager)
    placement_services.confirm(
        placement, {"supervisor_name": "Eva", "supervisor_email": "eva@x.example"}, contact
    )
    submit_evaluation(placement, "midterm", {code: 3 for code in CRITERIA}, "Goed bezig", "Eva")
    db.session.add(
        AuditEvent(actor_id=manager.id, trainee_id=trainee.id, action=AuditAction.VIEW, subject="file")
    )
    db.session.commit()
    return trainee


@pytest.fixture
def cohort(app):
    cohort, _ = save_cohort(
        None, CohortInput(name="Zwolle najaar", template=default_template(), start_date=date(2026, 3, 30))
    )
    db.session.commit()
    return cohort


@pytest.fixture
def amal(cohort, manager):
    return make_person(cohort, manager, "Amal Yusuf", "amal@mail.example")


def test_the_export_holds_every_section_and_no_secret(amal, manager_client, manager):
    response = manager_client.get(f"/trainees/{amal.id}/data.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    disposition = response.headers["Content-Disposition"]
    assert disposition == f'attachment; filename="gegevens-deelnemer-{amal.id}.json"'
    data = json.loads(response.get_data(as_text=True))

    assert set(SECTIONS) <= set(data)
    empty = [section for section in SECTIONS if not data[section]]
    assert empty == []
    assert data["trainee"]["name"] == "Amal Yusuf" and data["trainee"]["phone"] == "06 1111 2222"
    assert data["accounts"][0]["email"] == "amal@mail.example"
    assert data["attendance"][0]["status"] == "late" and data["attendance"][0]["date"] == "2026-03-30"
    assert data["absence_notices"][0]["reason"] == "Afspraak huisarts"
    [placement] = data["placements"]
    assert placement["status"] == "confirmed" and [e["to_status"] for e in placement["events"]] == [
        "proposed",
        "confirmed",
    ]
    assert data["evaluations"][0]["comments"] == "Goed bezig" and data["notes"][0]["text"] == "Notitie 0"
    assert data["outcome"]["outcome"] == "education" and data["status_history"][0]["reason"] == "Gestart"
    assert data["work_after_programme"][0]["employer"] == "Bakkerij De Zon"
    assert {m["kind"] for m in data["messages"]} == {"invitation"}
    assert "body_text" in data["messages"][0] and data["messages"][0]["subject"]
    actions = [e["action"] for e in data["audit_events"]]
    assert actions[-2:] == ["view", "export"]  # this export lists itself, last

    text = response.get_data(as_text=True)
    user = user_of(amal)
    for secret in ("password_hash", "token_hash", "calendar_salt", trainee_feed_token(amal)):
        assert secret not in text
    assert all(value not in text for value in (user.password_hash,) if value)

    [event] = db.session.scalars(sa.select(AuditEvent).filter_by(action=AuditAction.EXPORT)).all()
    assert (event.trainee_id, event.actor_id, event.subject) == (amal.id, manager.id, "data export")


def test_the_readable_page_shows_the_same_and_is_logged_too(amal, manager_client):
    response = manager_client.get(f"/trainees/{amal.id}/data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for text in (
        "Amal Yusuf",
        "06 1111 2222",
        "Afspraak huisarts",
        "Goed bezig",
        "Notitie 0",
        "Gaat studeren",
    ):
        assert text in html, text
    assert f'href="/trainees/{amal.id}/data.json"' in html
    assert (
        db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).filter_by(action=AuditAction.EXPORT)) == 1
    )


def test_the_export_page_runs_a_fixed_number_of_queries(cohort, manager, manager_client, count_queries):
    small = make_person(cohort, manager, "Klein Een", "klein@mail.example", sessions=1, notes=1)
    large = make_person(cohort, manager, "Groot Twee", "groot@mail.example", sessions=12, notes=3)
    assert len(subject_data(large)["placements"]) == 3 and len(subject_data(large)["attendance"]) == 12
    manager_client.get(f"/trainees/{small.id}/data")  # warm up: the first request loads more
    with count_queries() as few:
        assert manager_client.get(f"/trainees/{small.id}/data").status_code == 200
    with count_queries() as many:
        assert manager_client.get(f"/trainees/{large.id}/data").status_code == 200
    assert len(few) == len(many)


# --- who may fetch whose data ------------------------------------------------------------------


@pytest.fixture
def two_trainees(cohort, manager, make_client):
    amal = make_person(cohort, manager, "Amal Yusuf", "amal@mail.example")
    bram = make_person(cohort, manager, "Bram Visser", "bram@mail.example")
    for person in (amal, bram):
        user_of(person).password_hash = manager.password_hash  # the factories' password
    db.session.commit()
    return amal, bram, make_client(user_of(amal)), make_client(user_of(bram))


def test_a_trainee_sees_only_their_own_data(two_trainees):
    amal, bram, amal_client, bram_client = two_trainees
    for url in (f"/trainees/{amal.id}/data", f"/trainees/{amal.id}/data.json"):
        assert bram_client.get(url).status_code == 404, url
        assert amal_client.get(url).status_code == 200, url
    own = bram_client.get("/account/data")
    assert own.status_code == 200
    html = own.get_data(as_text=True)
    assert "Bram Visser" in html and "Amal Yusuf" not in html and "amal@mail.example" not in html
    download = bram_client.get("/account/data.json")
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert json.loads(download.get_data(as_text=True))["trainee"]["id"] == bram.id
    account_page = bram_client.get("/account").get_data(as_text=True)
    assert 'href="/account/data"' in account_page
    exports = db.session.scalars(sa.select(AuditEvent).filter_by(action=AuditAction.EXPORT)).all()
    assert {(e.trainee_id, e.actor_id) for e in exports} == {
        (amal.id, user_of(amal).id),
        (bram.id, user_of(bram).id),
    }


@pytest.mark.parametrize("who", ["municipality_client", "trainer_client"])
def test_contacts_and_trainers_get_403(request, who, amal):
    client = request.getfixturevalue(who)
    for url in (
        f"/trainees/{amal.id}/data",
        f"/trainees/{amal.id}/data.json",
        "/account/data",
        "/account/data.json",
    ):
        assert client.get(url).status_code == 403, url
    assert (
        db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).filter_by(action=AuditAction.EXPORT)) == 0
    )


def test_a_manager_has_no_own_data_page_and_a_missing_trainee_is_a_404(manager_client):
    assert manager_client.get("/account/data").status_code == 403
    assert manager_client.get("/trainees/9999/data").status_code == 404
    assert "/account/data" not in manager_client.get("/account").get_data(as_text=True)


def test_the_login_is_needed(client, amal):
    for url in (f"/trainees/{amal.id}/data", "/account/data.json"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.location
