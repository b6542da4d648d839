"""Sending a failed message again, to the address its record has now.

A message keeps the address it was written to. When that address bounced and a manager corrected
it (a contact's account, a placement's supervisor), or asks to "try again", the message goes to
the address the record has now: the packages that own the records tell the outbox where to read
it (an *address book*, outbox/kinds.py). Messages still waiting follow a corrected address too.
"""

import sqlalchemy as sa
from flask_babel import gettext as _

from core.clock import utcnow
from core.errors import ConflictError
from extensions import db
from outbox.kinds import message_rules
from outbox.models import MessageStatus, OutboxMessage
from outbox.queue import fit_key, send_after_commit

ADDRESSED_ELSEWHERE = "sent to the corrected address in another message"


def addressed_to_user(user_id: int):
    """The messages whose address is this user's."""
    return OutboxMessage.recipient_user_id == user_id


def addressed_by_placement(placement_id: int):
    """The messages to a placement's supervisor (who has no account): the address is the placement's."""
    return sa.and_(OutboxMessage.recipient_user_id.is_(None), OutboxMessage.placement_id == placement_id)


# The records an address comes from, by the name the overview's "try again" links use.
ADDRESS_SOURCES = {"user": addressed_to_user, "placement": addressed_by_placement}


def send_again(message: OutboxMessage) -> None:
    """Put one failed message back in the queue, as new, to its record's current address; it is
    sent right after the commit (`send_queued_mail`). The last error stays, so the log still says
    why it failed before. Only a failed message: anything else is on its way, sent or skipped on
    purpose."""
    _send_again([message])


def send_bounced_again(addressed_to) -> int:
    """Every bounced message of one record (`addressed_to_user(...)`, `addressed_by_placement(...)`)
    again, to the address the record has now; returns how many."""
    bounced = _messages(addressed_to, OutboxMessage.status == MessageStatus.FAILED, OutboxMessage.bounced)
    _send_again(bounced)
    return len(bounced)


def _send_again(messages: list[OutboxMessage]) -> None:
    if any(message.status != MessageStatus.FAILED for message in messages):
        raise ConflictError(_("Only a message that failed can be sent again."))
    addresses = message_rules().current_addresses(messages)
    for message in messages:
        _readdress(message, addresses.get(message.id))
        if message.status == MessageStatus.FAILED:  # not skipped as addressed elsewhere
            message.status = MessageStatus.PENDING
            message.attempts = 0
            message.bounced = False
            message.due_at = utcnow()
            message.claimed_at = None
            send_after_commit(message.id)
    db.session.flush()


def saved_message(sent_again: int) -> str:
    """What a page that corrected an address says after saving."""
    if sent_again:
        return _("Saved. The e-mail that did not arrive is sent again, to the new address.")
    return _("Saved.")


def follow_new_address(addressed_to) -> int:
    """After a record's address changed: what still waits goes to the new address, and what
    bounced is sent again to it. Returns how many bounced messages go again."""
    waiting = _messages(addressed_to, OutboxMessage.status == MessageStatus.PENDING)
    addresses = message_rules().current_addresses(waiting)
    for message in waiting:
        _readdress(message, addresses.get(message.id))
    return send_bounced_again(addressed_to)


def _messages(*conditions) -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).where(*conditions).order_by(OutboxMessage.id)))


def _readdress(message: OutboxMessage, address: str | None) -> None:
    """To `address` (None: the record is gone, keep the old one). A key that names the old address
    names the new one; if a message with that key exists already (the scheduler wrote one to the
    corrected address meanwhile), this one is skipped, so the recipient gets it once."""
    if not address or address.lower() == message.recipient.lower():
        return
    old = message.recipient.lower()
    message.recipient = address
    if old not in message.key:
        return
    new_key = fit_key(message.key.replace(old, address.lower()))
    if db.session.scalar(sa.select(OutboxMessage.id).where(OutboxMessage.key == new_key)) is not None:
        message.status, message.last_error = MessageStatus.SKIPPED, ADDRESSED_ELSEWHERE
    else:
        message.key = new_key
