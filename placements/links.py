"""Signed e-mail links that let a municipality contact act on one placement without logging in.

A link names one placement and one purpose ("answer", "evaluation-midterm", ...); it is signed
with the app's secret and expires. It grants nothing else: the view that accepts it loads that
placement only, and checks that the action is still open.
"""

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from core.urls import external_url

LINK_VALID_DAYS = 14


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="placement-link")


def make_token(placement_id: int, purpose: str) -> str:
    return _serializer().dumps({"placement": placement_id, "purpose": purpose})


def read_token(token: str, purpose: str, max_age_days: int = LINK_VALID_DAYS) -> int | None:
    """The placement id the token was made for, if it is genuine, unexpired and for `purpose`."""
    try:
        data = _serializer().loads(token, max_age=max_age_days * 24 * 3600)
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(data, dict) or data.get("purpose") != purpose:
        return None
    placement_id = data.get("placement")
    return placement_id if isinstance(placement_id, int) else None


def answer_url(placement_id: int) -> str:
    return external_url("placements.answer", token=make_token(placement_id, "answer"))
