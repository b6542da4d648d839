"""The outbox against a real SMTP server: once in effect, never lost, only while it applies."""

import threading
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes, policy

import pytest
import sqlalchemy as sa

from cohort.models import Trainee
from cohort.services import CohortInput, default_template, enrol_trainee, save_cohort, withdraw_trainee
from core.clock import utcnow
from extensions import db
from outbox.dispatch import claim_batch, dispatch_due, message_id_header
from outbox.models import OutboxMessage
from outbox.queue import insert_messages
from sessions import services as session_services
from sessions.models import TrainingSession

NOW = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)


def message(n: int = 1, **fields) -> dict:
    return {
        "kind": "test",
        "key": f"test:{n}",
        "recipient": f"person{n}@mail.example",
        "subject": f"Bericht {n}",
        "body_text": "Hallo",
        "due_at": NOW - timedelta(minutes=1),
        **fields,
    }


def test_ten_thousand_messages_go_in_at_once_on_either_database(app):
    """PostgreSQL refuses a statement with more than 65,535 parameters: 10,000 rows would be 160,000."""
    assert insert_messages([message(n) for n in range(10_000)]) == 10_000
    assert insert_messages([message(n) for n in range(9_990, 10_010)]) == 10
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 10_010


def statuses() -> list[str]:
    db.session.expire_all()
    return [m.status for m in db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id))]


def test_a_key_is_one_message_however_often_it_is_created(app):
    assert insert_messages([message(1), message(2)]) == 2
    assert insert_messages([message(1), message(3)]) == 1
    db.session.commit()
    assert len(statuses()) == 3


def test_dispatching_twice_sends_once_with_a_stable_message_id(app, smtp_config):
    insert_messages([message(1), message(2)])
    db.session.commit()
    assert dispatch_due(NOW) == {"sent": 2, "failed": 0, "skipped": 0, "retrying": 0}
    assert dispatch_due(NOW) == {"sent": 0, "failed": 0, "skipped": 0, "retrying": 0}
    assert [m.rcpt_tos for m in smtp_config.messages] == [["person1@mail.example"], ["person2@mail.example"]]
    first = message_from_bytes(smtp_config.messages[0].content, policy=policy.default)
    stored = db.session.scalar(sa.select(OutboxMessage).filter_by(key="test:1"))
    assert first["Message-ID"] == message_id_header(stored, "localhost")  # the host of BASE_URL


def test_the_send_due_command_twice_sends_once(app, smtp_config):
    insert_messages([message(1)])
    db.session.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["reminders", "send-due", "--now", "2027-02-01T10:00+01:00"])
    second = runner.invoke(args=["reminders", "send-due", "--now", "2027-02-01T10:00+01:00"])
    assert "sent 1, failed 0, skipped 0, retrying 0" in first.output and "sent 0" in second.output
    assert len(smtp_config.messages) == 1
    listing = runner.invoke(args=["reminders", "list", "--status", "sent"])
    assert "person1@mail.example" in listing.output
    assert runner.invoke(args=["reminders", "send-due", "--now", "yesterday"]).exit_code != 0


@pytest.mark.committed_db
def test_two_dispatchers_at_once_send_each_message_once(app, smtp_config):
    insert_messages([message(n) for n in range(40)])
    db.session.commit()
    barrier, results = threading.Barrier(2), []

    def dispatcher():
        with app.app_context():
            barrier.wait()
            results.append(dispatch_due(NOW))
            db.session.remove()

    threads = [threading.Thread(target=dispatcher) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(r["sent"] for r in results) == 40
    recipients = [m.rcpt_tos[0] for m in smtp_config.messages]
    assert len(recipients) == 40 and len(set(recipients)) == 40
    assert set(statuses()) == {"sent"}


def test_a_dispatcher_that_died_after_claiming_is_taken_over_later(app, smtp_config):
    insert_messages([message(1)])
    db.session.commit()
    assert claim_batch(NOW) != []  # claimed ... and then the process died
    assert dispatch_due(NOW + timedelta(minutes=1))["sent"] == 0  # still someone else's
    claim_timeout = timedelta(seconds=app.config["MAIL_CLAIM_TIMEOUT_SECONDS"])
    assert dispatch_due(NOW + claim_timeout + timedelta(seconds=1))["sent"] == 1
    assert len(smtp_config.messages) == 1


def test_when_the_smtp_server_is_down_the_message_waits_and_goes_later(app, smtp_server):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=1, SMTP_TLS="none")  # nothing listens there
    insert_messages([message(1)])
    db.session.commit()
    assert dispatch_due(NOW)["retrying"] == 1  # the server is down: it waits, it has not failed
    waiting = db.session.scalar(sa.select(OutboxMessage))
    assert waiting.status == "pending" and waiting.attempts == 1 and waiting.due_at > NOW
    app.config.update(SMTP_PORT=smtp_server.port)
    assert dispatch_due(NOW)["sent"] == 0  # not yet due again
    assert dispatch_due(NOW + timedelta(minutes=3))["sent"] == 1
    assert len(smtp_server.messages) == 1


