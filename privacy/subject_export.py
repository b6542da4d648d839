"""A trainee's data export (AVG right of access): everything the database holds about one person.

`subject_data(trainee)` gathers it section by section, one query per section, so the cost does not
grow with the amount of data. Secrets stay out: no password hash, no token or link hashes, no
calendar-feed salt. Values are plain JSON types (dates as ISO 8601 text), so the same dict feeds
the readable page and the JSON download.
"""

from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from accounts.models import ApiToken, OneTimeLink, User
from cohort.follow_ups.models import WorkOutcome
from cohort.models import Trainee, TraineeNote, TraineeStatusChange
from core.audit import AuditEvent
from extensions import db
from outbox.models import OutboxMessage
from outbox.sent_secrets import shown_copy
from placements.models import Evaluation, Municipality, Placement
from sessions.models import AbsenceNotice, Attendance, TrainingSession

EXPORT_FORMAT = 1  # raised when the shape of the export changes


def _value(value):
    """Dates and times as ISO 8601 text; everything else as it is (str, int, bool, None, dict)."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value


def _row(record, *names: str) -> dict:
    return {name: _value(getattr(record, name)) for name in names}


def _municipality_name(municipality: Municipality | None) -> str | None:
    return municipality.name if municipality else None


def _trainee_section(trainee: Trainee) -> dict:
    return {
        **_row(trainee, "id", "name", "email", "phone", "languages", "status", "withdrawn_on"),
        "withdrawal_reason": trainee.withdrawal_reason,
        "cohort": {"id": trainee.cohort.id, "name": trainee.cohort.name},
        "home_municipality": _municipality_name(trainee.home_municipality),
        "enrolled_at": _value(trainee.created_at),
        "erased_at": _value(trainee.erased_at),
    }


def _outcome_section(trainee: Trainee) -> dict | None:
    if trainee.outcome is None and not trainee.outcome_note:
        return None
    municipality = (
        db.session.get(Municipality, trainee.outcome_municipality_id)
        if trainee.outcome_municipality_id
        else None
    )
    return {
        "outcome": trainee.outcome,
        "date": _value(trainee.outcome_date),
        "municipality": _municipality_name(municipality),
        "note": trainee.outcome_note,
    }


def _work_after_programme(trainee: Trainee) -> list[dict]:
    outcomes = db.session.scalars(
        sa.select(WorkOutcome)
        .where(WorkOutcome.trainee_id == trainee.id)
        .order_by(WorkOutcome.recorded_at, WorkOutcome.id)
    ).unique()
    return [
        {
            **_row(o, "months", "work", "hours_per_week", "evidence", "source", "note", "known_on"),
            "employer": o.employer,
            "recorded_at": _value(o.recorded_at),
            "employer_answer": o.employer_answer,
        }
        for o in outcomes
    ]


def _accounts(trainee: Trainee) -> list[User]:
    return list(db.session.scalars(sa.select(User).where(User.trainee_id == trainee.id).order_by(User.id)))


def _account_section(users: list[User]) -> list[dict]:
    """The login account(s); the password hash is never part of it."""
    fields = ("id", "name", "email", "role", "language", "is_active", "created_at", "last_login_at")
    choices = ("wants_session_reminders", "wants_digest")
    return [{**_row(user, *fields), **_row(user, *choices)} for user in users]


def _token_section(user_ids: list[int]) -> list[dict]:
    tokens = db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id.in_(user_ids)).order_by(ApiToken.created_at)
    )
    return [_row(t, "name", "prefix", "created_at", "last_used_at", "revoked_at") for t in tokens]


def _link_section(user_ids: list[int]) -> list[dict]:
    links = db.session.scalars(
        sa.select(OneTimeLink).where(OneTimeLink.user_id.in_(user_ids)).order_by(OneTimeLink.created_at)
    )
    return [_row(link, "purpose", "created_at", "expires_at", "used_at") for link in links]


def _status_history(trainee: Trainee) -> list[dict]:
    changes = db.session.scalars(
        sa.select(TraineeStatusChange)
        .where(TraineeStatusChange.trainee_id == trainee.id)
        .order_by(TraineeStatusChange.effective_on, TraineeStatusChange.changed_at)
    )
    return [_row(c, "status", "effective_on", "reason", "changed_at") for c in changes]


def _session_fields(sess: TrainingSession) -> dict:
    return {
        "date": _value(sess.date),
        "start_time": _value(sess.start_time),
        "end_time": _value(sess.end_time),
        "kind": sess.kind,
        "title": sess.title,
    }


def _attendance(trainee: Trainee) -> list[dict]:
    rows = db.session.execute(
        sa.select(Attendance, TrainingSession)
        .join(TrainingSession, TrainingSession.id == Attendance.session_id)
        .where(Attendance.trainee_id == trainee.id)
        .order_by(TrainingSession.date, TrainingSession.start_time)
    ).all()
    return [
        {
            **_session_fields(sess),
            "status": row.status,
            "note": row.note,
            "recorded_at": _value(row.recorded_at),
        }
        for row, sess in rows
    ]


def _absence_notices(trainee: Trainee) -> list[dict]:
    notices = db.session.scalars(
        sa.select(AbsenceNotice)
        .join(TrainingSession, TrainingSession.id == AbsenceNotice.session_id)
        .where(AbsenceNotice.trainee_id == trainee.id)
        .order_by(TrainingSession.date)
    )
    return [
        {**_session_fields(n.session), "reason": n.reason, "reported_at": _value(n.created_at)}
        for n in notices
    ]


def _placements(trainee: Trainee) -> list[dict]:
    placements = db.session.scalars(
        sa.select(Placement)
        .where(Placement.trainee_id == trainee.id)
        .options(joinedload(Placement.events))
        .order_by(Placement.proposed_at, Placement.id)
    ).unique()
    event_fields = ("from_status", "to_status", "reason", "created_at")
    return [
        {
            **_row(p, "id", "status", "proposed_at", "answered_at", "weekdays", "workplace_address"),
            "municipality": p.offer.municipality.name,
            "department": p.offer.department,
            # The supervisor is who the trainee works with: part of their internship's data.
            "supervisor": {
                "name": p.supervisor_name,
                "email": p.supervisor_email,
                "phone": p.supervisor_phone,
            },
            "events": [_row(e, *event_fields) for e in p.events],
        }
        for p in placements
    ]


def _evaluations(trainee: Trainee) -> list[dict]:
    evaluations = db.session.scalars(
        sa.select(Evaluation)
        .join(Placement, Placement.id == Evaluation.placement_id)
        .where(Placement.trainee_id == trainee.id)
        .order_by(Evaluation.submitted_at)
    )
    return [
        _row(e, "placement_id", "kind", "scores", "comments", "submitted_by", "submitted_at")
        for e in evaluations
    ]


def _notes(trainee: Trainee) -> list[dict]:
    notes = db.session.scalars(
        sa.select(TraineeNote)
        .where(TraineeNote.trainee_id == trainee.id)
        .order_by(TraineeNote.noted_on, TraineeNote.id)
    )
    return [{**_row(n, "noted_on", "text"), "author": n.author.name if n.author else None} for n in notes]


def _messages(trainee: Trainee, users: list[User]) -> list[dict]:
    """E-mail sent (or waiting) to the trainee: to their account or to their address."""
    addresses = {trainee.email, *(u.email for u in users)}
    to_them = OutboxMessage.recipient.in_(addresses)
    if users:
        to_them = sa.or_(to_them, OutboxMessage.recipient_user_id.in_([u.id for u in users]))
    messages = db.session.scalars(sa.select(OutboxMessage).where(to_them).order_by(OutboxMessage.created_at))
    return [
        {
            **_row(m, "kind", "recipient", "subject", "created_at", "sent_at", "status"),
            "body_text": shown_copy(m.body_text),
        }
        for m in messages
    ]


def _audit_events(trainee: Trainee) -> list[dict]:
    events = db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.trainee_id == trainee.id)
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    return [{**_row(e, "at", "action", "subject"), "by": e.actor.name if e.actor else None} for e in events]


def subject_data(trainee: Trainee) -> dict:
    """Everything stored about this trainee, by section, in a fixed number of queries."""
    users = _accounts(trainee)
    user_ids = [u.id for u in users]
    return {
        "format": EXPORT_FORMAT,
        "trainee": _trainee_section(trainee),
        "accounts": _account_section(users),
        "api_tokens": _token_section(user_ids),
        "account_links": _link_section(user_ids),
        "status_history": _status_history(trainee),
        "attendance": _attendance(trainee),
        "absence_notices": _absence_notices(trainee),
        "placements": _placements(trainee),
        "evaluations": _evaluations(trainee),
        "notes": _notes(trainee),
        "outcome": _outcome_section(trainee),
        "work_after_programme": _work_after_programme(trainee),
        "messages": _messages(trainee, users),
        "audit_events": _audit_events(trainee),
    }


# The sections of an export, in the order the page shows them.
SECTIONS = (
    "trainee",
    "accounts",
    "api_tokens",
    "account_links",
    "status_history",
    "attendance",
    "absence_notices",
    "placements",
    "evaluations",
    "notes",
    "outcome",
    "work_after_programme",
    "messages",
    "audit_events",
)
