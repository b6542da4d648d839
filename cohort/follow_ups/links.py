"""The signed e-mail links of the follow-ups: the former trainee's answer link, and the employer's
link to confirm what the former trainee told.

A follow-up link names one trainee and one moment (3, 6 or 12 months). It works by local date,
from the moment's day through FOLLOW_UP_VALID_DAYS days after it (the chase carries a new link
with the same end), for a trainee whose data is not erased. A confirmation link names one
work outcome and the municipality contact it was sent to; it stops working when that contact is
deactivated or works for another municipality. Both are signed with the app's secret; a link of
another purpose (a placement's answer link, say) opens neither.
"""

from datetime import datetime

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from accounts.models import Role, User
from cohort.follow_ups import rules
from cohort.follow_ups.models import WorkOutcome
from cohort.models import Trainee
from core.urls import external_url
from extensions import db

FOLLOW_UP, CONFIRM = "follow-up", "confirm-work"
CONFIRM_VALID_DAYS = 30
# The signature's own limit: a follow-up link is made no earlier than its moment's day, so at most
# FOLLOW_UP_VALID_DAYS + 1 days before the end of its last day.
_MAX_AGE_DAYS = rules.FOLLOW_UP_VALID_DAYS + 1


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="follow-up-link")


def _claims(token: str, purpose: str, max_age_days: int) -> dict | None:
    try:
        data = _serializer().loads(token, max_age=max_age_days * 24 * 3600)
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(data, dict) or data.get("purpose") != purpose:
        return None
    return data


def moment_of(trainee: Trainee, months: int) -> rules.FollowUpMoment | None:
    """The trainee's follow-up at `months` after they left; None before they left."""
    if trainee.left_on is None:
        return None
    return rules.moment_at(trainee.left_on, months, current_app.config["TIMEZONE"])


def follow_up_url(trainee: Trainee, months: int) -> str:
    token = _serializer().dumps({"purpose": FOLLOW_UP, "trainee": trainee.id, "months": months})
    return external_url("follow_ups.answer", token=token)


def read_follow_up_link(token: str, now: datetime) -> tuple[Trainee, int] | None:
    """The trainee and moment a genuine follow-up link is for, while it still works; else None."""
    data = _claims(token, FOLLOW_UP, _MAX_AGE_DAYS)
    if (
        data is None
        or not isinstance(data.get("trainee"), int)
        or data.get("months") not in rules.FOLLOW_UP_MONTHS
    ):
        return None
    trainee = db.session.get(Trainee, data["trainee"])
    if trainee is None or trainee.erased_at is not None:
        return None
    moment = moment_of(trainee, data["months"])
    if moment is None or not moment.link_from <= now < moment.link_until:
        return None
    return trainee, data["months"]


def confirm_url(outcome: WorkOutcome, contact: User) -> str:
    token = _serializer().dumps({"purpose": CONFIRM, "outcome": outcome.id, "to": contact.id})
    return external_url("follow_ups.confirm", token=token)


def read_confirm_link(token: str) -> tuple[WorkOutcome, User] | None:
    """The work outcome and the contact a genuine confirmation link is for, while that contact
    still acts for the employer municipality; else None."""
    data = _claims(token, CONFIRM, CONFIRM_VALID_DAYS)
    if data is None or not isinstance(data.get("outcome"), int) or not isinstance(data.get("to"), int):
        return None
    outcome = db.session.get(WorkOutcome, data["outcome"])
    contact = db.session.get(User, data["to"])
    if outcome is None or contact is None or outcome.employer_municipality_id is None:
        return None
    trainee = db.session.get(Trainee, outcome.trainee_id)
    if trainee is None or trainee.erased_at is not None:
        return None
    acts = contact.is_active and contact.role == Role.MUNICIPALITY
    if not acts or contact.municipality_id != outcome.employer_municipality_id:
        return None
    return outcome, contact
