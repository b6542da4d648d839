"""Change notices: when a session moves, changes time or place, or is cancelled, the people it
concerns hear it, in the same transaction as the change.

Changes for one person within CHANGE_WINDOW are combined: the first change opens a notice due
at the end of the window, later changes are added to that notice while it waits.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale

from accounts.models import User
from cohort.models import Trainee, TraineeStatus
from core.clock import utcnow
from extensions import db
from outbox.models import MessageStatus, OutboxMessage
from outbox.queue import queue_message
from placements.models import Placement, PlacementStatus
from sessions.models import SessionKind, SessionStatus, TrainingSession

CHANGE_WINDOW = timedelta(minutes=5)
KIND = "change_notice"


def snapshot(sess: TrainingSession) -> dict:
    """What a person needs to know about a session, as plain values for the message's payload."""
    return {
        "date": sess.date.isoformat(),
        "start_time": sess.start_time.strftime("%H:%M"),
        "end_time": sess.end_time.strftime("%H:%M"),
        "location": sess.location or sess.cohort.location,
        "cancelled": sess.status == SessionStatus.CANCELLED,
    }


@dataclass(frozen=True)
class Recipient:
    """Whom a notice goes to: the message's address fields, and whom the greeting names. A
    supervisor also reads which of their interns the session concerns."""

    fields: dict
    name: str
    interns: tuple[str, ...] = ()


def recipients(sess: TrainingSession) -> list[Recipient]:
    """Whom a change of `sess` is told: active trainees of the cohort; for a return day also their
    interns' supervisors. The notices themselves, and the page that asks before a cancellation."""
    rows = db.session.execute(
        sa.select(User, Trainee.id)
        .join(Trainee, User.trainee_id == Trainee.id)
        .where(Trainee.cohort_id == sess.cohort_id, Trainee.status != TraineeStatus.WITHDRAWN, User.is_active)
    ).all()
    people = [
        Recipient(
            {"recipient": u.email, "recipient_user_id": u.id, "trainee_id": t, "language": u.language}, u.name
        )
        for u, t in rows
    ]
    if sess.kind == SessionKind.RETURN_DAY:
        people += _supervisors(sess.cohort_id)
    return people


def _supervisors(cohort_id: int) -> list[Recipient]:
    """One notice per supervisor, naming all of their interns in the cohort."""
    placements = db.session.scalars(
        sa.select(Placement)
        .join(Trainee, Trainee.id == Placement.trainee_id)
        .where(
            Placement.cohort_id == cohort_id,
            Placement.supervisor_id.is_not(None),
            Placement.status.in_([PlacementStatus.CONFIRMED, PlacementStatus.ACTIVE]),
            Trainee.status != TraineeStatus.WITHDRAWN,
        )
        .order_by(Placement.id)
    ).all()
    by_address: dict[str, list[Placement]] = {}
    for placement in placements:
        by_address.setdefault(placement.supervisor_email, []).append(placement)
    return [
        Recipient(
            # The first placement is where the address comes from (outbox/retry.py).
            {"recipient": address, "placement_id": group[0].id, "language": "nl"},
            group[0].supervisor_name,
            tuple(sorted(p.trainee.name for p in group)),
        )
        for address, group in by_address.items()
    ]


def _for_display(entries: list[dict]) -> list[dict]:
    def dated(state: dict) -> dict:
        return {**state, "date": date.fromisoformat(state["date"])}

    return [{**e, "before": dated(e["before"]), "after": dated(e["after"])} for e in entries]


def _render(entries: list[dict], person: Recipient, cohort_name: str) -> dict:
    with force_locale(person.fields["language"]):
        context = {
            "entries": _for_display(entries),
            "name": person.name,
            "interns": person.interns,
            "cohort_name": cohort_name,
            "organisation": current_app.config["ORGANISATION_NAME"],
        }
        return {
            "subject": render_template("mail/change_notice_subject.txt", **context).strip(),
            "body_text": render_template("mail/change_notice.txt", **context),
            "body_html": render_template("mail/change_notice.html", **context),
        }


def _merge(entries: list[dict], entry: dict) -> list[dict]:
    """One line per session: the oldest 'before', the newest 'after'."""
    for existing in entries:
        if existing["session_id"] == entry["session_id"]:
            existing["after"] = entry["after"]
            return entries
    return [*entries, entry]


def queue_change_notices(sess: TrainingSession, before: dict, now: datetime | None = None) -> int:
    """Tell everyone concerned that `sess` changed from `before` (a snapshot); returns how many."""
    now = now or utcnow()
    entry = {
        "session_id": sess.id,
        "kind": sess.kind,
        "title": sess.title,
        "before": before,
        "after": snapshot(sess),
    }
    people = recipients(sess)
    for person in people:
        waiting = db.session.scalar(
            sa.select(OutboxMessage)
            .where(
                OutboxMessage.kind == KIND,
                OutboxMessage.recipient == person.fields["recipient"],
                OutboxMessage.status == MessageStatus.PENDING,
                OutboxMessage.due_at > now,
            )
            .limit(1)
        )
        if waiting is not None:
            waiting.payload = _merge([dict(e) for e in waiting.payload or []], entry)
            for name, value in _render(waiting.payload, person, sess.cohort.name).items():
                setattr(waiting, name, value)
            continue
        queue_message(
            # The occasion is the session's version: each change of it is news once per person.
            kind=KIND,
            key=f"{KIND}:{sess.id}:{person.fields['recipient']}:{sess.sequence}",
            due_at=now + CHANGE_WINDOW,
            session_id=sess.id,
            payload=[entry],
            **person.fields,
            **_render([entry], person, sess.cohort.name),
        )
    return len(people)
