"""One small rate limiter, counted in the database so it holds across server processes.

An attempt is checked against one or more rules, each over its own key ("reset:address:<hash>"):

- `Limit(key, limit, window)`: at most `limit` attempts within `window`; refused until the oldest
  of them leaves the window;
- `Backoff(key, free, first, longest, window)`: `free` attempts, then each further one waits twice
  as long after the one before (`first`, 2 × `first`, … at most `longest`).

`attempt(*rules)` refuses (RateLimited, naming the rule and the time to wait) or records one hit
under every key and returns them, so that a caller who learns the attempt was no failure (a right
password, a valid link) can `forgive` it. A refused attempt does not count, so a client that keeps
trying is let in again as soon as the rules allow.

The attempt is recorded *before* the work it guards, and the count and the record run under a
lock that lasts until the caller's transaction ends: two processes checking the same key at the
same moment cannot both see "4 of 5" and both go ahead. On PostgreSQL that is an advisory lock
per key (taken in a fixed order, so two attempts never wait on each other), on SQLite the
database's single write lock, which the first write of a transaction takes (the prune below is
that write). Callers commit soon after, before slow work such as checking a password.

Values in keys (addresses, e-mail addresses) are stored hashed: the table is for counting,
not a record of who tried what.
"""

import hashlib
import math
from collections.abc import Iterable
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
    """Too many attempts; `retry_after` says how long until the next one is let in, `key` which
    rule refused it."""

    retry_after: timedelta
    key: str = ""

    @property
    def minutes(self) -> int:
        """Whole minutes to wait, rounded up (never 0: "try again in 0 minutes" helps no one)."""
        return max(1, math.ceil(self.retry_after.total_seconds() / 60))

    @property
    def seconds(self) -> int:
        return max(1, math.ceil(self.retry_after.total_seconds()))


@dataclass(frozen=True)
class Limit:
    """At most `limit` attempts under `key` within `window`."""

    key: str
    limit: int
    window: timedelta

    def wait(self, hits: list[datetime], now: datetime) -> timedelta | None:
        """How long until the next attempt may go, or None when it may go now (hits sorted)."""
        recent = [at for at in hits if at > now - self.window]
        if len(recent) < self.limit:
            return None
        return recent[-self.limit] + self.window - now  # when the oldest that counts leaves


@dataclass(frozen=True)
class Backoff:
    """`free` attempts under `key` within `window`, then a wait after the last one that doubles with
    each further attempt, from `first` up to `longest`."""

    key: str
    free: int
    first: timedelta
    longest: timedelta
    window: timedelta = KEEP_HITS_FOR

    def wait(self, hits: list[datetime], now: datetime) -> timedelta | None:
        recent = [at for at in hits if at > now - self.window]
        beyond = len(recent) - self.free
        if beyond < 0:
            return None
        ready = recent[-1] + min(self.first * 2**beyond, self.longest)
        return ready - now if ready > now else None


Rule = Limit | Backoff


def limit_key(scope: str, value: str) -> str:
    """A key for one scope ("reset:email") and value, with the value hashed (case-insensitive)."""
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:40]
    return f"{scope}:{digest}"


def _lock(keys: Iterable[str]) -> None:
    """Serialise attempts on these keys until the transaction ends (see the module's docstring)."""
    if db.session.get_bind().dialect.name == "postgresql":
        for key in sorted(set(keys)):
            db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(key))))


def _prune(now: datetime) -> None:
    """Delete what no longer counts. On SQLite this first write also takes the write lock."""
    db.session.execute(sa.delete(RateLimitHit).where(RateLimitHit.at <= now - KEEP_HITS_FOR))


def _hits(keys: list[str], now: datetime) -> dict[str, list[datetime]]:
    found: dict[str, list[datetime]] = {key: [] for key in keys}
    rows = db.session.execute(
        sa.select(RateLimitHit.key, RateLimitHit.at)
        .where(RateLimitHit.key.in_(keys), RateLimitHit.at > now - KEEP_HITS_FOR)
        .order_by(RateLimitHit.at)
    )
    for key, at in rows:
        found[key].append(at)
    return found


def attempt(*rules: Rule, now: datetime | None = None) -> list[int]:
    """Record one attempt under every rule's key, or raise RateLimited (recording nothing) when a
    rule says wait; the longest wait wins. Returns the ids of the recorded hits, for `forgive`.

    The caller commits (the attempt then counts) or rolls back; both end the lock.
    """
    if any(rule.window > KEEP_HITS_FOR for rule in rules):
        raise ValueError("a window longer than KEEP_HITS_FOR would forget hits that still count")
    now = now or utcnow()
    keys = [rule.key for rule in rules]
    _lock(keys)
    _prune(now)
    hits = _hits(keys, now)
    waits = [(wait, rule.key) for rule in rules if (wait := rule.wait(hits[rule.key], now)) is not None]
    if waits:
        longest, key = max(waits)
        raise RateLimited(retry_after=longest, key=key)
    recorded = [RateLimitHit(key=key, at=now) for key in keys]
    db.session.add_all(recorded)
    db.session.flush()
    return [hit.id for hit in recorded]


def hit(key: str, limit: int, window: timedelta, now: datetime | None = None) -> None:
    """`attempt` with one Limit: count an attempt under `key`, or raise RateLimited."""
    attempt(Limit(key, limit, window), now=now)


def forgive(hit_ids: list[int]) -> None:
    """The attempt turned out to be no failure (a right password, a valid link): it does not count."""
    db.session.execute(sa.delete(RateLimitHit).where(RateLimitHit.id.in_(hit_ids)))


def forget(key: str) -> None:
    """Start afresh under `key` (a manager lifts a lock, a login succeeds from an address)."""
    db.session.execute(sa.delete(RateLimitHit).where(RateLimitHit.key == key))


def counts(keys: list[str], window: timedelta, now: datetime | None = None) -> dict[str, int]:
    """How many attempts each key has within `window` (keys without any are left out): one query."""
    now = now or utcnow()
    rows = db.session.execute(
        sa.select(RateLimitHit.key, sa.func.count())
        .where(RateLimitHit.key.in_(keys), RateLimitHit.at > now - window)
        .group_by(RateLimitHit.key)
    )
    return dict(rows.all())
