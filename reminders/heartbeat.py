"""The scheduler's sign of life, and whether it is recent enough to call it alive."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from core.clock import utcnow
from extensions import db
from reminders.models import SchedulerHeartbeat

HEARTBEAT = "heartbeat"
ALIVE_WITHIN = timedelta(minutes=2)


@dataclass(frozen=True)
class SchedulerStatus:
    last_run_at: datetime | None
    is_alive: bool


def record_heartbeat(now: datetime | None = None) -> None:
    beat = db.session.get(SchedulerHeartbeat, HEARTBEAT)
    if beat is None:
        db.session.add(SchedulerHeartbeat(name=HEARTBEAT, last_run_at=now or utcnow()))
    else:
        beat.last_run_at = now or utcnow()


def scheduler_status(now: datetime | None = None) -> SchedulerStatus:
    last_run_at = db.session.scalar(sa.select(SchedulerHeartbeat.last_run_at).filter_by(name=HEARTBEAT))
    alive = last_run_at is not None and (now or utcnow()) - last_run_at < ALIVE_WITHIN
    return SchedulerStatus(last_run_at=last_run_at, is_alive=alive)
