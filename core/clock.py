"""Time helpers. Stored times are UTC; local (Europe/Amsterdam) only at the edges."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def local_today(tz_name: str = "Europe/Amsterdam") -> date:
    """Today's date where the programme runs (not UTC: just after midnight they differ)."""
    return datetime.now(ZoneInfo(tz_name)).date()
