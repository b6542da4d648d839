"""What accounts tell the outbox at dispatch: a deactivated recipient gets no more mail."""

from datetime import datetime

from accounts.models import User
from outbox.kinds import records_by_id
from outbox.models import OutboxMessage


def recipient_deactivated(messages: list[OutboxMessage], _now: datetime) -> dict[int, str]:
    users = records_by_id(User, (m.recipient_user_id for m in messages))
    return {
        m.id: "recipient deactivated"
        for m in messages
        if m.recipient_user_id is not None
        and (m.recipient_user_id not in users or not users[m.recipient_user_id].is_active)
    }
