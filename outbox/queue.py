"""Putting e-mail in the outbox: one message or many, in the caller's transaction.

A message is a row first (written with the change that causes it), sent second: by the
dispatcher (outbox/dispatch.py), right after the commit of the request that queued it
(`send_queued_mail`) or by the scheduler.
"""

import hashlib

from flask import g
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from core.clock import utcnow
from extensions import db
from outbox.models import MessageStatus, OutboxMessage

MESSAGE_FIELDS = (
    "kind",
    "key",
    "recipient",
    "subject",
    "body_text",
    "body_html",
    "due_at",
    "recipient_user_id",
    "language",
    "session_id",
    "trainee_id",
    "placement_id",
    "payload",
)


KEY_LENGTH = 200  # the column's size


def fit_key(key: str) -> str:
    """Keys hold e-mail addresses; one absurdly long address must not break the whole insert."""
    if len(key) <= KEY_LENGTH:
        return key
    return f"{key[: KEY_LENGTH - 41]}:{hashlib.sha256(key.encode()).hexdigest()[:40]}"


def _insert_ignoring_duplicates(rows: list[dict]):
    """INSERT ... ON CONFLICT (key) DO NOTHING, in the dialect of the database in use."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    now = utcnow()
    # Every row names every column: a multi-row INSERT takes its columns from the first row.
    defaults = {name: None for name in MESSAGE_FIELDS} | {
        "due_at": now,
        "created_at": now,
        "status": MessageStatus.PENDING,
        "attempts": 0,
        "language": "nl",
    }
    values = [defaults | row for row in rows]
    return insert(OutboxMessage).values(values).on_conflict_do_nothing(index_elements=["key"])


# Rows per INSERT: each row binds one parameter per column, and PostgreSQL takes at most 65,535
# parameters in one statement (SQLite's limit is higher): 1,000 rows stay well below it.
INSERT_BATCH = 1000


def insert_messages(rows: list[dict]) -> int:
    """Add many messages at once (the due-rule scan); rows whose key exists are skipped.

    Each row is a dict with the OutboxMessage fields (at least kind, key, recipient, subject,
    body_text). Returns how many rows were new. Runs in the caller's transaction.
    """
    inserted = 0
    for start in range(0, len(rows), INSERT_BATCH):
        statement = _insert_ignoring_duplicates(rows[start : start + INSERT_BATCH])
        inserted += len(db.session.execute(statement.returning(OutboxMessage.id)).all())
    return inserted


def queue_message(**fields) -> int | None:
    """Add one message in the current transaction (the change that causes it commits it).

    The same key twice is one row: returns the new row's id, or None if the key existed.
    The id is remembered so `send_queued_mail()` can send it right after the commit.
    """
    unknown = set(fields) - set(MESSAGE_FIELDS)
    if unknown:
        raise TypeError(f"unknown message fields: {sorted(unknown)}")
    new_id = db.session.execute(_insert_ignoring_duplicates([fields]).returning(OutboxMessage.id)).scalar()
    if new_id is not None:
        send_after_commit(new_id)
    return new_id


def send_after_commit(message_id: int) -> None:
    """Remember a message (new, or put back in the queue) for `send_queued_mail()`."""
    g.setdefault("queued_message_ids", []).append(message_id)


def send_queued_mail() -> dict:
    """After the commit: send what this request or command queued, so invitations go at once.

    What cannot be sent now stays in the outbox for the scheduler to retry.
    """
    from outbox.dispatch import OUTCOMES, dispatch_due  # the dispatcher queues nothing: no cycle

    ids = g.pop("queued_message_ids", [])
    return dispatch_due(only_ids=ids) if ids else dict.fromkeys(OUTCOMES, 0)
