"""Every model of the app, imported in one place for SQLAlchemy's metadata and Alembic."""

from accounts.models import ApiToken, LoginSession, OneTimeLink, User
from cohort.follow_ups.models import WorkOutcome
from cohort.models import (
    Closure,
    Cohort,
    CohortPhase,
    PlanAttention,
    ProgrammeTemplate,
    Trainee,
    TraineeNote,
    TraineeStatusChange,
)
from core.audit import AuditEvent
from core.data_versions import DataVersion
from core.ratelimit import RateLimitHit
from outbox.models import OutboxMessage
from placements.models import (
    Municipality,
    Supervisor,
)
from reminders.models import ReminderRule, SchedulerHeartbeat
from sessions.models import AbsenceNotice, Attendance, TrainingSession

__all__ = [
    "AbsenceNotice",
    "AuditEvent",
    "ApiToken",
    "Attendance",
    "Closure",
    "DataVersion",
    "Cohort",
    "CohortPhase",
    "LoginSession",
    "Municipality",
    "Supervisor",
    "OneTimeLink",
    "OutboxMessage",
    "PlanAttention",
    "RateLimitHit",
    "ReminderRule",
    "ProgrammeTemplate",
    "SchedulerHeartbeat",
    "Trainee",
    "TraineeNote",
    "TraineeStatusChange",
    "TrainingSession",
    "User",
    "WorkOutcome",
]
