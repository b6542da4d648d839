"""What accounts tell the outbox at dispatch: a deactivated recipient gets no more mail."""

from datetime import datetime

from accounts.models import User
from outbox.kinds import refuse_unless
from outbox.models import OutboxMessage


def recipient_deactivated(messages: list[OutboxMessage], _now: datetime) -> dict[int, str]:
    return refuse_unless(
        messages, "recipient_user_id", User, lambda user: user.is_active, "recipient deactivated"
    )
