"""Dated sessions of a cohort (training days, return days, extra sessions), attendance, absences."""

import enum
from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import utcnow
from core.types import UTCDateTime
from extensions import db


class SessionKind(enum.StrEnum):
    TRAINING = "training"
    RETURN_DAY = "return_day"
    EXTRA = "extra"


class SessionStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class AttendanceStatus(enum.StrEnum):
    PRESENT = "present"
    LATE = "late"
    ABSENT_EXCUSED = "absent_excused"
    ABSENT = "absent"


class TrainingSession(db.Model):
    """One session on one day. Never called `session`: Flask and SQLAlchemy own that name.

    `planned_date` is the day the planner chose for this slot (before any move); together with
    `kind` it identifies the slot when the cohort is planned again. `is_edited` marks a hand-made
    change that re-planning keeps unless the manager discards it.
    """

    __tablename__ = "training_sessions"
    __table_args__ = (
        sa.Index("ix_training_sessions_cohort_date", "cohort_id", "date"),
        # A trainer's sessions on a day: the double-booking check's self-join (replaces the
        # index on trainer_id alone, which this one covers).
        sa.Index("ix_training_sessions_trainer_date", "trainer_id", "date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(20))
    date: Mapped[date]
    start_time: Mapped[time]
    end_time: Mapped[time]
    week: Mapped[int | None]
    title: Mapped[str] = mapped_column(sa.String(160), default="")
    location: Mapped[str] = mapped_column(sa.String(200), default="")
    trainer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # Internal, for staff only: never written into a feed, a mail or a trainee's page.
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    # For trainees ("what to bring"): shown on their schedule, in the feed and the reminder.
    description: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    status: Mapped[str] = mapped_column(sa.String(12), default=SessionStatus.SCHEDULED)
    planned_date: Mapped[date | None]
    moved_from: Mapped[date | None]
    move_reason: Mapped[str | None] = mapped_column(sa.String(200))
    is_edited: Mapped[bool] = mapped_column(default=False)
    # iCalendar SEQUENCE: raised on every change a calendar should pick up.
    sequence: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    cohort = relationship("Cohort")
    trainer = relationship("User", lazy="joined")

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED

    def __repr__(self) -> str:
        return f"<TrainingSession {self.id} {self.kind} {self.date}>"


class Attendance(db.Model):
    __tablename__ = "attendance"
    __table_args__ = (
        sa.UniqueConstraint("session_id", "trainee_id"),
        # Covering for the attendance rates (reports/stats_services.py): per session, only these columns.
        sa.Index("ix_attendance_session_status_trainee", "session_id", "status", "trainee_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("training_sessions.id", ondelete="CASCADE"))
    trainee_id: Mapped[int] = mapped_column(sa.ForeignKey("trainees.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(sa.String(20))
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<Attendance session={self.session_id} trainee={self.trainee_id} {self.status}>"


class AbsenceNotice(db.Model):
    """A trainee's notice, in advance, that they will miss a session."""

    __tablename__ = "absence_notices"
    __table_args__ = (sa.UniqueConstraint("session_id", "trainee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("training_sessions.id", ondelete="CASCADE"))
    trainee_id: Mapped[int] = mapped_column(sa.ForeignKey("trainees.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(sa.String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # Joined: notices are listed with their session and trainee, without a query per row.
    session = relationship(TrainingSession, lazy="joined")
    trainee = relationship("Trainee", lazy="joined")

    def __repr__(self) -> str:
        return f"<AbsenceNotice session={self.session_id} trainee={self.trainee_id}>"
