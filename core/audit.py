"""The audit log: who viewed or changed whose personal data, and when. No values, only facts.

Every package that shows or changes personal data writes here (the log page is privacy/audit_views.py).
Callers pass fixed words, never the personal data itself.
"""

import enum
from datetime import datetime
from typing import Protocol

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import utcnow
from core.types import UTCDateTime
from extensions import db


class AuditAction(enum.StrEnum):
    VIEW = "view"
    CHANGE = "change"
    EXPORT = "export"
    ERASE = "erase"


class AuditSubject(enum.StrEnum):
    """What an audit event is about: a fixed word, stored as is, never a value."""

    FILE = "file"  # the trainee file page
    API_RECORD = "api record"  # GET /api/v1/trainees/{id} and a cohort's trainee list in the API
    CONTACT_DETAILS = "contact details"
    ENROLMENT = "enrolment"  # moved to another cohort
    STATUS = "status"
    NOTE = "note"
    OUTCOME = "outcome"
    WORK_OUTCOMES = "work outcomes"  # the outcomes pages that name former trainees (reports/outcome_views.py)
    DATA_EXPORT = "data export"  # the trainee's own data export (privacy/subject_views.py)
    ATTENDANCE_EXPORT = "attendance export"  # the exports of reports/export_views.py
    PLACEMENT_EXPORT = "placement export"
    TRAINEE_EXPORT = "trainee export"
    PERSONAL_DATA = "personal data"  # the erasure (privacy/erasure.py)


# The audit log page shows each subject with its label; every subject has one.
SUBJECT_LABELS = {
    AuditSubject.FILE: _l("trainee file"),
    AuditSubject.API_RECORD: _l("details through the API"),
    AuditSubject.CONTACT_DETAILS: _l("contact details"),
    AuditSubject.ENROLMENT: _l("enrolment in a group"),
    AuditSubject.STATUS: _l("status"),
    AuditSubject.NOTE: _l("note"),
    AuditSubject.OUTCOME: _l("outcome"),
    AuditSubject.WORK_OUTCOMES: _l("work after the programme"),
    AuditSubject.DATA_EXPORT: _l("data export"),
    AuditSubject.ATTENDANCE_EXPORT: _l("attendance export"),
    AuditSubject.PLACEMENT_EXPORT: _l("placement export"),
    AuditSubject.TRAINEE_EXPORT: _l("trainee export"),
    AuditSubject.PERSONAL_DATA: _l("personal data"),
}


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (sa.Index("ix_audit_events_trainee_at", "trainee_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # None: the system itself (the scheduler's retention run).
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # Not a foreign key: the log outlives nothing it should not, and never blocks a delete.
    trainee_id: Mapped[int] = mapped_column()
    action: Mapped[str] = mapped_column(sa.String(12))
    # What was touched, as a fixed word (an AuditSubject: "file", "contact details", "note"), never a value.
    subject: Mapped[str] = mapped_column(sa.String(60))

    actor = relationship("User", lazy="joined")

    def __repr__(self) -> str:
        return f"<AuditEvent {self.action} {self.subject} trainee={self.trainee_id}>"


class Actor(Protocol):
    """Who acted: a user (accounts sits above core, so any object with an id will do)."""

    id: int


def record(actor: "Actor | None", trainee_id: int, action: AuditAction, subject: AuditSubject) -> None:
    """Adds one audit event to the session; it is committed with the caller's work."""
    db.session.add(
        AuditEvent(
            actor_id=actor.id if actor else None, trainee_id=trainee_id, action=action, subject=subject
        )
    )


def record_many(
    actor: "Actor | None", trainee_ids: list[int], action: AuditAction, subject: AuditSubject
) -> None:
    """One audit event per trainee, in one INSERT however many trainees there are (the ORM would
    insert them row by row). Committed with the caller's work, like `record`."""
    if not trainee_ids:
        return
    actor_id = actor.id if actor else None
    rows = [
        {"actor_id": actor_id, "trainee_id": trainee_id, "action": action, "subject": subject}
        for trainee_id in trainee_ids
    ]
    db.session.execute(sa.insert(AuditEvent), rows)
