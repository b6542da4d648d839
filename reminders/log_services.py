"""The managers' message log: finding messages (outbox/retry.py sends a failed one again)."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from extensions import db
from outbox.models import OutboxMessage

PAGE_SIZE = 50


@dataclass(frozen=True)
class MessageFilters:
    """What the manager filters on; None (or empty) means "any". Dates are local and inclusive."""

    kind: str | None = None
    status: str | None = None
    recipient: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    tz_name: str = "Europe/Amsterdam"


def _local_midnight_utc(day: date, tz_name: str) -> datetime:
    """The start of a local day, as a UTC moment (a local day is 23 to 25 hours long)."""
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(tz_name)).astimezone(UTC)


def _conditions(filters: MessageFilters) -> list:
    conditions = []
    if filters.kind:
        conditions.append(OutboxMessage.kind == filters.kind)
    if filters.status:
        conditions.append(OutboxMessage.status == filters.status)
    if filters.recipient and filters.recipient.strip():
        term = filters.recipient.strip().lower()
        conditions.append(sa.func.lower(OutboxMessage.recipient).contains(term, autoescape=True))
    if filters.date_from:
        conditions.append(OutboxMessage.created_at >= _local_midnight_utc(filters.date_from, filters.tz_name))
    if filters.date_to:
        end = _local_midnight_utc(filters.date_to + timedelta(days=1), filters.tz_name)
        conditions.append(OutboxMessage.created_at < end)
    return conditions


def message_log(filters: MessageFilters, page: int = 1) -> tuple[list[OutboxMessage], int]:
    """One page of the matching messages, newest first, and how many match in all (two queries)."""
    conditions = _conditions(filters)
    total = db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)).where(*conditions))
    rows = db.session.scalars(
        sa.select(OutboxMessage)
        .where(*conditions)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(PAGE_SIZE)
        .offset((max(page, 1) - 1) * PAGE_SIZE)
    ).all()
    return list(rows), total


def message_kinds() -> list[str]:
    """The kinds of message that exist in the outbox, for the filter's choices."""
    return list(db.session.scalars(sa.select(OutboxMessage.kind).distinct().order_by(OutboxMessage.kind)))
