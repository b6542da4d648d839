"""Programme templates, cohorts (runs of a template), their phases, closures and trainees."""

import enum
import secrets
from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from cohort import planning
from core.clock import utcnow
from core.text_rules import phone_key
from core.types import UTCDateTime
from extensions import db


class TraineeOutcome(enum.StrEnum):
    """Where a trainee ended up; `outcome_note` gives the reason for OTHER."""

    EMPLOYED_CONSULTANT = "employed_consultant"  # at outcome_municipality from outcome_date
    OTHER_WORK = "other_work"
    EDUCATION = "education"
    NO_WORK = "no_work"
    OTHER = "other"


class TraineeStatus(enum.StrEnum):
    ENROLLED = "enrolled"
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"
    COMPLETED = "completed"


# Still in the programme: gets sessions and reminders, and may still complete, withdraw or move.
IN_PROGRAMME = (TraineeStatus.ENROLLED, TraineeStatus.ACTIVE)


def _weekdays_to_text(weekdays) -> str:
    return ",".join(planning.weekday_code(day) for day in weekdays)


def _weekdays_from_text(text: str | None) -> tuple[int, ...] | None:
    return planning.parse_weekdays(text.split(",")) if text else None


class ProgrammeTemplate(db.Model):
    """A kind of programme: phase lengths, training days and the return day, with default times."""

    __tablename__ = "programme_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    is_default: Mapped[bool] = mapped_column(default=False)
    training_weeks: Mapped[int]
    internship_weeks: Mapped[int] = mapped_column(default=0)
    programme_weeks: Mapped[int]
    training_weekdays: Mapped[str] = mapped_column(sa.String(30))  # "mon,tue,wed,thu"
    training_start: Mapped[time]
    training_end: Mapped[time]
    return_weekday: Mapped[str | None] = mapped_column(sa.String(3))
    return_start: Mapped[time | None]
    return_end: Mapped[time | None]
    return_from_week: Mapped[int | None]

    @classmethod
    def from_plan_template(cls, template: planning.ProgrammeTemplate) -> "ProgrammeTemplate":
        return_day = template.return_weekday
        return cls(
            slug=template.slug,
            name=template.name,
            is_default=template.is_default,
            training_weeks=template.training_weeks,
            internship_weeks=template.internship_weeks,
            programme_weeks=template.programme_weeks,
            training_weekdays=_weekdays_to_text(template.training_weekdays),
            training_start=template.training_start,
            training_end=template.training_end,
            return_weekday=planning.weekday_code(return_day) if return_day is not None else None,
            return_start=template.return_start,
            return_end=template.return_end,
            return_from_week=template.return_from_week,
        )

    def as_plan_template(self) -> planning.ProgrammeTemplate:
        phases = [
            planning.TemplatePhase(planning.PhaseKind.TRAINING, self.training_weeks),
            planning.TemplatePhase(planning.PhaseKind.INTERNSHIP, self.internship_weeks),
            planning.TemplatePhase(
                planning.PhaseKind.GUIDED_WORK,
                self.programme_weeks - self.training_weeks - self.internship_weeks,
            ),
        ]
        return planning.ProgrammeTemplate(
            slug=self.slug,
            name=self.name,
            phases=tuple(p for p in phases if p.weeks > 0),
            training_weekdays=_weekdays_from_text(self.training_weekdays) or (),
            training_start=self.training_start,
            training_end=self.training_end,
            return_weekday=planning.parse_weekday(self.return_weekday) if self.return_weekday else None,
            return_start=self.return_start,
            return_end=self.return_end,
            return_from_week=self.return_from_week,
            is_default=self.is_default,
        )

    def __repr__(self) -> str:
        return f"<ProgrammeTemplate {self.slug}>"


