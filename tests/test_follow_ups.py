"""Follow-ups after the programme (issue 17): the scheduler asks former trainees by a signed link,
once and one chase; they answer without an account; the employer confirms; a manager records."""

import time
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes, policy

import pytest
import sqlalchemy as sa

from accounts.models import Role
from cohort.follow_ups import links, services
from cohort.follow_ups.models import WorkOutcome
from cohort.follow_ups.rules import Evidence, Source, Work
from cohort.models import Trainee, TraineeStatus
from core.clock import local_today, utcnow
from core.errors import ConflictError
from core.workdays import add_months
from extensions import db
from outbox.dispatch import dispatch_due
from outbox.models import MessageStatus, OutboxMessage
from placements.links import Recipient, make_token
from privacy.erasure import erase_trainee
from reminders.scan import scan
from tests.conftest import post_form
from tests.factories import make_municipality, make_trainee, make_user


@pytest.fixture(autouse=True)
def english(client):
    """The link pages in English (the checks read their English words); the mail stays Dutch."""
    client.set_cookie("lang", "en")


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def former_trainee(
    left_on: date, status: str = TraineeStatus.COMPLETED, name: str = "Samira Haddad"
) -> Trainee:
    trainee = make_trainee(name=name)
    trainee.status = status
    if status == TraineeStatus.COMPLETED:
        trainee.completed_on = left_on
    else:
        trainee.withdrawn_on = left_on
    db.session.commit()
    return trainee


def run_scan(now: datetime) -> None:
    scan(now)
    db.session.commit()


def follow_up_messages() -> list[OutboxMessage]:
    query = sa.select(OutboxMessage).where(OutboxMessage.kind.in_(("follow_up", "follow_up_chase")))
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def link_in(text: str) -> str:
    return next(word for word in text.split() if "/f/" in word).removeprefix("http://localhost")


# --- when the scheduler asks -------------------------------------------------------------------


def test_the_question_goes_at_10_local_3_months_after_the_end_and_once(app):
    trainee = former_trainee(date(2026, 1, 30))  # 3 months: 30 April, summer time (08:00 UTC)
    run_scan(utc(2026, 4, 30, 7, 59))
    assert follow_up_messages() == []
    run_scan(utc(2026, 4, 30, 8, 0))
    run_scan(utc(2026, 4, 30, 8, 1))
    [question] = follow_up_messages()
    assert (question.kind, question.trainee_id, question.payload) == ("follow_up", trainee.id, {"months": 3})
    assert question.due_at == utc(2026, 4, 30, 8, 0) and question.recipient == trainee.email
    assert "/f/follow-up/" in question.body_text and "3 maanden" in question.body_text


def test_one_chase_after_14_days_and_nothing_after_the_link_ended(app):
    trainee = former_trainee(date(2026, 1, 30))
    run_scan(utc(2026, 4, 30, 8, 0))
    db.session.execute(sa.update(OutboxMessage).values(created_at=utc(2026, 4, 30, 8, 0)))
    run_scan(utc(2026, 5, 14, 7, 59))
    assert [m.kind for m in follow_up_messages()] == ["follow_up"]
    run_scan(utc(2026, 5, 14, 8, 0))
    run_scan(utc(2026, 5, 20, 8, 0))
    assert [m.kind for m in follow_up_messages()] == ["follow_up", "follow_up_chase"]
    db.session.execute(sa.delete(OutboxMessage))
    run_scan(utc(2026, 5, 30, 21, 59))  # 23:59 on the link's last day, 30 days after the moment
    assert [m.kind for m in follow_up_messages()] == ["follow_up"]  # a late question: still in time
    db.session.execute(sa.delete(OutboxMessage))
    run_scan(utc(2026, 5, 30, 22, 0))  # 00:00 the day after: the link has ended
    assert follow_up_messages() == []
    assert trainee.id


def test_a_question_sent_late_is_not_chased_at_once(app):
    former_trainee(date(2026, 1, 30))
    run_scan(utc(2026, 5, 20, 8, 0))  # the scheduler was down for three weeks
    run_scan(utc(2026, 5, 20, 8, 1))
    assert [m.kind for m in follow_up_messages()] == ["follow_up"]


