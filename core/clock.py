"""Time helpers. Stored times are UTC; local (Europe/Amsterdam) only at the edges."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)
