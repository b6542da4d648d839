"""What accounts tell the outbox: a deactivated recipient gets no more mail, nor a kind they turned
off; and a user's mail goes to the address the account has now (accounts/unsubscribe.py has the
link that turns a kind off)."""

from datetime import datetime

from accounts.models import User
from accounts.unsubscribe import OPTIONAL_KINDS, wants
from outbox.kinds import records_by_id
from outbox.models import OutboxMessage


def recipient_declines(messages: list[OutboxMessage], _now: datetime) -> dict[int, str]:
    users = records_by_id(User, (m.recipient_user_id for m in messages))
    reasons = {}
    for m in messages:
        if m.recipient_user_id is None:
            continue
        user = users.get(m.recipient_user_id)
        if user is None or not user.is_active:
            reasons[m.id] = "recipient deactivated"
        elif m.kind in OPTIONAL_KINDS and not wants(user, m.kind):
            reasons[m.id] = "recipient turned this kind of mail off"
    return reasons


def user_addresses(messages: list[OutboxMessage]) -> dict[int, str]:
    """A message to a user goes to the address the account has now."""
    users = records_by_id(User, (m.recipient_user_id for m in messages))
    return {m.id: users[m.recipient_user_id].email for m in messages if m.recipient_user_id in users}