def test_after_six_failures_a_message_is_failed_for_the_managers_to_see(app, manager_client):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=1, SMTP_TLS="none")
    insert_messages([message(1)])
    db.session.commit()
    moment = NOW
    for _ in range(6):
        dispatch_due(moment)
        moment += timedelta(hours=2)
    assert statuses() == ["failed"]
    assert "1 berichten konden niet worden verstuurd" in manager_client.get("/dashboard").get_data(
        as_text=True
    )


@pytest.fixture
def cohort_with_trainee(app):
    cohort, _ = save_cohort(
        None,
        CohortInput(
            name="Utrecht", template=default_template(), start_date=date(2027, 3, 1), location="Vredenburg 40"
        ),
    )
    trainee = enrol_trainee(cohort, name="Amina Yusuf", email="amina@mail.example")
    db.session.commit()
    db.session.execute(sa.delete(OutboxMessage))  # the invitation is not what these tests are about
    db.session.commit()
    first = db.session.scalar(
        sa.select(TrainingSession).filter_by(cohort_id=cohort.id).order_by(TrainingSession.date)
    )
    return cohort, trainee, first


def test_nothing_is_sent_about_a_cancelled_session_or_to_a_withdrawn_trainee(
    cohort_with_trainee, smtp_config
):
    cohort, trainee, first = cohort_with_trainee
    second = db.session.scalar(
        sa.select(TrainingSession)
        .where(TrainingSession.cohort_id == cohort.id, TrainingSession.id != first.id)
        .order_by(TrainingSession.date)
    )
    insert_messages(
        [
            message(1, kind="session_reminder", session_id=first.id, recipient=trainee.email),
            message(
                2,
                kind="session_reminder",
                session_id=second.id,
                trainee_id=trainee.id,
                recipient=trainee.email,
            ),
        ]
    )
    first.status = "cancelled"
    withdraw_trainee(db.session.get(Trainee, trainee.id), date(2027, 1, 15), "Werk gevonden")
    db.session.commit()
    counts = dispatch_due(NOW)
    assert counts == {"sent": 0, "failed": 0, "skipped": 2, "retrying": 0}
    assert smtp_config.messages == []
    reasons = {m.last_error for m in db.session.scalars(sa.select(OutboxMessage))}
    assert reasons == {"session cancelled", "trainee withdrawn"}


def test_changes_within_five_minutes_become_one_notice_with_the_session_attached(
    cohort_with_trainee, smtp_config
):
    cohort, trainee, first = cohort_with_trainee
    session_services.update_session(first, {"start_time": "10:00"})
    session_services.update_session(first, {"location": "Stadhuis"})
    db.session.commit()
    [notice] = db.session.scalars(sa.select(OutboxMessage).filter_by(kind="change_notice")).all()
    assert notice.recipient == "amina@mail.example" and len(notice.payload) == 1
    assert "09:30" in notice.body_text and "10:00" in notice.body_text and "Stadhuis" in notice.body_text
    assert dispatch_due(utcnow())["sent"] == 0  # waits for more changes
    assert dispatch_due(utcnow() + timedelta(minutes=6))["sent"] == 1
    mail = message_from_bytes(smtp_config.messages[0].content, policy=policy.default)
    assert mail["Subject"] == "Er is iets veranderd in je rooster"
    attachment = next(part for part in mail.iter_attachments())
    assert attachment.get_content_type() == "text/calendar" and "VEVENT" in attachment.get_content()


