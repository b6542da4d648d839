"""The outbox: one row per e-mail, written in the same transaction as the change that causes it."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import utcnow
from core.types import UTCDateTime
from extensions import db


class MessageStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed by a dispatcher
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"  # no longer applies at dispatch (session cancelled, trainee withdrawn, ...)


class OutboxMessage(db.Model):
    """One e-mail, written in the same transaction as the change that causes it.

    `key` is unique per (kind, subject record, recipient, occasion), so whatever
    creates a message twice creates one row.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (sa.Index("ix_outbox_messages_status_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(40), index=True)
    recipient: Mapped[str] = mapped_column(sa.String(254))
    recipient_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    language: Mapped[str] = mapped_column(sa.String(5), default="nl")
    # The records the message is about, so the dispatcher can check it still applies.
    session_id: Mapped[int | None] = mapped_column(sa.ForeignKey("training_sessions.id", ondelete="SET NULL"))
    trainee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("trainees.id", ondelete="SET NULL"))
    placement_id: Mapped[int | None] = mapped_column(sa.ForeignKey("placements.id", ondelete="SET NULL"))
    # What a message that collects several events (a change notice) is made of.
    payload: Mapped[list | None] = mapped_column(sa.JSON)
    subject: Mapped[str] = mapped_column(sa.String(200))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(10), default=MessageStatus.PENDING)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
    # The mail server refused the recipient for good (a 5xx answer): the address needs correcting.
    bounced: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # "smtp", or "local" when no SMTP server is configured (dev): kept here, never lost.
    transport: Mapped[str | None] = mapped_column(sa.String(10))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} {self.status}>"
