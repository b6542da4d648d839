"""Reminder settings and the scheduler's heartbeat (the messages themselves: outbox/models.py)."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.types import UTCDateTime
from extensions import db


class ReminderRule(db.Model):
    """A manager's setting for one kind of reminder: on or off, and its timing (see rules.py)."""

    __tablename__ = "reminder_rules"

    kind: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    is_enabled: Mapped[bool] = mapped_column(default=True)
    settings: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    def __repr__(self) -> str:
        return f"<ReminderRule {self.kind} {'on' if self.is_enabled else 'off'}>"


class SchedulerHeartbeat(db.Model):
    """One row per scheduler job name, stamped every time the job runs."""

    __tablename__ = "scheduler_heartbeats"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    last_run_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<SchedulerHeartbeat {self.name} {self.last_run_at:%H:%M:%S}>"
