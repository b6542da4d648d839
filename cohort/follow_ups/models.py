"""What is known about a former trainee's work at a follow-up moment (3, 6 or 12 months after
their end date), and how it is known.

One row per piece of information; for each moment the latest row counts (`reports/outcome_queries`).
The trainee's answer to the e-mail link is one row per moment (a second answer through the link is
refused); the employer's confirmation raises that row's evidence; a manager adds rows of their own.
"""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cohort.follow_ups.rules import WORKING
from core.clock import utcnow
from core.types import UTCDateTime
from extensions import db


class WorkOutcome(db.Model):
    __tablename__ = "work_outcomes"
    __table_args__ = (
        sa.Index("ix_work_outcomes_trainee_months", "trainee_id", "months"),
        # One answer through the link per moment, also when two posts cross (a double click).
        sa.Index(
            "uq_work_outcomes_link_answer",
            "trainee_id",
            "months",
            unique=True,
            sqlite_where=sa.text("source = 'follow_up_link'"),
            postgresql_where=sa.text("source = 'follow_up_link'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(sa.ForeignKey("trainees.id", ondelete="CASCADE"))
    months: Mapped[int]  # the follow-up moment it is about: 3, 6 or 12
    work: Mapped[str] = mapped_column(sa.String(12))  # a Work
    # Where: a municipality from the register, or another employer's name.
    employer_municipality_id: Mapped[int | None] = mapped_column(sa.ForeignKey("municipalities.id"))
    employer_name: Mapped[str] = mapped_column(sa.String(120), default="")
    hours_per_week: Mapped[int | None]
    evidence: Mapped[str] = mapped_column(sa.String(20))  # an Evidence
    source: Mapped[str] = mapped_column(sa.String(20))  # a Source
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    known_on: Mapped[date]  # the day the information is from
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    employer_answer: Mapped[str | None] = mapped_column(sa.String(10))  # an EmployerAnswer
    employer_answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    employer_answered_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    trainee = relationship("Trainee")
    employer_municipality = relationship("Municipality", lazy="joined")
    recorded_by = relationship("User", foreign_keys=[recorded_by_id], lazy="joined")
    employer_answered_by = relationship("User", foreign_keys=[employer_answered_by_id], lazy="joined")

    @property
    def employer(self) -> str:
        if self.employer_municipality is not None:
            return self.employer_municipality.name
        return self.employer_name

    @property
    def is_working(self) -> bool:
        return self.work in WORKING

    def __repr__(self) -> str:
        return f"<WorkOutcome trainee={self.trainee_id} {self.months}m {self.work} {self.evidence}>"