class Cohort(db.Model):
    """One run of a template. Override columns are None where the template's value applies."""

    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    template_id: Mapped[int | None] = mapped_column(sa.ForeignKey("programme_templates.id"), index=True)
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    location: Mapped[str] = mapped_column(sa.String(200), default="")
    capacity: Mapped[int] = mapped_column(default=20)
    training_weekdays: Mapped[str | None] = mapped_column(sa.String(30))
    return_weekday: Mapped[str | None] = mapped_column(sa.String(3))
    training_weeks: Mapped[int | None]
    internship_weeks: Mapped[int | None]
    programme_weeks: Mapped[int | None]
    planned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    template: Mapped[ProgrammeTemplate | None] = relationship(lazy="joined")
    trainees: Mapped[list["Trainee"]] = relationship(back_populates="cohort")
    phases: Mapped[list["CohortPhase"]] = relationship(
        back_populates="cohort", order_by="CohortPhase.start_date", cascade="all, delete-orphan"
    )
    attention: Mapped[list["PlanAttention"]] = relationship(
        back_populates="cohort", order_by="PlanAttention.date", cascade="all, delete-orphan"
    )

    def plan_settings(self) -> planning.PlanSettings:
        """The template's settings with this cohort's overrides applied."""
        return planning.settings_from_template(
            self.template.as_plan_template(),
            self.start_date,
            training_weekdays=_weekdays_from_text(self.training_weekdays),
            return_weekday=planning.parse_weekday(self.return_weekday) if self.return_weekday else None,
            training_weeks=self.training_weeks,
            internship_weeks=self.internship_weeks,
            programme_weeks=self.programme_weeks,
        )

    def phase_on(self, day: date) -> "CohortPhase | None":
        return next((p for p in self.phases if p.start_date <= day <= p.end_date), None)

    def __repr__(self) -> str:
        return f"<Cohort {self.id} {self.name}>"


class CohortPhase(db.Model):
    """A phase's dates, as the last planning run computed them."""

    __tablename__ = "cohort_phases"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    start_date: Mapped[date]
    end_date: Mapped[date]

    cohort: Mapped[Cohort] = relationship(back_populates="phases")

    def __repr__(self) -> str:
        return f"<CohortPhase {self.kind} {self.start_date}..{self.end_date}>"


class PlanAttention(db.Model):
    """A session the planner had to leave out, with the reason: for the planner to resolve."""

    __tablename__ = "plan_attention"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    date: Mapped[date]
    kind: Mapped[str] = mapped_column(sa.String(20))
    reason: Mapped[str] = mapped_column(sa.String(200))

    cohort: Mapped[Cohort] = relationship(back_populates="attention")

    @property
    def week(self) -> int:
        return (self.date - self.cohort.start_date).days // 7 + 1

    def __repr__(self) -> str:
        return f"<PlanAttention {self.date} {self.kind}>"


class Closure(db.Model):
    """A provider closure period (e.g. Christmas break): no session of any cohort falls in it."""

    __tablename__ = "closures"

    id: Mapped[int] = mapped_column(primary_key=True)
    start_date: Mapped[date]
    end_date: Mapped[date]
    reason: Mapped[str] = mapped_column(sa.String(120))

    def as_plan_closure(self) -> planning.Closure:
        return planning.Closure(self.start_date, self.end_date, self.reason)

    def __repr__(self) -> str:
        return f"<Closure {self.start_date}..{self.end_date}>"


def new_calendar_salt() -> str:
    return secrets.token_urlsafe(16)


