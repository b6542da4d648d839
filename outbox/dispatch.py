"""Sending the outbox: claim due messages, build each e-mail, send it over SMTP (or keep it in
the local outbox in dev), retry what failed.

The dispatcher claims a row with a compare-and-set update before sending, so two dispatchers
never send the same row, and a claim that was never finished is taken over after the claim
timeout (setting MAIL_CLAIM_TIMEOUT_SECONDS). Whether a message still applies, and what it
attaches, the dispatcher asks the table of outbox/kinds.py: it imports no domain model.
"""

import contextlib
import hashlib
import logging
import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

import sqlalchemy as sa
from flask import current_app

from core.clock import utcnow
from extensions import db
from outbox.kinds import message_rules
from outbox.models import MessageStatus, OutboxMessage
from outbox.sent_secrets import forget_secret_links

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6


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
    message_rules().attach(email, message)
    return email


CLAIM_BATCH = 100


def _claimable(now: datetime):
    """Pending, or claimed so long ago that its dispatcher must have died: take it over."""
    claim_timeout = timedelta(seconds=current_app.config["MAIL_CLAIM_TIMEOUT_SECONDS"])
    return sa.or_(
        OutboxMessage.status == MessageStatus.PENDING,
        sa.and_(
            OutboxMessage.status == MessageStatus.SENDING,
            OutboxMessage.claimed_at < now - claim_timeout,
        ),
    )


def claim_batch(now: datetime, only_ids: list[int] | None = None, limit: int = CLAIM_BATCH) -> list[int]:
    """Claim due messages in one short transaction, so no other dispatcher sends them.

    PostgreSQL: SELECT ... FOR UPDATE SKIP LOCKED, so dispatchers running at once take
    different rows without waiting for each other. SQLite has one writer at a time: a
    compare-and-set UPDATE per row decides, and a second dispatcher's UPDATE finds the
    row already claimed.
    """
    query = (
        sa.select(OutboxMessage.id)
        .where(OutboxMessage.due_at <= now, _claimable(now))
        .order_by(OutboxMessage.due_at, OutboxMessage.id)
        .limit(limit)
    )
    if only_ids is not None:
        query = query.where(OutboxMessage.id.in_(only_ids))
    claim = sa.update(OutboxMessage).values(status=MessageStatus.SENDING, claimed_at=now)
    if db.session.get_bind().dialect.name == "postgresql":
        ids = list(db.session.scalars(query.with_for_update(skip_locked=True)))
        if ids:
            db.session.execute(claim.where(OutboxMessage.id.in_(ids)))
    else:
        ids = [
            message_id
            for message_id in db.session.scalars(query).all()
            if db.session.execute(claim.where(OutboxMessage.id == message_id, _claimable(now))).rowcount == 1
        ]
    db.session.commit()
    return ids


class SmtpConnection:
    """One SMTP connection for a whole dispatch run, opened when first needed, reopened after an error."""

    def __init__(self, config):
        self.config, self.smtp = config, None

    def send(self, email: EmailMessage) -> None:
        if self.smtp is None:
            self.smtp = _connect(self.config)
        try:
            self.smtp.send_message(email)
        except (OSError, smtplib.SMTPException):
            self.close()
            raise

    def close(self) -> None:
        if self.smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.smtp.quit()
            self.smtp = None


def _connect(config) -> smtplib.SMTP:
    smtp_class = smtplib.SMTP_SSL if config["SMTP_TLS"] == "ssl" else smtplib.SMTP
    smtp = smtp_class(config["SMTP_HOST"], config["SMTP_PORT"], timeout=config["SMTP_TIMEOUT"])
    if config["SMTP_TLS"] == "starttls":
        smtp.starttls()
    if config["SMTP_USER"]:
        smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"] or "")
    return smtp


def _deliver(message: OutboxMessage, connection: SmtpConnection | None, now: datetime) -> None:
    email = build_email(message, current_app.config["MAIL_FROM"])
    if connection is not None:
        connection.send(email)
        message.transport = "smtp"
        forget_secret_links(message)  # the recipient has the links now; the stored copy needs none
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


def _send_one(
    message: OutboxMessage, connection: SmtpConnection | None, now: datetime, reason: str | None
) -> str:
    """Send a claimed message, or skip it when it no longer applies (`reason`); returns what happened."""
    if reason:
        message.status, message.last_error = MessageStatus.SKIPPED, reason
        return "skipped"
    try:
        _deliver(message, connection, now)
    except (OSError, smtplib.SMTPException) as error:
        _record_failure(message, error, now)
        return "failed"
    return "sent"


def dispatch_due(now: datetime | None = None, only_ids: list[int] | None = None) -> dict:
    """Send every due message (or only the given ones) in batches; return the counts.

    Each message is committed on its own right after sending, so a dispatcher killed halfway
    loses nothing: the rest of its batch stays claimed ("sending") and is taken over after the
    claim timeout. Only the one message it was sending may then go out twice; the same
    Message-ID lets mail clients tell.
    """
    now = now or utcnow()
    rules = message_rules()
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    connection = SmtpConnection(current_app.config) if current_app.config["SMTP_HOST"] else None
    # The per-message commit would otherwise expire every loaded row, and each next message would
    # reload itself and its records one query at a time. Each batch starts from fresh rows instead.
    session = db.session()
    expire_on_commit, session.expire_on_commit = session.expire_on_commit, False
    try:
        while claimed := claim_batch(now, only_ids):
            session.expire_all()
            messages = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.id.in_(claimed))).all()
            reasons = rules.reasons_not_to_send(messages, now)
            for message in messages:
                counts[_send_one(message, connection, now, reasons.get(message.id))] += 1
                db.session.commit()
            if only_ids is not None:
                break
    finally:
        session.expire_on_commit = expire_on_commit
        if connection is not None:
            connection.close()
    return counts
