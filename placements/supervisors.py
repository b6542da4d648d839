"""The supervisor register (werkbegeleiders) of each municipality: one record per person, so a
changed address is changed once for every placement, notice, evaluation and chase that names them.

Records are found by address within their municipality: naming a known address links to its
record and never renames it. Flush, never commit: the caller's transaction decides.
"""

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from core.errors import ValidationError
from core.field_rules import check_one_line, clean_address
from core.parsing import parse_id
from extensions import db
from outbox.models import OutboxMessage
from placements.models import InternshipOffer, Placement, PlacementStatus, Supervisor, new_feed_salt

# The placements a supervisor's feed shows and that keep it alive.
FEED_STATUSES = (PlacementStatus.CONFIRMED, PlacementStatus.ACTIVE)
NAME_MAX, PHONE_MAX, DEPARTMENT_MAX = 120, 40, 120
SUPERVISOR_LANGUAGE = "nl"  # supervisors have no account, so no language of their own


def register(municipality_id: int, *, active_only: bool = False) -> list[Supervisor]:
    query = sa.select(Supervisor).where(Supervisor.municipality_id == municipality_id)
    if active_only:
        query = query.where(Supervisor.is_active)
    return db.session.scalars(query.order_by(Supervisor.name, Supervisor.id)).all()


def find_by_address(municipality_id: int, email: str) -> Supervisor | None:
    return db.session.scalar(
        sa.select(Supervisor).where(Supervisor.municipality_id == municipality_id, Supervisor.email == email)
    )


def clean_details(values: dict, problems: dict, prefix: str = "supervisor_") -> dict:
    """Name (required), address (required), phone and department as a form or the API gave them;
    the fields are named `supervisor_name` etc. in the confirm form and the API, plain in the register."""

    def text(name: str, limit: int) -> str:
        value = str(values.get(prefix + name) or "").strip()
        check_one_line(value, prefix + name, problems)
        if len(value) > limit:
            problems.setdefault(prefix + name, _("Use at most %(n)d characters.", n=limit))
        return value

    name = text("name", NAME_MAX)
    if not name:
        problems.setdefault(prefix + "name", _("Required."))
    email = clean_address(values.get(prefix + "email"), prefix + "email", problems)
    return {
        "name": name,
        "email": email,
        "phone": text("phone", PHONE_MAX),
        "department": text("department", DEPARTMENT_MAX),
    }


def _raise(problems: dict) -> None:
    if problems:
        raise ValidationError(_("Please check the fields marked below."), problems)


def add(municipality_id: int, values: dict, prefix: str = "") -> Supervisor:
    """A new record; an address the register already has is a field error, not a second record."""
    problems: dict[str, str] = {}
    details = clean_details(values, problems, prefix)
    _raise(problems)
    supervisor = (
        None if find_by_address(municipality_id, details["email"]) else _insert(municipality_id, details)
    )
    if supervisor is None:  # in the list already, or added by someone else a moment ago
        _raise({prefix + "email": _("This supervisor is already in the list.")})
    return supervisor


def find_or_add(municipality_id: int, values: dict, prefix: str = "supervisor_") -> Supervisor:
    """The record of the address given (as it is: never renamed), or a new one with these details."""
    problems: dict[str, str] = {}
    details = clean_details(values, problems, prefix)
    _raise(problems)
    return find_by_address(municipality_id, details["email"]) or _add_or_find(municipality_id, details)


def _insert(municipality_id: int, details: dict) -> Supervisor | None:
    """A new record, or None when a concurrent request added this address a moment ago: the
    unique address refuses the second insert, and its savepoint keeps the rest of the transaction."""
    try:
        with db.session.begin_nested():
            supervisor = Supervisor(municipality_id=municipality_id, **details)
            db.session.add(supervisor)
        return supervisor
    except IntegrityError:
        return None


def _add_or_find(municipality_id: int, details: dict) -> Supervisor:
    """Add the record, or find the one a concurrent request added a moment ago."""
    return _insert(municipality_id, details) or find_by_address(municipality_id, details["email"])


def offer_supervisor_id(municipality_id: int, cleaned: dict, problems: dict) -> int | None:
    """An offer's supervisor "if known", from the offer's cleaned supervisor_* texts (taken out
    of `cleaned`): the record of the address, or a new one; none without an address."""
    name, email, phone = (cleaned.pop(f"supervisor_{part}") for part in ("name", "email", "phone"))
    if not email:
        if name:
            problems.setdefault("supervisor_email", _("Fill in the address too, or leave the name empty."))
        return None
    known = find_by_address(municipality_id, email)
    return (known or _add_or_find(municipality_id, {"name": name, "email": email, "phone": phone})).id


def chosen(municipality_id: int, supervisor_id, field: str = "supervisor_id") -> Supervisor:
    """An active record of this municipality by id; anything else is a field error."""
    pk = parse_id(supervisor_id)
    supervisor = db.session.get(Supervisor, pk) if pk is not None else None
    if supervisor is None or supervisor.municipality_id != municipality_id or not supervisor.is_active:
        raise ValidationError(
            _("Please check the fields marked below."), {field: _("Choose a supervisor from the list.")}
        )
    return supervisor


def for_confirmation(municipality_id: int, values: dict) -> Supervisor:
    """Confirming names the supervisor: one from the register (`supervisor_id`), or by name and
    address (found in the register by the address, or added to it)."""
    if values.get("supervisor_id") not in (None, "", 0, "0"):
        return chosen(municipality_id, values["supervisor_id"])
    supervisor = find_or_add(municipality_id, values)
    supervisor.is_active = True  # named again for a new intern: they supervise again
    return supervisor


def update(supervisor: Supervisor, values: dict, prefix: str = "") -> bool:
    """New details for a record; returns whether the address changed (mail then follows it)."""
    problems: dict[str, str] = {}
    details = clean_details(values, problems, prefix)
    if not problems and details["email"] != supervisor.email:
        other = find_by_address(supervisor.municipality_id, details["email"])
        if other is not None:
            problems[prefix + "email"] = _("Another supervisor in the list has this address.")
    _raise(problems)
    changed = details["email"] != supervisor.email
    for name, value in details.items():
        setattr(supervisor, name, value)
    if "is_active" in values:
        supervisor.is_active = bool(values["is_active"])
    db.session.flush()
    return changed


def addressed_to_supervisor(supervisor_id: int):
    """The messages to this supervisor: they have no account, so those of the placements they
    guide (their own, or the offer's supervisor standing in), as outbox/retry.py reads them."""
    guided = (
        sa.select(Placement.id)
        .join(InternshipOffer, InternshipOffer.id == Placement.offer_id)
        .where(
            sa.or_(
                Placement.supervisor_id == supervisor_id,
                sa.and_(Placement.supervisor_id.is_(None), InternshipOffer.supervisor_id == supervisor_id),
            )
        )
    )
    return sa.and_(OutboxMessage.recipient_user_id.is_(None), OutboxMessage.placement_id.in_(guided))


def reset_feed(supervisor: Supervisor) -> None:
    """A new secret for the supervisor's feed: the old link answers 404 from now on."""
    supervisor.feed_salt = new_feed_salt()
    db.session.flush()


def interns_of(supervisor_id: int) -> list[Placement]:
    """The confirmed and running placements the supervisor guides: what their feed shows."""
    return (
        db.session.scalars(
            sa.select(Placement)
            .where(Placement.supervisor_id == supervisor_id, Placement.status.in_(FEED_STATUSES))
            .order_by(Placement.id)
        )
        .unique()
        .all()
    )
