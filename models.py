"""Every model of the app, imported in one place for SQLAlchemy's metadata and Alembic."""

from accounts.models import ApiToken, LoginFailure, OneTimeLink, User
from cohort.models import Cohort, Trainee
from placements.models import Municipality
from reminders.models import OutboxMessage, SchedulerHeartbeat

__all__ = [
    "ApiToken", "Cohort", "LoginFailure", "Municipality", "OneTimeLink", "OutboxMessage",
    "SchedulerHeartbeat", "Trainee", "User",
]