def test_withdrawn_trainees_are_asked_and_their_follow_up_is_sent(app, smtp_config):
    trainee = former_trainee(date(2026, 1, 30), status=TraineeStatus.WITHDRAWN)
    run_scan(utc(2026, 4, 30, 8, 0))
    [question] = follow_up_messages()
    assert dispatch_due(utc(2026, 4, 30, 8, 1))["sent"] == 1
    db.session.refresh(question)
    assert question.status == MessageStatus.SENT
    [envelope] = smtp_config.messages
    assert envelope.rcpt_tos == [trainee.email]


def test_who_asked_not_to_be_asked_or_was_erased_is_not_asked(app, manager):
    stopped = former_trainee(date(2026, 1, 30))
    stopped.follow_ups_stopped_at = utc(2026, 2, 1)
    erased = former_trainee(date(2026, 1, 30), name="Erased Person")
    erase_trainee(erased, manager)
    still_in = make_trainee()  # still in the programme: no end date
    db.session.commit()
    run_scan(utc(2026, 4, 30, 8, 0))
    assert follow_up_messages() == [] and still_in.left_on is None


def test_at_dispatch_an_answered_or_turned_off_follow_up_is_skipped(app, smtp_config):
    answered = former_trainee(date(2026, 1, 30))
    turned_off = former_trainee(date(2026, 1, 30), name="Tariq Noor")
    run_scan(utc(2026, 4, 30, 8, 0))
    services.answer_follow_up(answered, 3, Work.NONE, "", "", ask_again=True)
    services.stop_follow_ups(turned_off)
    db.session.commit()
    assert dispatch_due(utc(2026, 4, 30, 8, 1))["skipped"] == 2
    assert smtp_config.messages == []


# --- the link -------------------------------------------------------------------------------------


def open_trainee(months_ago: int = 3, days: int = 2) -> Trainee:
    """A former trainee whose follow-up at `months_ago` months is open today."""
    return former_trainee(add_months(local_today(), -months_ago) - timedelta(days=days))


