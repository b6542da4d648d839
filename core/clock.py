"""Time helpers. Stored times are UTC; local (Europe/Amsterdam) only at the edges."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def local_today(tz_name: str = "Europe/Amsterdam") -> date:
    """Today's date where the programme runs (not UTC: just after midnight they differ)."""
    return datetime.now(ZoneInfo(tz_name)).date()


def local_moment(day: date, at: time, tz_name: str) -> datetime:
    """The moment `at` o'clock local time on `day`, as an aware UTC datetime (18:00 stays 18:00
    across the summer-time change)."""
    return datetime.combine(day, at, tzinfo=ZoneInfo(tz_name)).astimezone(UTC)


def local_now(tz_name: str = "Europe/Amsterdam") -> datetime:
    """The wall-clock time where the programme runs, without zone: what session times compare with."""
    return datetime.now(ZoneInfo(tz_name)).replace(tzinfo=None)
