"""Turning an optional kind of mail off from the mail itself, without logging in (RFC 8058).

Optional mail (session reminders, the weekly digest) carries a `List-Unsubscribe` header with a
signed link for its recipient and kind, and `List-Unsubscribe-Post`, so a mail provider's
"unsubscribe" button turns that kind off with one POST. The link keeps working (a mail can be read
long after it was sent); it opens nothing but this one choice of this one user. The same choice
is on "Mijn account".
"""

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from accounts.models import User
from core.urls import external_url
from extensions import db

# The kinds of mail a user may turn off, and the preference that does it. The kinds are the
# reminders' names (reminders/rules.py); tests/test_unsubscribe.py checks that they agree.
OPTIONAL_KINDS = {"session_reminder": "wants_session_reminders", "weekly_digest": "wants_digest"}
ONE_CLICK = "List-Unsubscribe=One-Click"  # the body a mail provider posts (RFC 8058)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="unsubscribe")


def unsubscribe_url(user_id: int, kind: str) -> str:
    token = _serializer().dumps([user_id, kind])
    return external_url("accounts.unsubscribe", token=token)


def read_token(token: str) -> tuple[User, str] | None:
    """The user and kind a link is for; None for a link that is not ours or no longer applies."""
    try:
        user_id, kind = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    return (user, kind) if user is not None and kind in OPTIONAL_KINDS else None


def wants(user: User, kind: str) -> bool:
    return getattr(user, OPTIONAL_KINDS[kind])


def set_wanted(user: User, kind: str, wanted: bool) -> None:
    setattr(user, OPTIONAL_KINDS[kind], wanted)
    db.session.flush()


def unsubscribe_link(message) -> str | None:
    """The link for an outbox message's List-Unsubscribe header (outbox/kinds.py asks)."""
    if message.kind not in OPTIONAL_KINDS or message.recipient_user_id is None:
        return None
    return unsubscribe_url(message.recipient_user_id, message.kind)
