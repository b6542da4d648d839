"""What sessions tell the outbox at dispatch: a reminder for a session that was cancelled or has
begun is not sent, and a reminder or change notice carries the session as an .ics file."""

from datetime import datetime
from email.message import EmailMessage, MIMEPart
from functools import lru_cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy.orm import joinedload

from extensions import db
from outbox.kinds import records_by_id
from outbox.models import OutboxMessage
from sessions.calendar import build_attachment, single_event_attachment
from sessions.feed_service import session_event
from sessions.models import SessionStatus, TrainingSession

# Kinds about a session that has yet to take place; change notices also go out for a cancellation.
SESSION_KINDS = {"session_reminder", "return_day_notice"}
ATTACH_SESSION_KINDS = {"session_reminder", "change_notice"}


def session_cancelled_or_started(messages: list[OutboxMessage], now: datetime) -> dict[int, str]:
    # Every session the batch names, with its cohort: the .ics attachments then find them loaded.
    sessions = records_by_id(
        TrainingSession, (m.session_id for m in messages), joinedload(TrainingSession.cohort)
    )
    local_now = now.astimezone(ZoneInfo(current_app.config["TIMEZONE"]))
    reasons = {}
    for message in messages:
        if message.kind in SESSION_KINDS and message.session_id is not None:
            reason = _session_problem(sessions.get(message.session_id), local_now)
            if reason:
                reasons[message.id] = reason
    return reasons


def _session_problem(sess: TrainingSession | None, local_now: datetime) -> str | None:
    if sess is None or sess.status == SessionStatus.CANCELLED:
        return "session cancelled"
    if (sess.date, sess.start_time) <= (local_now.date(), local_now.time()):
        return "session already started"
    return None


def attach_session(email: EmailMessage, message: OutboxMessage) -> None:
    """The session as an .ics file, so one tap puts it (or its change) in the calendar; a change
    notice that combines several changes carries every session it names."""
    sessions = _sessions_of(message)
    if not sessions:
        return
    domain = urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"
    timezone = current_app.config["TIMEZONE"]
    events = [session_event(sess, sess.cohort, domain, timezone) for sess in sessions]
    # One session: the very same attachment for a session's 20 trainees, built once.
    calendar = single_event_attachment(events[0]) if len(events) == 1 else build_attachment(events)
    email.make_mixed()
    email.attach(_calendar_part(calendar, email.policy))


@lru_cache(maxsize=256)
def _calendar_part(calendar: bytes, policy) -> MIMEPart:
    """The .ics as a MIME part (what EmailMessage.add_attachment makes), encoded once for every
    message that carries it: a part is only read when a message is written out, never changed."""
    part = EmailMessage(policy=policy)
    part.set_content(
        calendar,
        maintype="text",
        subtype="calendar",
        filename="bijeenkomst.ics",
        disposition="attachment",
        params={"charset": "utf-8", "method": "PUBLISH"},
    )
    return part


def _sessions_of(message: OutboxMessage) -> list[TrainingSession]:
    named = [entry["session_id"] for entry in message.payload or [] if entry.get("session_id")]
    ids = list(dict.fromkeys(named)) or [message.session_id]  # in order, each once
    if len(ids) == 1:  # the batch's check has loaded it already: no query
        found = {ids[0]: db.session.get(TrainingSession, ids[0])} if ids[0] is not None else {}
    else:
        found = records_by_id(TrainingSession, ids, joinedload(TrainingSession.cohort))
    return [found[i] for i in ids if found.get(i) is not None]
