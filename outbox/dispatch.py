"""Sending the outbox: claim due messages, build each e-mail, send it over SMTP (or keep it in
the local outbox in dev), retry what failed.

The dispatcher claims a row with a compare-and-set update before sending, so two dispatchers
never send the same row, and a claim that was never finished is taken over after the claim
timeout (setting MAIL_CLAIM_TIMEOUT_SECONDS). Claiming counts an attempt: a message that kills
its dispatcher every time still reaches MAX_ATTEMPTS and becomes `failed`, never stays `sending`.

One message never stops the others. Whatever goes wrong with one (a header the mail library
refuses, an attachment that cannot be made, an address the server refuses, a lost connection)
is recorded on that message, and the run goes on with the next:

- the server refuses the recipient for good (a 5xx answer): `failed` at once, with its words;
- the server answers 4xx, refuses the connection, drops it or times out: retried later, with a
  backoff, until MAX_ATTEMPTS;
- the message cannot be built at all: `failed` at once (trying again would not help).

Whether a message still applies, and what it attaches, the dispatcher asks the table of
outbox/kinds.py: it imports no domain model.
"""

import contextlib
import hashlib
import logging
import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from markupsafe import escape

from core.clock import utcnow
from extensions import db
from outbox.kinds import forget_batch_records, message_rules
from outbox.models import MessageStatus, OutboxMessage
from outbox.sent_secrets import forget_secret_links

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
DISPATCHER_DID_NOT_FINISH = "dispatcher did not finish"
# What a run reports per claimed message; they add up to what it claimed.
OUTCOMES = ("sent", "failed", "skipped", "retrying")


def mail_domain() -> str:
    """The host the app runs on (BASE_URL): the domain of our Message-IDs."""
    return urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"


def message_id_header(message: OutboxMessage, domain: str) -> str:
    """The same outbox row always gets the same Message-ID, so a resend is recognisable."""
    digest = hashlib.sha256(message.key.encode()).hexdigest()[:24]
    return f"<{digest}.{message.id}@{domain}>"


class MailPolicy(EmailPolicy):
    """Python's default, except that a header that is a link stays on one line: folding a long URL
    would turn it into encoded words (RFC 2047), which mail providers do not read as a link."""

    def fold(self, name, value):
        if name.lower() in ONE_LINE_HEADERS:
            return f"{name}: {value}{self.linesep}"
        return super().fold(name, value)

    def fold_binary(self, name, value):
        if name.lower() in ONE_LINE_HEADERS:
            return self.fold(name, value).encode("ascii")
        return super().fold_binary(name, value)


ONE_LINE_HEADERS = {"list-unsubscribe"}
MAIL_POLICY = MailPolicy()


def build_email(message: OutboxMessage, sender: str) -> EmailMessage:
    language = message.language or "nl"
    rules = message_rules()
    email = EmailMessage(policy=MAIL_POLICY)
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = format_datetime(utcnow())
    email["Message-ID"] = message_id_header(message, mail_domain())
    # RFC 3834: sent by a program, so auto-responders (out-of-office) do not answer it.
    email["Auto-Submitted"] = "auto-generated"
    unsubscribe = rules.unsubscribe_link and rules.unsubscribe_link(message)
    if unsubscribe:  # RFC 8058: the provider's button turns this kind off with one POST
        email["List-Unsubscribe"] = f"<{unsubscribe}>"
        email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(html_document(message.body_html, message.subject, language), subtype="html")
    rules.attach(email, message)
    # Last: setting or adding content moves the Content-* headers into the parts.
    email["Content-Language"] = language
    return email


