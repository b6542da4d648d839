"""Putting e-mail in the outbox and sending it: over SMTP, or to the local outbox in dev.

A message is a row first (written in the caller's transaction), sent second. The
dispatcher claims a row with a compare-and-set update before sending, so two
dispatchers never send the same row, and a claim that was never finished is taken
over after CLAIM_TIMEOUT.
"""

import hashlib
import logging
import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

import sqlalchemy as sa
from flask import current_app, g
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from core.clock import utcnow
from extensions import db
from reminders.models import MessageStatus, OutboxMessage

log = logging.getLogger(__name__)

CLAIM_TIMEOUT = timedelta(minutes=10)
MAX_ATTEMPTS = 6


MESSAGE_FIELDS = (
    "kind",
    "key",
    "recipient",
    "subject",
    "body_text",
    "body_html",
    "due_at",
    "recipient_user_id",
    "language",
    "session_id",
    "trainee_id",
    "placement_id",
    "payload",
)


def _insert_ignoring_duplicates(rows: list[dict]):
    """INSERT ... ON CONFLICT (key) DO NOTHING, in the dialect of the database in use."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    now = utcnow()
    values = [
        {
            "due_at": now,
            "created_at": now,
            "status": MessageStatus.PENDING,
            "attempts": 0,
            "language": "nl",
            **row,
        }
        for row in rows
    ]
    return insert(OutboxMessage).values(values).on_conflict_do_nothing(index_elements=["key"])


def insert_messages(rows: list[dict]) -> int:
    """Add many messages at once (the due-rule scan); rows whose key exists are skipped.

    Each row is a dict with the OutboxMessage fields (at least kind, key, recipient, subject,
    body_text). Returns how many rows were new. Runs in the caller's transaction.
    """
    if not rows:
        return 0
    result = db.session.execute(_insert_ignoring_duplicates(rows).returning(OutboxMessage.id))
    return len(result.all())


def queue_message(**fields) -> int | None:
    """Add one message in the current transaction (the change that causes it commits it).

    The same key twice is one row: returns the new row's id, or None if the key existed.
    The id is remembered so `send_queued_mail()` can send it right after the commit.
    """
    unknown = set(fields) - set(MESSAGE_FIELDS)
    if unknown:
        raise TypeError(f"unknown message fields: {sorted(unknown)}")
    new_id = db.session.execute(_insert_ignoring_duplicates([fields]).returning(OutboxMessage.id)).scalar()
    if new_id is not None:
        g.setdefault("queued_message_ids", []).append(new_id)
    return new_id


def send_queued_mail() -> dict:
    """After the commit: send what this request or command queued, so invitations go at once.

    What cannot be sent now stays in the outbox for the scheduler to retry.
    """
    ids = g.pop("queued_message_ids", [])
    return dispatch_due(only_ids=ids) if ids else {"sent": 0, "failed": 0}


def message_id_header(message: OutboxMessage, sender: str) -> str:
    """The same outbox row always gets the same Message-ID, so a resend is recognisable."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    digest = hashlib.sha256(message.key.encode()).hexdigest()[:24]
    return f"<{digest}.{message.id}@{domain}>"


def build_email(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = format_datetime(utcnow())
    email["Message-ID"] = message_id_header(message, sender)
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    return email


def send_over_smtp(email: EmailMessage, config) -> None:
    host, port, timeout = config["SMTP_HOST"], config["SMTP_PORT"], config["SMTP_TIMEOUT"]
    smtp_class = smtplib.SMTP_SSL if config["SMTP_TLS"] == "ssl" else smtplib.SMTP
    with smtp_class(host, port, timeout=timeout) as smtp:
        if config["SMTP_TLS"] == "starttls":
            smtp.starttls()
        if config["SMTP_USER"]:
            smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"] or "")
        smtp.send_message(email)


def _claim(message_id: int, now: datetime) -> bool:
    """Compare-and-set: only one dispatcher turns a pending (or stale) row into 'sending'."""
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            sa.or_(
                OutboxMessage.status == MessageStatus.PENDING,
                sa.and_(
                    OutboxMessage.status == MessageStatus.SENDING,
                    OutboxMessage.claimed_at < now - CLAIM_TIMEOUT,
                ),
            ),
        )
        .values(status=MessageStatus.SENDING, claimed_at=now)
    )
    db.session.commit()
    return result.rowcount == 1


def _deliver(message: OutboxMessage, now: datetime) -> None:
    config = current_app.config
    email = build_email(message, config["MAIL_FROM"])
    if config["SMTP_HOST"]:
        send_over_smtp(email, config)
        message.transport = "smtp"
    else:
        log.info("No SMTP configured; kept in the local outbox:\n%s", email)
        message.transport = "local"
    message.status = MessageStatus.SENT
    message.sent_at = now


def _record_failure(message: OutboxMessage, error: Exception, now: datetime) -> None:
    message.attempts += 1
    message.last_error = f"{type(error).__name__}: {error}"[:500]
    if message.attempts >= MAX_ATTEMPTS:
        message.status = MessageStatus.FAILED
    else:
        message.status = MessageStatus.PENDING
        message.due_at = now + timedelta(minutes=2**message.attempts)
    log.warning("Sending message %s failed (attempt %s): %s", message.id, message.attempts, error)


def dispatch_due(now: datetime | None = None, only_ids: list[int] | None = None) -> dict:
    """Send every due message (or only the given ones); return counts of sent and failed."""
    now = now or utcnow()
    query = sa.select(OutboxMessage.id).where(
        OutboxMessage.due_at <= now,
        OutboxMessage.status.in_([MessageStatus.PENDING, MessageStatus.SENDING]),
    )
    if only_ids is not None:
        query = query.where(OutboxMessage.id.in_(only_ids))
    counts = {"sent": 0, "failed": 0}
    for message_id in db.session.scalars(query.order_by(OutboxMessage.due_at)).all():
        if not _claim(message_id, now):
            continue
        message = db.session.get(OutboxMessage, message_id)
        try:
            _deliver(message, now)
            counts["sent"] += 1
        except (OSError, smtplib.SMTPException) as error:
            _record_failure(message, error, now)
            counts["failed"] += 1
        db.session.commit()
    return counts
