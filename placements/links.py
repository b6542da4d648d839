"""Signed e-mail links that let a municipality contact or a supervisor act on one placement
without logging in.

A link names one placement, one purpose ("answer", "evaluation-midterm", ...), the person it
was sent to and the placement's link generation; it is signed with the app's secret and
expires. It grants nothing else: the view that accepts it loads that placement only, and
checks that the action is still open. It stops working before it expires when its person no
longer acts for the placement (a contact deactivated or moved to another municipality; another
supervisor named, or the supervisor deactivated) and when a manager revokes the placement's
links (`revoke_links` raises the generation that every link carries).
"""

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from accounts.models import Role, User
from core.urls import external_url
from extensions import db
from placements.models import Placement

LINK_VALID_DAYS = 14
CONTACT, SUPERVISOR = "contact", "supervisor"


@dataclass(frozen=True)
class Recipient:
    """Whom a link was sent to: a municipality contact (a user) or a supervisor record."""

    kind: str  # CONTACT or SUPERVISOR
    id: int

    @classmethod
    def contact(cls, user: User) -> "Recipient":
        return cls(CONTACT, user.id)

    @classmethod
    def supervisor(cls, supervisor_id: int) -> "Recipient":
        return cls(SUPERVISOR, supervisor_id)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="placement-link")


def make_token(placement_id: int, purpose: str, recipient: Recipient, generation: int) -> str:
    return _serializer().dumps(
        {"placement": placement_id, "purpose": purpose, "to": [recipient.kind, recipient.id], "g": generation}
    )


def _claims(token: str, purpose: str, max_age_days: int) -> tuple[int, Recipient, int] | None:
    try:
        data = _serializer().loads(token, max_age=max_age_days * 24 * 3600)
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(data, dict) or data.get("purpose") != purpose:
        return None
    placement_id, to, generation = data.get("placement"), data.get("to"), data.get("g")
    if not (isinstance(placement_id, int) and isinstance(generation, int) and isinstance(to, list)):
        return None  # also every link made before links were bound to their recipient
    if len(to) != 2 or to[0] not in (CONTACT, SUPERVISOR) or not isinstance(to[1], int):
        return None
    return placement_id, Recipient(to[0], to[1]), generation


def acts_for(recipient: Recipient, placement: Placement) -> bool:
    """Whether the person a link was sent to still acts for the placement."""
    if recipient.kind == SUPERVISOR:
        supervisor = placement.acting_supervisor
        return supervisor is not None and supervisor.id == recipient.id and supervisor.is_active
    user = db.session.get(User, recipient.id)
    return (
        user is not None
        and user.is_active
        and user.role == Role.MUNICIPALITY
        and user.municipality_id == placement.offer.municipality_id
    )


def placement_of_link(token: str, purpose: str, max_age_days: int = LINK_VALID_DAYS) -> Placement | None:
    """The placement a genuine, unexpired link for `purpose` opens, if its person still acts for
    it and the placement's links were not revoked since it was made; None otherwise."""
    claims = _claims(token, purpose, max_age_days)
    if claims is None:
        return None
    placement_id, recipient, generation = claims
    placement = db.session.get(Placement, placement_id)
    if placement is None or placement.link_generation != generation or not acts_for(recipient, placement):
        return None
    return placement


def revoke_links(placement: Placement) -> None:
    """Every e-mail link made for the placement so far stops working (new mail carries new ones)."""
    placement.link_generation += 1


def answer_url(placement: Placement, contact: User) -> str:
    """The link in the proposal and its chases: `contact` confirms or declines without a password."""
    token = make_token(placement.id, "answer", Recipient.contact(contact), placement.link_generation)
    return external_url("placements.answer", token=token)