def test_the_same_session_goes_to_each_trainee_as_a_whole_calendar_file_of_their_own_mail(
    cohort_with_trainee, smtp_config
):
    """The .ics part is encoded once and shared by the messages that carry it: each mail, written out
    on its own, still holds it whole."""
    cohort, _trainee, first = cohort_with_trainee
    enrol_trainee(cohort, name="Omar Haddad", email="omar@mail.example")
    db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.kind != "change_notice"))
    db.session.commit()
    session_services.update_session(first, {"location": "Stadhuis"})
    db.session.commit()
    assert dispatch_due(utcnow() + timedelta(minutes=6))["sent"] == 2
    mails = [message_from_bytes(m.content, policy=policy.default) for m in smtp_config.messages]
    assert sorted(mail["To"] for mail in mails) == ["amina@mail.example", "omar@mail.example"]
    calendars = []
    for mail in mails:
        [attachment] = list(mail.iter_attachments())
        assert attachment.get_content_type() == "text/calendar"
        assert attachment.get_filename() == "bijeenkomst.ics"
        calendars.append(attachment.get_content())
    assert calendars[0] == calendars[1] and "Stadhuis" in calendars[0] and "END:VCALENDAR" in calendars[0]


def test_a_combined_notice_carries_every_changed_session_in_one_calendar_file(
    cohort_with_trainee, smtp_config
):
    cohort, trainee, first = cohort_with_trainee
    second = db.session.scalars(
        sa.select(TrainingSession).filter_by(cohort_id=cohort.id).order_by(TrainingSession.date)
    ).all()[1]
    session_services.update_session(first, {"start_time": "10:00"})
    session_services.update_session(second, {"location": "Stadhuis"})
    db.session.commit()
    assert dispatch_due(utcnow() + timedelta(minutes=6))["sent"] == 1
    mail = message_from_bytes(smtp_config.messages[0].content, policy=policy.default)
    attachment = next(part for part in mail.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "PUBLISH" and attachment.get_content_charset() == "utf-8"
    calendar = attachment.get_content()
    assert calendar.count("BEGIN:VEVENT") == 2 and "Stadhuis" in calendar


def test_every_message_says_it_is_automatic_in_its_language_from_the_apps_own_domain(app, smtp_config):
    app.config["BASE_URL"] = "https://cohort.example"
    insert_messages([message(1, language="en", subject="A <reminder> & more", body_html="<p>Hello</p>")])
    db.session.commit()
    assert dispatch_due(NOW)["sent"] == 1
    mail = message_from_bytes(smtp_config.messages[0].content, policy=policy.default)
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail["Message-ID"].endswith("@cohort.example>")
    assert mail["Content-Language"] == "en" and mail["Date"].datetime.tzinfo is not None
    html = mail.get_body(preferencelist=("html",)).get_content()
    assert html.startswith("<!doctype html>") and '<html lang="en">' in html
    assert '<meta charset="utf-8">' in html and "<title>A &lt;reminder&gt; &amp; more</title>" in html
    assert "<p>Hello</p>" in html


def test_a_change_after_the_window_is_a_new_notice(cohort_with_trainee):
    cohort, trainee, first = cohort_with_trainee
    session_services.update_session(first, {"start_time": "10:00"})
    db.session.commit()
    db.session.execute(sa.update(OutboxMessage).values(due_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    session_services.cancel_session(first)
    db.session.commit()
    notices = db.session.scalars(
        sa.select(OutboxMessage).filter_by(kind="change_notice").order_by(OutboxMessage.id)
    ).all()
    assert len(notices) == 2 and "GAAT NIET DOOR" in notices[1].body_text


@pytest.mark.committed_db
def test_two_scheduler_processes_at_once_send_each_message_once(app, smtp_server):
    """Two real `flask reminders send-due` processes against one database and one SMTP server."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    insert_messages([message(n) for n in range(30)])
    db.session.commit()
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_server.port),
        "SMTP_TLS": "none",
        "SECRET_KEY": "test-secret-key",
    }
    command = [
        sys.executable,
        "-m",
        "flask",
        "--app",
        "app",
        "reminders",
        "send-due",
        "--now",
        "2027-02-01T10:00+01:00",
    ]
    root = Path(__file__).resolve().parent.parent
    processes = [
        subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.PIPE, text=True) for _ in range(2)
    ]
    outputs = [process.communicate(timeout=120)[0] for process in processes]
    assert all(process.returncode == 0 for process in processes), outputs
    recipients = [m.rcpt_tos[0] for m in smtp_server.messages]
    assert len(recipients) == 30 and len(set(recipients)) == 30
    assert set(statuses()) == {"sent"}