def test_the_former_trainee_answers_from_the_link_in_the_mail_they_received(app, client, smtp_config):
    trainee = open_trainee()
    run_scan(utcnow())
    dispatch_due()
    [envelope] = smtp_config.messages
    received = message_from_bytes(envelope.original_content, policy=policy.default)
    assert received["To"] == trainee.email
    url = link_in(received.get_body(("plain",)).get_content())

    page = client.get(url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Samira Haddad" in html and 'name="work"' in html
    assert page.headers["Cache-Control"] == "no-store"
    response = post_form(
        client,
        url,
        {"work": "consultant", "employer": "Gemeente Utrecht", "hours_per_week": "24", "ask_again": "y"},
    )
    assert response.status_code == 302
    [outcome] = db.session.scalars(sa.select(WorkOutcome)).all()
    assert (outcome.months, outcome.work, outcome.hours_per_week) == (3, Work.CONSULTANT, 24)
    assert outcome.employer == "Utrecht" and outcome.employer_municipality_id is not None
    assert (outcome.evidence, outcome.source) == (Evidence.SELF_REPORTED, Source.FOLLOW_UP_LINK)
    assert trainee.follow_ups_stopped_at is None


def test_a_second_answer_through_the_link_changes_nothing(app, client):
    trainee = open_trainee()
    url = links.follow_up_url(trainee, 3).removeprefix("http://localhost")
    post_form(client, url, {"work": "none"})
    again = post_form(client, url, {"work": "consultant", "employer": "Utrecht"}, page=url)
    assert again.status_code == 200 and "You have answered these questions" in again.get_data(as_text=True)
    assert [o.work for o in db.session.scalars(sa.select(WorkOutcome))] == [Work.NONE]


def test_two_answers_that_cross_keep_one(app, monkeypatch):
    trainee = open_trainee()
    services.answer_follow_up(trainee, 3, Work.NONE, "", "", ask_again=True)
    db.session.commit()
    monkeypatch.setattr(services, "answered_by_link", lambda *_: None)  # the second post checked first
    with pytest.raises(ConflictError):
        services.answer_follow_up(trainee, 3, Work.OTHER, "Bakkerij", "", ask_again=True)
    db.session.rollback()
    assert [o.work for o in db.session.scalars(sa.select(WorkOutcome))] == [Work.NONE]


def test_what_a_manager_heard_on_the_phone_stops_the_question(app, manager):
    trainee = former_trainee(date(2026, 1, 30))
    services.record_outcome(trainee, 3, Work.NONE, "", "", "phone_call", date(2026, 4, 20), "", manager)
    db.session.commit()
    run_scan(utc(2026, 4, 30, 8, 0))
    assert follow_up_messages() == []


def test_bad_answers_get_field_errors_and_save_nothing(app, client):
    trainee = open_trainee()
    url = links.follow_up_url(trainee, 3).removeprefix("http://localhost")
    for data, problem in (
        ({}, "Choose one answer."),
        ({"work": "other"}, "Write where you work."),
        ({"work": "other", "employer": "Bakkerij", "hours_per_week": "99"}, "from 1 to 60"),
        ({"work": "other", "employer": "x" * 121}, "at most 120"),
        ({"work": "boss"}, "Choose one answer."),
    ):
        response = post_form(client, url, data)
        assert response.status_code == 200 and problem in response.get_data(as_text=True), data
    assert db.session.scalars(sa.select(WorkOutcome)).all() == []


def test_not_wanting_more_questions_stops_them_and_keeps_the_answer(app, client):
    trainee = open_trainee()
    url = links.follow_up_url(trainee, 3).removeprefix("http://localhost")
    post_form(client, url, {"work": "other", "employer": "Bakkerij De Zon"})  # the box left empty
    db.session.refresh(trainee)
    assert trainee.follow_ups_stopped_at is not None
    [outcome] = db.session.scalars(sa.select(WorkOutcome)).all()
    assert (outcome.employer_name, outcome.employer_municipality_id) == ("Bakkerij De Zon", None)


def made_days_ago(monkeypatch, make, days: int) -> str:
    with monkeypatch.context() as frozen:
        past = time.time() - days * 24 * 3600
        frozen.setattr(time, "time", lambda: past)
        return make()


def test_links_that_do_not_work(app, client, monkeypatch):
    trainee = open_trainee()
    good = links.follow_up_url(trainee, 3).removeprefix("http://localhost")
    assert client.get(good).status_code == 200
    # Expired: the moment's 30 days are over, or the link itself is older than that.
    ended = open_trainee(days=33)  # the moment was 32 or 33 days ago: its 30th day is over
    assert client.get(links.follow_up_url(ended, 3).removeprefix("http://localhost")).status_code == 404
    old = made_days_ago(monkeypatch, lambda: links.follow_up_url(trainee, 3), 32)
    assert client.get(old.removeprefix("http://localhost")).status_code == 404
    # Another moment than the open one, another purpose, tampered.
    assert client.get(links.follow_up_url(trainee, 6).removeprefix("http://localhost")).status_code == 404
    placement_token = make_token(1, "answer", Recipient("contact", 1), 0)
    assert client.get(f"/f/follow-up/{placement_token}").status_code == 404
    assert client.get(good[:-3] + "abc").status_code == 404
    confirm_shaped = links._serializer().dumps(
        {"purpose": "confirm-work", "trainee": trainee.id, "months": 3}
    )
    assert client.get(f"/f/follow-up/{confirm_shaped}").status_code == 404


def test_the_link_of_an_erased_trainee_stops_working(app, client, manager):
    trainee = open_trainee()
    url = links.follow_up_url(trainee, 3).removeprefix("http://localhost")
    erase_trainee(trainee, manager)
    db.session.commit()
    assert client.get(url).status_code == 404


# --- the employer confirms ------------------------------------------------------------------------


def test_the_municipality_contact_confirms_from_their_own_link(app, client, smtp_config):
    utrecht = make_municipality("Utrecht")
    contact = make_user(Role.MUNICIPALITY, municipality_id=utrecht.id, email="hr@utrecht.example")
    trainee = open_trainee()
    url = links.follow_up_url(trainee, 3).removeprefix("http://localhost")
    post_form(client, url, {"work": "consultant", "employer": "gemeente utrecht", "ask_again": "y"})
    [envelope] = [e for e in smtp_config.messages if e.rcpt_tos == [contact.email]]
    received = message_from_bytes(envelope.original_content, policy=policy.default)
    assert "Samira Haddad" in received["Subject"]
    confirm = link_in(received.get_body(("plain",)).get_content())

    page = client.get(confirm).get_data(as_text=True)
    assert "Works as integration consultant" in page and "Utrecht" in page
    assert post_form(client, confirm, {"answer": "yes"}).status_code == 302
    outcome = db.session.scalars(sa.select(WorkOutcome)).one()
    assert (outcome.evidence, outcome.employer_answer, outcome.employer_answered_by_id) == (
        Evidence.EMPLOYER_CONFIRMED,
        "confirmed",
        contact.id,
    )
    post_form(client, confirm, {"answer": "no"})  # a second answer changes nothing
    db.session.refresh(outcome)
    assert outcome.employer_answer == "confirmed"


def test_a_denial_keeps_the_answer_self_reported_and_a_moved_contact_has_no_link(app, client):
    utrecht, zeist = make_municipality("Utrecht"), make_municipality("Zeist")
    contact = make_user(Role.MUNICIPALITY, municipality_id=utrecht.id)
    trainee = open_trainee()
    outcome = services.answer_follow_up(trainee, 3, Work.CONSULTANT, "Utrecht", "", ask_again=True)
    db.session.commit()
    url = links.confirm_url(outcome, contact).removeprefix("http://localhost")
    post_form(client, url, {"answer": "no"})
    db.session.refresh(outcome)
    assert (outcome.evidence, outcome.employer_answer) == (Evidence.SELF_REPORTED, "denied")
    contact.municipality_id = zeist.id
    db.session.commit()
    assert client.get(url).status_code == 404


# --- the manager records --------------------------------------------------------------------------


def test_a_manager_records_a_phone_call_in_the_trainee_file(app, make_client):
    manager_client = make_client(make_user(Role.MANAGER, language="en"))
    trainee = former_trainee(date(2026, 1, 30), status=TraineeStatus.WITHDRAWN)
    url = f"/trainees/{trainee.id}/work-outcomes"
    page = f"/trainees/{trainee.id}"
    bad = post_form(manager_client, url, {"work-months": "6", "work-work": "other"}, page=page)
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "Choose where the information comes from." in html
    assert "Give the employer." in html
    data = {
        "work-months": "6",
        "work-work": "other",
        "work-employer": "Bakkerij De Zon",
        "work-source": "phone_call",
        "work-known_on": "2026-08-01",
        "work-stop_asking": "y",
    }
    assert post_form(manager_client, url, data, page=page).status_code == 302
    db.session.refresh(trainee)
    assert trainee.follow_ups_stopped_at is not None  # they said so on the phone
    outcome = db.session.scalars(sa.select(WorkOutcome)).one()
    assert (outcome.evidence, outcome.source, outcome.months) == (Evidence.PROGRAMME, "phone_call", 6)
    html = manager_client.get(page).get_data(as_text=True)
    assert "Bakkerij De Zon" in html and "Recorded by the programme" in html


def test_no_outcome_is_recorded_for_someone_still_in_the_programme(app, make_client):
    manager_client = make_client(make_user(Role.MANAGER, language="en"))
    trainee = make_trainee()
    db.session.commit()
    data = {
        "work-months": "6",
        "work-work": "none",
        "work-source": "phone_call",
        "work-known_on": "2026-08-01",
    }
    response = post_form(
        manager_client, f"/trainees/{trainee.id}/work-outcomes", data, page=f"/trainees/{trainee.id}"
    )
    assert response.status_code == 400 and "still in the programme" in response.get_data(as_text=True)
    assert db.session.scalars(sa.select(WorkOutcome)).all() == []


def test_bad_input_on_the_manager_form_gets_400_and_saves_nothing(app, make_client):
    manager_client = make_client(make_user(Role.MANAGER, language="en"))
    trainee = former_trainee(date(2026, 1, 30))
    url, page = f"/trainees/{trainee.id}/work-outcomes", f"/trainees/{trainee.id}"
    good = {
        "work-months": "6",
        "work-work": "other",
        "work-employer": "Bakkerij",
        "work-source": "phone_call",
    }
    for bad in (
        {"work-months": "99999999999999999999"},
        {"work-hours_per_week": "1e3"},
        {"work-employer": "x" * 100_000},
        {"work-note": "regel\nregel " * 100},
        {"work-known_on": "2026-02-30"},
    ):
        response = post_form(manager_client, url, {**good, "work-known_on": "2026-08-01", **bad}, page=page)
        assert response.status_code == 400, bad
    assert db.session.scalars(sa.select(WorkOutcome)).all() == []