def html_document(body: str, title: str, language: str) -> str:
    """The stored HTML part (a fragment) as the whole document that mail clients expect."""
    return (
        f'<!doctype html>\n<html lang="{escape(language)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


CLAIM_BATCH = 100


def _claimable(now: datetime):
    """Pending, or abandoned by a dispatcher that died (with attempts left): take it over."""
    return sa.or_(
        OutboxMessage.status == MessageStatus.PENDING,
        sa.and_(_abandoned(now), OutboxMessage.attempts < MAX_ATTEMPTS),
    )


def _abandoned(now: datetime):
    """Claimed so long ago that the dispatcher that claimed it must have died."""
    claim_timeout = timedelta(seconds=current_app.config["MAIL_CLAIM_TIMEOUT_SECONDS"])
    return sa.and_(
        OutboxMessage.status == MessageStatus.SENDING, OutboxMessage.claimed_at < now - claim_timeout
    )


def _give_up_on_abandoned(now: datetime) -> None:
    """An abandoned message that used up its attempts is failed, never left `sending`."""
    db.session.execute(
        sa.update(OutboxMessage)
        .where(_abandoned(now), OutboxMessage.attempts >= MAX_ATTEMPTS)
        .values(status=MessageStatus.FAILED, last_error=DISPATCHER_DID_NOT_FINISH)
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
    _give_up_on_abandoned(now)
    claim = sa.update(OutboxMessage).values(
        status=MessageStatus.SENDING, claimed_at=now, attempts=OutboxMessage.attempts + 1
    )
    if db.session.get_bind().dialect.name == "postgresql":
        ids = list(db.session.scalars(query.with_for_update(skip_locked=True)))
        if ids:
            db.session.execute(claim.where(OutboxMessage.id.in_(ids)))
    else:
        # One compare-and-set UPDATE for the batch (SQLite runs it alone): what it returns is ours.
        candidates = db.session.scalars(query).all()
        taken = claim.where(OutboxMessage.id.in_(candidates), _claimable(now)).returning(OutboxMessage.id)
        claimed = set(db.session.scalars(taken)) if candidates else set()
        ids = [message_id for message_id in candidates if message_id in claimed]
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


def _deliver(email: EmailMessage, message: OutboxMessage, connection: SmtpConnection | None, now: datetime):
    if connection is not None:
        connection.send(email)
        message.transport = "smtp"
        forget_secret_links(message)  # the recipient has the links now; the stored copy needs none
    else:
        log.info("No SMTP configured; kept in the local outbox:\n%s", email)
        message.transport = "local"
    message.status = MessageStatus.SENT
    message.sent_at = now


def is_permanent(error: Exception) -> bool:
    """A 5xx answer about the recipient or the message: sending it again would get the same."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _answer in error.recipients.values())
    if isinstance(error, smtplib.SMTPDataError):
        return error.smtp_code >= 500
    return False


def describe(error: Exception) -> str:
    """The error in words, with the server's own answer where it gave one ("550 5.1.1 ...")."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{code} {_text(answer)}" for code, answer in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {_text(error.smtp_error)}"
    return f"{type(error).__name__}: {error}"


def _text(answer: bytes | str) -> str:
    return answer.decode("utf-8", "replace") if isinstance(answer, bytes) else str(answer)


def _record_failure(
    message: OutboxMessage, error: Exception, now: datetime, permanent: bool, bounced: bool = False
) -> str:
    """Failed for good, or back to pending with a later due time; returns which.

    `bounced`: the server refused the recipient for good, so the address needs correcting; the
    managers' overview lists such messages (reminders/bounces.py).
    """
    message.last_error = describe(error)[:500]
    log.warning(
        "Sending message %s failed (attempt %s): %s", message.id, message.attempts, message.last_error
    )
    if permanent or message.attempts >= MAX_ATTEMPTS:
        message.status = MessageStatus.FAILED
        message.bounced = bounced
        return "failed"
    message.status = MessageStatus.PENDING
    message.due_at = now + timedelta(minutes=2**message.attempts)
    return "retrying"


def _send_one(
    message: OutboxMessage, connection: SmtpConnection | None, now: datetime, reason: str | None
) -> str:
    """Send a claimed message, or skip it when it no longer applies (`reason`); returns the outcome."""
    if reason:
        message.status, message.last_error = MessageStatus.SKIPPED, reason
        return "skipped"
    try:
        email = build_email(message, current_app.config["MAIL_FROM"])
    except Exception as error:  # noqa: BLE001 - whatever breaks one message must not stop the others
        log.exception("Message %s cannot be built", message.id)
        return _fail_unbuildable(message, error, now)
    try:
        _deliver(email, message, connection, now)
    except (OSError, smtplib.SMTPException) as error:
        refused = is_permanent(error)
        return _record_failure(message, error, now, permanent=refused, bounced=refused)
    return "sent"


def _fail_unbuildable(message: OutboxMessage, error: Exception, now: datetime) -> str:
    """What failed may have left the session unusable (a query inside an attachment): start the
    message's own transaction again, then record the failure on it."""
    message_id = message.id
    db.session.rollback()
    message = db.session.get(OutboxMessage, message_id)
    return _record_failure(message, error, now, permanent=True)


def dispatch_due(now: datetime | None = None, only_ids: list[int] | None = None) -> dict:
    """Send every due message (or only the given ones) in batches; return the counts.

    Each message is committed on its own right after sending, so a dispatcher killed halfway
    loses nothing: the rest of its batch stays claimed ("sending") and is taken over after the
    claim timeout. Only the one message it was sending may then go out twice; the same
    Message-ID lets mail clients tell.
    """
    now = now or utcnow()
    rules = message_rules()
    counts = dict.fromkeys(OUTCOMES, 0)
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
            forget_batch_records()
            if only_ids is not None:
                break
    finally:
        forget_batch_records()
        session.expire_on_commit = expire_on_commit
        if connection is not None:
            connection.close()
    return counts
