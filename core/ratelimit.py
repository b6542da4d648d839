"""One small rate limiter, counted in the database so it holds across server processes.

`hit(key, limit, window)` records one attempt under `key` (say "reset:address:<hash>") or, when
`limit` attempts already fall within `window`, records nothing and raises RateLimited with the
time until the oldest of them leaves the window. A refused attempt does not count, so a client
that keeps trying is let in again as soon as the window allows.

Two processes checking the same key at the same moment must not both see "4 of 5" and both go
ahead. So the count runs under a lock that lasts until the caller's transaction ends: on
PostgreSQL an advisory lock per key, on SQLite the database's single write lock, which the
first write of a transaction takes (the prune below is that write).

Values in keys (addresses, e-mail addresses) are stored hashed: the table is for counting,
not a record of who tried what.
"""

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import utcnow
from core.types import UTCDateTime
from extensions import db

# Rows older than this are pruned whatever their key; no window may be longer.
KEEP_HITS_FOR = timedelta(days=1)


class RateLimitHit(db.Model):
    """One counted attempt under a key."""

    __tablename__ = "rate_limit_hits"
    __table_args__ = (
        sa.Index("ix_rate_limit_hits_key_at", "key", "at"),
        sa.Index("ix_rate_limit_hits_at", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(120))
    at: Mapped[datetime] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<RateLimitHit {self.key} at {self.at:%Y-%m-%d %H:%M:%S}>"


@dataclass
class RateLimited(Exception):
    """Too many attempts; `retry_after` says how long until the next one is let in."""

    retry_after: timedelta

    @property
    def minutes(self) -> int:
        """Whole minutes to wait, rounded up (never 0: "try again in 0 minutes" helps no one)."""
        return max(1, math.ceil(self.retry_after.total_seconds() / 60))

    @property
    def seconds(self) -> int:
        return max(1, math.ceil(self.retry_after.total_seconds()))


def limit_key(scope: str, value: str) -> str:
    """A key for one scope ("reset:email") and value, with the value hashed (case-insensitive)."""
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:40]
    return f"{scope}:{digest}"


def _lock(key: str) -> None:
    """Serialise attempts on this key until the transaction ends (see the module's docstring)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(key))))


def _prune(key: str, window: timedelta, now: datetime) -> None:
    """Delete what no longer counts. On SQLite this first write also takes the write lock."""
    db.session.execute(
        sa.delete(RateLimitHit).where(
            sa.or_(
                RateLimitHit.at <= now - KEEP_HITS_FOR,
                sa.and_(RateLimitHit.key == key, RateLimitHit.at <= now - window),
            )
        )
    )


def hit(key: str, limit: int, window: timedelta, now: datetime | None = None) -> None:
    """Count one attempt under `key`, or raise RateLimited when `limit` are already in `window`.

    The caller commits (the attempt then counts) or rolls back; both end the lock.
    """
    if window > KEEP_HITS_FOR:
        raise ValueError("a window longer than KEEP_HITS_FOR would forget hits that still count")
    now = now or utcnow()
    _lock(key)
    _prune(key, window, now)
    check(key, limit, window, now)
    db.session.add(RateLimitHit(key=key, at=now))
    db.session.flush()


def check(key: str, limit: int, window: timedelta, now: datetime | None = None) -> None:
    """Raise RateLimited when `limit` attempts are in `window`, without counting this one
    (for limits that count only failures: the caller records those with `hit`)."""
    now = now or utcnow()
    recent = db.session.scalars(
        sa.select(RateLimitHit.at)
        .where(RateLimitHit.key == key, RateLimitHit.at > now - window)
        .order_by(RateLimitHit.at)
    ).all()
    if len(recent) >= limit:
        # Free again once the oldest attempt that still counts leaves the window.
        raise RateLimited(retry_after=recent[-limit] + window - now)
