"""What the outbox asks the packages whose messages it sends, so that it imports none of them.

At dispatch the world may have changed since a message was queued: the session was cancelled,
the trainee withdrew, the proposal was answered. The packages that know register a *check*: it
gets a claimed batch and answers, per message id, the reason not to send it any more. They may
also register an *attachment* for a kind of message (a session's .ics file), and an *address
book*: where the address of a message comes from (the user it is addressed to, a placement's
supervisor), so a message sent again goes to the address that record has now; and where the link
is that turns an optional kind of mail off (List-Unsubscribe). The table is built
once per app, in `app.register_message_rules`, in the order the checks are asked.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app

from extensions import db
from outbox.models import OutboxMessage

# A batch of claimed messages and the dispatch moment -> {message id: reason not to send}.
Check = Callable[[list[OutboxMessage], datetime], dict[int, str]]
# Adds what a message of its kind carries (a file) to the e-mail built from it.
Attachment = Callable[[EmailMessage, OutboxMessage], None]
# A message -> the link that turns its kind off for its recipient (List-Unsubscribe), or None.
UnsubscribeLink = Callable[[OutboxMessage], str | None]
# Messages -> {message id: the address its record has now}, for the messages it knows the record of.
AddressBook = Callable[[list[OutboxMessage]], dict[int, str]]


@dataclass
class MessageRules:
    checks: list[Check] = field(default_factory=list)
    attachments: dict[str, Attachment] = field(default_factory=dict)
    address_books: list[AddressBook] = field(default_factory=list)
    unsubscribe_link: UnsubscribeLink | None = None

    def reasons_not_to_send(self, messages: list[OutboxMessage], now: datetime) -> dict[int, str]:
        """Each message's reason not to send it; the first check that has one decides."""
        reasons: dict[int, str] = {}
        for check in self.checks:
            for message_id, reason in check(messages, now).items():
                reasons.setdefault(message_id, reason)
        return reasons

    def current_addresses(self, messages: list[OutboxMessage]) -> dict[int, str]:
        """Each message's address as its record has it now (messages without a record: left out)."""
        addresses: dict[int, str] = {}
        for book in self.address_books:
            for message_id, address in book(messages).items():
                addresses.setdefault(message_id, address)
        return addresses

    def attach(self, email: EmailMessage, message: OutboxMessage) -> None:
        attachment = self.attachments.get(message.kind)
        if attachment is not None:
            attachment(email, message)


def message_rules() -> MessageRules:
    """The current app's table (an app without registrations sends everything, bare)."""
    return current_app.extensions.setdefault("message_rules", MessageRules())


# The session's identity map holds unchanged rows weakly: without a strong reference, the rows a
# check loaded are gone by the time the message is built, and each attachment read its record again.
BATCH_RECORDS = "outbox.batch_records"


def records_by_id(model, ids, *options) -> dict:
    """The records of `model` that a batch of messages names, in one query, by id (None left out).
    They stay in the session until the batch ends (`forget_batch_records`)."""
    wanted = sorted({record_id for record_id in ids if record_id is not None})
    if not wanted:
        return {}
    query = sa.select(model).where(model.id.in_(wanted)).options(*options)
    found = {record.id: record for record in db.session.scalars(query)}
    db.session.info.setdefault(BATCH_RECORDS, []).extend(found.values())
    return found


def forget_batch_records() -> None:
    db.session.info.pop(BATCH_RECORDS, None)


def refuse_unless(messages, field: str, model, still_applies, reason: str) -> dict[int, str]:
    """`reason` for each message whose record (the `field` id, e.g. trainee_id) is gone, or no longer
    `still_applies`; messages without such a record are not this check's business."""
    named = [m for m in messages if getattr(m, field) is not None]
    records = records_by_id(model, (getattr(m, field) for m in named))
    return {
        m.id: reason
        for m in named
        if (record := records.get(getattr(m, field))) is None or not still_applies(record)
    }
