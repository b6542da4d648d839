"""Mail that always flows: one bad message never stops the others, and each failure is recorded.

The SMTP server is real (aiosmtpd) and answers per recipient, as real servers do: 250, a
permanent 550, a temporary 421, or a connection dropped in the middle of DATA.
"""

import logging
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

import sqlalchemy as sa

from extensions import db
from outbox.dispatch import DISPATCHER_DID_NOT_FINISH, MAX_ATTEMPTS, claim_batch, dispatch_due
from outbox.models import OutboxMessage
from outbox.queue import insert_messages
from tests.conftest import BUSY, DROPPED, REFUSED

NOW = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)


def message(n: int, recipient: str | None = None, **fields) -> dict:
    return {
        "kind": "test",
        "key": f"flow:{n}",
        "recipient": recipient or f"person{n}@mail.example",
        "subject": f"Bericht {n}",
        "body_text": "Hallo",
        "due_at": NOW - timedelta(minutes=1),
        **fields,
    }


def rows() -> dict[str, OutboxMessage]:
    db.session.expire_all()
    return {m.recipient: m for m in db.session.scalars(sa.select(OutboxMessage))}


def test_a_hundred_messages_with_one_of_each_bad_kind_all_end_well(app, picky_smtp, caplog):
    caplog.set_level(logging.CRITICAL, logger="outbox.dispatch")  # the unbuildable one logs a trace
    bad = [REFUSED, BUSY, DROPPED, "line@mail.example\nBcc: everyone@mail.example"]
    good = [message(n) for n in range(96)]
    insert_messages(good[:40] + [message(100 + i, to) for i, to in enumerate(bad)] + good[40:])
    db.session.commit()

    first = dispatch_due(NOW)

    assert first == {"sent": 96, "failed": 2, "skipped": 0, "retrying": 2}
    assert sum(first.values()) == 100
    stored = rows()
    assert (stored[REFUSED].status, stored[REFUSED].attempts) == ("failed", 1)
    assert stored[REFUSED].last_error == "550 5.1.1 Mailbox unavailable"
    assert stored[REFUSED].bounced  # the address needs correcting: the overview says so
    unbuildable = stored[bad[3]]
    assert unbuildable.status == "failed" and "linefeed" in unbuildable.last_error
    assert not unbuildable.bounced  # not the address's fault
    for later in (BUSY, DROPPED):
        assert stored[later].status == "pending" and stored[later].attempts == 1
        assert stored[later].due_at > NOW
    assert stored[BUSY].last_error.startswith("421 4.3.2")
    assert "SMTPServerDisconnected" in stored[DROPPED].last_error
    assert not [m for m in stored.values() if m.status == "sending"]

    second = dispatch_due(NOW + timedelta(minutes=5))

    assert second == {"sent": 2, "failed": 0, "skipped": 0, "retrying": 0}
    received = picky_smtp.recipients()
    assert sorted(received) == sorted([f"person{n}@mail.example" for n in range(96)] + [BUSY, DROPPED])
    assert len(received) == len(set(received))  # each once
    assert {m.status for m in rows().values()} == {"sent", "failed"}
    # What the server received is whole mail: Python's email package reads every one.
    for envelope in picky_smtp.received:
        parsed = message_from_bytes(envelope.original_content, policy=policy.default)
        assert parsed["To"] == envelope.rcpt_tos[0] and parsed["Message-ID"]


def test_a_message_that_kills_its_dispatcher_every_time_ends_failed(app, picky_smtp):
    """Each claim counts an attempt; a claim nobody finishes is taken over, until the limit."""
    insert_messages([message(1)])
    db.session.commit()
    claim_timeout = timedelta(seconds=app.config["MAIL_CLAIM_TIMEOUT_SECONDS"])
    moment = NOW
    for _ in range(MAX_ATTEMPTS):
        assert claim_batch(moment) != []  # claimed ... and the dispatcher died
        moment += claim_timeout + timedelta(seconds=1)
    assert dispatch_due(moment) == {"sent": 0, "failed": 0, "skipped": 0, "retrying": 0}
    stored = rows()["person1@mail.example"]
    assert (stored.status, stored.attempts, stored.last_error) == (
        "failed",
        MAX_ATTEMPTS,
        DISPATCHER_DID_NOT_FINISH,
    )
    assert picky_smtp.received == []


def test_a_failing_attachment_fails_its_message_only(app, picky_smtp, caplog):
    """Anything that breaks while building one message (here: its attachment) is recorded on it."""
    caplog.set_level(logging.CRITICAL, logger="outbox.dispatch")

    def broken(_email, _message):
        db.session.execute(sa.text("SELECT * FROM no_such_table"))  # leaves the transaction broken

    app.extensions["message_rules"].attachments["broken"] = broken
    insert_messages([message(1), message(2, kind="broken"), message(3)])
    db.session.commit()
    assert dispatch_due(NOW) == {"sent": 2, "failed": 1, "skipped": 0, "retrying": 0}
    stored = rows()
    assert stored["person2@mail.example"].status == "failed"
    assert "no_such_table" in stored["person2@mail.example"].last_error
    assert sorted(picky_smtp.recipients()) == ["person1@mail.example", "person3@mail.example"]


def test_the_command_reports_what_happened_to_every_claimed_message(app, picky_smtp):
    insert_messages([message(1), message(2, REFUSED), message(3, BUSY)])
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["reminders", "send-due", "--now", NOW.isoformat()])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("sent 1, failed 1, skipped 0, retrying 1")
