"""The audit log: who viewed or changed whose personal data, and when. No values, only facts."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import utcnow
from core.types import UTCDateTime
from extensions import db


class AuditAction(enum.StrEnum):
    VIEW = "view"
    CHANGE = "change"
    EXPORT = "export"
    ERASE = "erase"


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
    # What was touched, as a fixed word ("file", "contact details", "notes"), never a value.
    subject: Mapped[str] = mapped_column(sa.String(60))

    actor = relationship("User", lazy="joined")

    def __repr__(self) -> str:
        return f"<AuditEvent {self.action} {self.subject} trainee={self.trainee_id}>"