class Trainee(db.Model):
    __tablename__ = "trainees"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    email: Mapped[str] = mapped_column(sa.String(254))
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    # The phone number as enrolment compares it (core.text_rules.phone_key), kept with `phone`.
    phone_key: Mapped[str | None] = mapped_column(sa.String(9), index=True)
    home_municipality_id: Mapped[int | None] = mapped_column(sa.ForeignKey("municipalities.id"), index=True)
    languages: Mapped[str] = mapped_column(sa.String(200), default="")
    status: Mapped[str] = mapped_column(sa.String(20), default=TraineeStatus.ENROLLED)
    withdrawn_on: Mapped[date | None]
    withdrawal_reason: Mapped[str | None] = mapped_column(sa.String(300))
    completed_on: Mapped[date | None]
    # The outcome at the end of the programme (see TraineeOutcome); free text only in outcome_note.
    outcome: Mapped[str | None] = mapped_column(sa.String(30))
    outcome_date: Mapped[date | None]
    outcome_municipality_id: Mapped[int | None] = mapped_column(sa.ForeignKey("municipalities.id"))
    outcome_note: Mapped[str] = mapped_column(sa.String(300), default="")
    # Set when the former trainee asked not to be asked again how they are doing (issue 17).
    follow_ups_stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the personal data was erased (AVG): the record stays for counts and rates.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Mixed into the calendar feed's secret; a new salt kills the old feed URL.
    calendar_salt: Mapped[str] = mapped_column(sa.String(32), default=new_calendar_salt)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    cohort: Mapped[Cohort] = relationship(back_populates="trainees")
    # Joined: lists of trainees show where each lives, without a query per row.
    home_municipality = relationship("Municipality", lazy="joined", foreign_keys=[home_municipality_id])
    outcome_municipality = relationship("Municipality", foreign_keys=[outcome_municipality_id])

    @validates("phone")
    def _keep_phone_key(self, _key: str, phone: str) -> str:
        self.phone_key = phone_key(phone)
        return phone

    @property
    def is_withdrawn(self) -> bool:
        return self.status == TraineeStatus.WITHDRAWN

    @property
    def first_name(self) -> str:
        """What a municipality reads before it has taken the intern on (the proposal page)."""
        return self.name.split()[0] if self.name.strip() else ""

    @property
    def language_list(self) -> list[str]:
        return [language.strip() for language in self.languages.split(",") if language.strip()]

    @property
    def is_in_programme(self) -> bool:
        return self.status in IN_PROGRAMME

    @hybrid_property
    def left_on(self) -> date | None:
        """The day the trainee completed or left the programme; the follow-ups count from it.
        In a query too (`Trainee.left_on >= day`)."""
        if self.status == TraineeStatus.COMPLETED:
            return self.completed_on
        if self.status == TraineeStatus.WITHDRAWN:
            return self.withdrawn_on
        return None

    @left_on.inplace.expression
    @classmethod
    def _left_on_expression(cls):
        return sa.case(
            (cls.status == TraineeStatus.COMPLETED, cls.completed_on),
            (cls.status == TraineeStatus.WITHDRAWN, cls.withdrawn_on),
            else_=None,
        )

    def __repr__(self) -> str:
        return f"<Trainee {self.id} cohort={self.cohort_id}>"


# A step of the status history that is a move to another cohort, not a new status.
MOVED_STEP = "moved"


class TraineeStatusChange(db.Model):
    """One step in a trainee's enrolment history (enrolled, active, withdrawn, completed), or a move
    to another group (status MOVED_STEP, from one cohort to the other, their status unchanged)."""

    __tablename__ = "trainee_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(sa.ForeignKey("trainees.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(sa.String(20))
    effective_on: Mapped[date]
    reason: Mapped[str] = mapped_column(sa.String(300), default="")
    changed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    from_cohort_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cohorts.id"))
    to_cohort_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cohorts.id"))

    def __repr__(self) -> str:
        return f"<TraineeStatusChange trainee={self.trainee_id} {self.status} {self.effective_on}>"


class TraineeNote(db.Model):
    """A dated note by a manager in the trainee file. Free text: erased with the trainee."""

    __tablename__ = "trainee_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(sa.ForeignKey("trainees.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    noted_on: Mapped[date]
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author = relationship("User", lazy="joined")

    def __repr__(self) -> str:
        return f"<TraineeNote {self.id} trainee={self.trainee_id}>"
