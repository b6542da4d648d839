"""Every model of the app, imported in one place for SQLAlchemy's metadata and Alembic."""

from accounts.models import ApiToken, LoginFailure, OneTimeLink, User
from cohort.models import Closure, Cohort, CohortPhase, PlanAttention, ProgrammeTemplate, Trainee
from placements.models import (
    Municipality,
)
from reminders.models import OutboxMessage, ReminderRule, SchedulerHeartbeat
from sessions.models import AbsenceNotice, Attendance, TrainingSession

__all__ = [
    "AbsenceNotice",
    "ApiToken",
    "Attendance",
    "Closure",
    "Cohort",
    "CohortPhase",
    "LoginFailure",
    "Municipality",
    "OneTimeLink",
    "OutboxMessage",
    "PlanAttention",
    "ReminderRule",
    "ProgrammeTemplate",
    "SchedulerHeartbeat",
    "Trainee",
    "TrainingSession",
    "User",
]
