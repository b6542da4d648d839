"""Cohorts and their trainees. Programme templates and planning join them in the planning issue."""

import enum
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db


class TraineeStatus(enum.StrEnum):
    ENROLLED = "enrolled"
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"
    COMPLETED = "completed"


class Cohort(db.Model):
    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    start_date: Mapped[date]
    location: Mapped[str] = mapped_column(sa.String(200), default="")
    capacity: Mapped[int] = mapped_column(default=20)

    trainees: Mapped[list["Trainee"]] = relationship(back_populates="cohort")

    def __repr__(self) -> str:
        return f"<Cohort {self.id} {self.name}>"


class Trainee(db.Model):
    __tablename__ = "trainees"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    email: Mapped[str] = mapped_column(sa.String(254))
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    home_municipality_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("municipalities.id"), index=True
    )
    status: Mapped[str] = mapped_column(sa.String(20), default=TraineeStatus.ENROLLED)

    cohort: Mapped[Cohort] = relationship(back_populates="trainees")
    home_municipality = relationship("Municipality")

    def __repr__(self) -> str:
        return f"<Trainee {self.id} cohort={self.cohort_id}>"
