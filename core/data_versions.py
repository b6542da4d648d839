"""Data versions: a number per table that every committed write to that table raises, in the same
transaction as the write; and a cache of computed values keyed by the versions they were read at.

Why versions and not a time limit: a manager who records attendance and opens the dashboard must
see it at once, in every worker. A value is kept under the versions of the tables it reads; a
write commits its rows and its new version together, so the next reader reads the new version,
misses, and computes afresh. No worker is told anything; none can serve a stale value.

What raises a version (listeners on every SQLAlchemy session, installed by `track_writes`):
- an object flushed as new, changed or deleted (its table);
- an INSERT, UPDATE or DELETE statement run through the session (`sa.update(Trainee)...`).
The tables touched are remembered in the session and raised just before its commit, in name
order, so two transactions never wait on each other's versions in a circle (no deadlock).
A rollback forgets them. Writes that bypass the session (none in the app; migrations) are not
seen: a cache lives in a worker's memory, so a restart after a migration starts it empty. Nor are
rows the database deletes itself (ON DELETE CASCADE): a value that reads a child table lists its
parent table too (attendance with training_sessions and trainees), whose version the delete raises.

Reading is one query for all the versions, once per transaction however many values a page asks
for, then each value from memory or computed. A transaction that has written tables of its own does
not fill the cache: what it sees may still be rolled back.
"""

import functools
import threading
from collections.abc import Callable, Iterable
from typing import TypeVar

import sqlalchemy as sa
from cachetools import LRUCache
from flask import current_app
from sqlalchemy.orm import Mapped, Session, mapped_column

from extensions import db

T = TypeVar("T")

# Tables written on many requests that no cached value reads: raising their version would only
# make every login, page view and sent message wait for a lock on a version row.
UNTRACKED = frozenset(
    {
        "data_versions",
        "login_sessions",
        "rate_limit_hits",
        "audit_events",
        "outbox_messages",
        "scheduler_heartbeats",
        "one_time_links",
        "api_tokens",
    }
)
# How many values a worker keeps (each a page fragment or a set of figures of some kilobytes).
CACHE_ENTRIES = 256
_TOUCHED = "data_versions.touched"
_READ = "data_versions.read"  # the versions this transaction read (all of them, in one query)


class DataVersion(db.Model):
    __tablename__ = "data_versions"

    table_name: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    version: Mapped[int] = mapped_column(sa.BigInteger, nullable=False, default=0)


# --- writing: raise the versions of the tables a transaction wrote ---------------------------


def _touch(session: Session, tables: Iterable[str]) -> None:
    session.info.setdefault(_TOUCHED, set()).update(t for t in tables if t not in UNTRACKED)


def _after_flush(session: Session, _flush_context) -> None:
    # In after_flush the session still lists what this flush wrote.
    objects = (*session.new, *session.dirty, *session.deleted)
    _touch(session, {obj.__table__.name for obj in objects if hasattr(obj, "__table__")})


def _on_execute(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if table is not None:
            _touch(state.session, [table.name])


@functools.cache  # a statement is immutable: built once per dialect, not on every commit
def _upsert(dialect_name: str):
    """INSERT ... ON CONFLICT DO UPDATE: one atomic statement, and no seed rows needed."""
    if dialect_name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    table = DataVersion.__table__
    statement = insert(table).values(table_name=sa.bindparam("name"), version=1)
    return statement.on_conflict_do_update(
        index_elements=[table.c.table_name], set_={"version": table.c.version + 1}
    )


def _before_commit(session: Session) -> None:
    session.flush()  # what is still pending is written now, so its tables are known
    touched = session.info.pop(_TOUCHED, set())
    if not touched:
        return
    connection = session.connection()
    statement = _upsert(connection.dialect.name)
    for name in sorted(touched):  # always the same order: transactions never lock in a circle
        connection.execute(statement, {"name": name})


def _forget(session: Session, *_args) -> None:
    session.info.pop(_TOUCHED, None)


def _forget_read(session: Session, _transaction) -> None:
    # Any end of a transaction, a savepoint's too: the next read sees what committed since.
    session.info.pop(_READ, None)


def track_writes() -> None:
    """Install the listeners on every session (once per process; called by the app factory)."""
    if sa.event.contains(Session, "before_commit", _before_commit):
        return
    sa.event.listen(Session, "after_flush", _after_flush)
    sa.event.listen(Session, "do_orm_execute", _on_execute)
    sa.event.listen(Session, "before_commit", _before_commit)
    sa.event.listen(Session, "after_rollback", _forget)
    sa.event.listen(Session, "after_transaction_end", _forget_read)


# --- reading: a value kept under the versions it was computed at -----------------------------


def versions_of(tables: Iterable[str]) -> tuple[int, ...]:
    """The current version of each table, in the order given (0 for a table never written). The
    table has a row per written table (some twenty): read whole, once per transaction."""
    session = db.session()
    found = session.info.get(_READ)
    if found is None:
        rows = session.execute(sa.select(DataVersion.table_name, DataVersion.version))
        found = session.info[_READ] = dict(rows.tuples().all())
    return tuple(found.get(name, 0) for name in tables)


class VersionedCache:
    """A worker's values, least recently used out first; safe for a worker's threads."""

    def __init__(self, entries: int = CACHE_ENTRIES):
        self._values = LRUCache(maxsize=entries)
        self._lock = threading.Lock()
        self.computed = 0  # how many values were computed rather than found (for tests)

    def get(self, key):
        with self._lock:
            return self._values.get(key)

    def put(self, key, value) -> None:
        with self._lock:
            self._values[key] = value
            self.computed += 1

    def kept(self, key, compute: Callable[[], T]) -> T:
        """The value under `key`, computed when missing. For a key that holds all the value is
        made from (e.g. a fragment keyed by its figures), so it never needs a version."""
        value = self.get(key)
        if value is None:
            value = compute()
            self.put(key, value)
        return value


def cache() -> VersionedCache:
    return current_app.extensions["versioned_cache"]


def cached(name: str, tables: tuple[str, ...], key: tuple, compute: Callable[[], T]) -> T:
    """`compute()`, or the value computed before with the same `key` while none of `tables` was
    written since. `tables` must name every table `compute` reads (tests/test_data_versions.py
    checks each caller's statements against its list)."""
    untracked = UNTRACKED.intersection(tables)
    assert not untracked, f"{name} reads untracked tables {sorted(untracked)}: it would never change"
    db.session.flush()  # what this session still has pending is noted as touched (cheap when clean)
    if db.session.info.get(_TOUCHED):  # this transaction's own writes may still be rolled back
        return compute()
    return cache().kept((name, key, versions_of(tables)), compute)


def init_app(app) -> None:
    track_writes()
    app.extensions["versioned_cache"] = VersionedCache()
