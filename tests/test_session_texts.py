"""A session's description ("what to bring") reaches the trainees; its internal notes never leave
the staff's own pages: not in a feed, a mail, an attachment or a page or API answer a trainee sees."""

from datetime import date, datetime, time, timedelta
from email import message_from_bytes, policy
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from accounts.models import Role, User
from cohort.services import CohortInput, default_template, enrol_trainee, save_cohort
from extensions import db
from outbox.dispatch import dispatch_due
from outbox.models import OutboxMessage
from placements import services as placements
from placements.models import InternshipOffer
from placements.return_day_feed import municipality_feed_url
from reminders.scan import scan
from sessions import services as session_services
from sessions.feed_service import cohort_feed_url, trainee_feed_url
from sessions.models import TrainingSession
from tests.conftest import post_form
from tests.factories import make_municipality, make_user

SECRET = "INTERN-7f3a de zaal is pas om negen uur open"
BRING = "Neem je paspoort mee."
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def world(app, manager):
    cohort, _ = save_cohort(
        None, CohortInput(name="Utrecht", template=default_template(), start_date=date(2027, 3, 1))
    )
    trainee = enrol_trainee(cohort, name="Amina Yusuf", email="amina@mail.example")
    host = make_municipality("Utrecht")
    contact = make_user(Role.MUNICIPALITY, municipality_id=host.id)
    offer = InternshipOffer(municipality_id=host.id, cohort_id=cohort.id, places=1, address="Stadsplateau 1")
    db.session.add(offer)
    db.session.commit()
    placement = placements.propose(trainee, offer, manager)
    placements.confirm(
        placement, {"supervisor_name": "Eva de Boer", "supervisor_email": "eva@gemeente.example"}, None, "t"
    )
    db.session.execute(sa.update(TrainingSession).values(notes=SECRET, description=BRING))
    db.session.execute(sa.delete(OutboxMessage))
    db.session.commit()
    first = db.session.scalar(sa.select(TrainingSession).order_by(TrainingSession.date))
    user = db.session.scalar(sa.select(User).filter_by(trainee_id=trainee.id))
    return {"cohort": cohort, "trainee": trainee, "user": user, "contact": contact, "first": first}


def _mail_texts(envelope) -> str:
    """The raw bytes and every decoded part of a received message, as one text to search."""
    mail = message_from_bytes(envelope.content, policy=policy.default)
    parts = [envelope.content.decode("utf-8", "replace")]
    for part in mail.walk():
        if not part.is_multipart():
            parts.append(part.get_payload(decode=True).decode("utf-8", "replace"))
    return "\n".join(parts)


def test_notes_stay_out_of_every_feed(world, client, manager):
    for url in (
        trainee_feed_url(world["trainee"]),
        cohort_feed_url(world["cohort"], manager),
        municipality_feed_url(world["contact"]),
    ):
        body = client.get(url.removeprefix("http://localhost")).data
        assert b"BEGIN:VEVENT" in body and SECRET.encode() not in body and b"INTERN-7f3a" not in body
    assert (
        BRING.encode() in client.get(trainee_feed_url(world["trainee"]).removeprefix("http://localhost")).data
    )


def test_notes_stay_out_of_the_trainees_pages_and_api(world, make_client, api_client):
    page = make_client(world["user"]).get("/schedule").get_data(as_text=True)
    assert BRING in page and "INTERN-7f3a" not in page
    api = api_client(world["user"])
    schedule = api.get(
        f"/api/v1/trainees/{world['trainee'].id}/schedule?from=2027-03-01"
    )  # the cohort's start
    assert schedule.status_code == 200 and "INTERN-7f3a" not in schedule.get_data(as_text=True)
    assert any(item["description"] == BRING for item in schedule.get_json())


def test_notes_stay_out_of_reminders_and_change_notices_and_their_attachments(world, smtp_config):
    first = world["first"]
    evening_before = datetime.combine(first.date - timedelta(days=1), time(21, 0), AMSTERDAM)
    assert scan(evening_before) >= 1
    session_services.update_session(first, {"location": "Stadhuis"})
    db.session.commit()
    dispatch_due(evening_before + timedelta(minutes=10))
    kinds = {m.kind for m in db.session.scalars(sa.select(OutboxMessage).filter_by(status="sent"))}
    assert {"session_reminder", "change_notice"} <= kinds
    texts = [_mail_texts(envelope) for envelope in smtp_config.messages]
    assert texts and all("INTERN-7f3a" not in text for text in texts)
    reminder = db.session.scalar(sa.select(OutboxMessage).filter_by(kind="session_reminder"))
    assert BRING in reminder.body_text and BRING in reminder.body_html


def test_the_manager_writes_the_description_on_the_form_and_in_the_api(
    world, manager, manager_client, api_client
):
    first = world["first"]
    page = manager_client.get(f"/sessions/{first.id}/edit").get_data(as_text=True)
    assert 'name="description"' in page and 'name="notes"' in page
    values = {
        "date": first.date.isoformat(),
        "start_time": "09:30",
        "end_time": "16:00",
        "description": "Neem een lunch mee.",
        "notes": SECRET,
    }
    response = post_form(manager_client, f"/sessions/{first.id}/edit", values)
    assert response.status_code == 302
    db.session.refresh(first)
    assert (first.description, first.notes) == ("Neem een lunch mee.", SECRET)
    api = api_client(manager)
    answer = api.patch(f"/api/v1/sessions/{first.id}", json={"description": "Neem een pen mee."})
    assert answer.status_code == 200 and answer.get_json()["description"] == "Neem een pen mee."
    too_long = api.patch(f"/api/v1/sessions/{first.id}", json={"description": "x" * 2001})
    assert too_long.status_code == 400 and "description" in too_long.get_json()["error"]["fields"]
