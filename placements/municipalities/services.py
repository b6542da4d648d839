"""Municipalities, their internship offers, and places offered through the public page.

Every function takes plain values (a form's or a JSON body's), raises a ServiceError naming the
fields it refuses, flushes, and leaves the commit to its caller: the HTML views and the JSON API
call the same functions.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from accounts.models import Role, User
from accounts.services import create_user, find_user_by_email
from cohort.models import Cohort
from core import ratelimit
from core.clock import local_today, utcnow
from core.errors import ConflictError, ValidationError
from core.field_rules import check_one_line, clean_address
from core.text_rules import mail_address
from core.urls import external_url
from extensions import db
from outbox.queue import queue_message
from placements import supervisors
from placements.models import InternshipOffer, Municipality, OfferSubmission, SubmissionStatus

PROVINCES = (
    "Drenthe",
    "Flevoland",
    "Fryslân",
    "Gelderland",
    "Groningen",
    "Limburg",
    "Noord-Brabant",
    "Noord-Holland",
    "Overijssel",
    "Utrecht",
    "Zeeland",
    "Zuid-Holland",
)
CBS_CODE = re.compile(r"GM[0-9]{4}")
MAX_PLACES = 50
# The public page: at most this many offers per sender address within the window.
SUBMISSION_LIMIT = 5
SUBMISSION_WINDOW = timedelta(hours=1)
# The public page offers cohorts that start later, or started at most this long ago.
OPEN_COHORT_WINDOW = timedelta(weeks=8)


@dataclass
class SubmissionThrottled(Exception):
    """Too many offers from one address; `retry_after` says how long until the next may come."""

    retry_after: timedelta


# --- Reading plain values -------------------------------------------------------------


def _text(values: dict, name: str, max_length: int, problems: dict, required: bool = False) -> str:
    value = values.get(name)
    if value is None:
        value = ""
    if not isinstance(value, str):
        problems[name] = _("Use text.")
        return ""
    value = value.strip()
    if required and not value:
        problems[name] = _("Required.")
    elif len(value) > max_length:
        problems[name] = _("Use at most %(n)d characters.", n=max_length)
    else:
        check_one_line(value, name, problems)
    return value


def _email(values: dict, name: str, problems: dict, required: bool = False) -> str:
    value = _text(values, name, 254, problems, required)
    if value and name not in problems:
        value = clean_address(value, name, problems)
    return value


def _phone(values: dict, name: str, problems: dict) -> str:
    value = _text(values, name, 40, problems)
    if name not in problems and any(ch not in "0123456789+-() " for ch in value):
        problems[name] = _("Use digits, spaces and + - ( ) only.")
    return value


def _places(value, problems: dict, minimum: int = 1) -> int:
    if value is None or value == "":
        problems["places"] = _("Required.")
        return 0
    is_number = isinstance(value, int) or (isinstance(value, str) and value.strip().isdecimal())
    if isinstance(value, bool) or not is_number:
        problems["places"] = _("Use a whole number.")
        return 0
    places = int(value)
    if not 1 <= places <= MAX_PLACES:
        problems["places"] = _("Choose a number from 1 to %(n)d.", n=MAX_PLACES)
    elif places < minimum:
        problems["places"] = _("%(n)d places are already taken. Choose %(n)d or more.", n=minimum)
    return places


def _date(values: dict, name: str, problems: dict) -> date | None:
    value = values.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    problems[name] = _("Use a real date, as YYYY-MM-DD.")
    return None


def _cohort(values: dict, problems: dict) -> Cohort | None:
    value = values.get("cohort_id")
    if value is None or value == "":
        return None
    cohort = None
    if not isinstance(value, bool) and str(value).strip().isdecimal():
        cohort = db.session.get(Cohort, int(value))
    if cohort is None:
        problems["cohort_id"] = _("Unknown group.")
    return cohort


def _refuse(problems: dict) -> None:
    if problems:
        raise ValidationError(_("Please check the fields marked below."), problems)


# --- Municipalities ------------------------------------------------------------------


def clean_municipality_values(values: dict) -> dict:
    """name, cbs_code (stored upper-case), province (one of the 12) and address, checked."""
    problems: dict[str, str] = {}
    cleaned = {
        "name": _text(values, "name", 120, problems, required=True),
        "cbs_code": _text(values, "cbs_code", 20, problems, required=True).upper(),
        "province": _text(values, "province", 40, problems, required=True),
        "address": _text(values, "address", 200, problems),
    }
    if "cbs_code" not in problems and not CBS_CODE.fullmatch(cleaned["cbs_code"]):
        problems["cbs_code"] = _("Use GM and four digits, like GM0344.")
    if "province" not in problems and cleaned["province"] not in PROVINCES:
        problems["province"] = _("Choose one of the 12 provinces.")
    _refuse(problems)
    return cleaned


def _cbs_code_taken(existing: Municipality | None) -> ConflictError:
    """The code is another municipality's (the register holds every current one): the error names
    it, and API clients get its id (`existing_id`) to link to it instead."""
    if existing is None:  # saved by someone else between the check and the flush
        return ConflictError(
            _("Another municipality already has this CBS code."), {"cbs_code": _("Already in use.")}
        )
    return ConflictError(
        _("%(name)s already has this CBS code.", name=existing.name),
        {"cbs_code": _("Already in use by %(name)s.", name=existing.name)},
        details={"existing_id": existing.id},
    )


def _save_municipality(municipality: Municipality, cleaned: dict) -> Municipality:
    others = sa.select(Municipality).where(Municipality.cbs_code == cleaned["cbs_code"])
    if municipality.id is not None:
        others = others.where(Municipality.id != municipality.id)
    if (existing := db.session.scalar(others)) is not None:
        raise _cbs_code_taken(existing)
    for name, value in cleaned.items():
        setattr(municipality, name, value)
    db.session.add(municipality)
    try:
        db.session.flush()
    except IntegrityError as error:
        raise _cbs_code_taken(None) from error
    return municipality


def create_municipality(values: dict) -> Municipality:
    """Keys: name, cbs_code, province, address. A CBS code in use raises ConflictError (cbs_code)."""
    return _save_municipality(Municipality(), clean_municipality_values(values))


def update_municipality(municipality: Municipality, values: dict) -> Municipality:
    return _save_municipality(municipality, clean_municipality_values(values))


def municipality_overview(scoped: sa.Select) -> list[sa.Row]:
    """(Municipality, offers, free places, contacts) for every municipality in scope, in one query."""
    contacts = (
        sa.select(sa.func.count(User.id))
        .where(User.municipality_id == Municipality.id, User.role == Role.MUNICIPALITY, User.is_active)
        .scalar_subquery()
    )
    free = sa.func.coalesce(sa.func.sum(InternshipOffer.places - InternshipOffer.places_taken), 0)
    query = (
        scoped.add_columns(sa.func.count(InternshipOffer.id), free, contacts)
        .outerjoin(InternshipOffer, InternshipOffer.municipality_id == Municipality.id)
        .group_by(Municipality.id)
        .order_by(Municipality.name)
    )
    return db.session.execute(query).all()


# --- Internship offers ---------------------------------------------------------------

OFFER_TEXT_FIELDS = {"department": 120, "address": 200, "supervisor_name": 120}


def _check_period(cleaned: dict, problems: dict) -> None:
    start, end = cleaned["period_start"], cleaned["period_end"]
    if problems.keys() & {"cohort_id", "period_start", "period_end"}:
        return
    if (start is None) != (end is None):
        problems["period_end" if end is None else "period_start"] = _("Required.")
    elif start is not None and end < start:
        problems["period_end"] = _("The last day must not be before the first day.")
    elif start is None and cleaned["cohort_id"] is None:
        problems["cohort_id"] = _("Choose a group, or fill in the first and last day.")


def clean_offer_values(values: dict, places_taken: int = 0) -> dict:
    """An offer's fields from plain values: places (1..50, not below those taken) and a cohort
    (cohort_id) or a period (period_start and period_end, ISO dates), the rest optional."""
    problems: dict[str, str] = {}
    cleaned = {name: _text(values, name, n, problems) for name, n in OFFER_TEXT_FIELDS.items()}
    cleaned["supervisor_email"] = _email(values, "supervisor_email", problems)
    cleaned["supervisor_phone"] = _phone(values, "supervisor_phone", problems)
    cleaned["places"] = _places(values.get("places"), problems, minimum=max(places_taken, 1))
    cohort = _cohort(values, problems)
    cleaned["cohort_id"] = cohort.id if cohort else None
    cleaned["period_start"] = _date(values, "period_start", problems)
    cleaned["period_end"] = _date(values, "period_end", problems)
    _check_period(cleaned, problems)
    _refuse(problems)
    return cleaned


def _with_supervisor(municipality: Municipality, cleaned: dict) -> dict:
    """The offer's supervisor texts as a record of the municipality's register (supervisor_id)."""
    problems: dict[str, str] = {}
    if municipality.id is None:
        db.session.flush()  # a municipality made in this transaction
    cleaned["supervisor_id"] = supervisors.offer_supervisor_id(municipality.id, cleaned, problems)
    _refuse(problems)
    return cleaned


def create_offer(municipality: Municipality, values: dict) -> InternshipOffer:
    """Keys: places (required), cohort_id or period_start/period_end, department, address,
    supervisor_name, supervisor_email, supervisor_phone (found in or added to the register)."""
    offer = InternshipOffer(
        municipality=municipality, **_with_supervisor(municipality, clean_offer_values(values))
    )
    db.session.add(offer)
    db.session.flush()
    return offer


def update_offer(offer: InternshipOffer, values: dict) -> InternshipOffer:
    """Change an offer; its places never go below the places already taken."""
    cleaned = _with_supervisor(
        offer.municipality, clean_offer_values(values, places_taken=offer.places_taken)
    )
    # Conditional, so a place confirmed meanwhile cannot end up above the new number.
    changed = db.session.execute(
        sa.update(InternshipOffer)
        .where(InternshipOffer.id == offer.id, InternshipOffer.places_taken <= cleaned["places"])
        .values(places=cleaned["places"]),
        execution_options={"synchronize_session": False},
    )
    if changed.rowcount != 1:
        raise ValidationError(
            _("Please check the fields marked below."),
            {"places": _("More places are taken now. Reload the page and try again.")},
        )
    for name, value in cleaned.items():
        setattr(offer, name, value)
    db.session.flush()
    return offer


def add_place(offer: InternshipOffer) -> None:
    """One more place on an offer: the municipality's contact does this in the portal when they
    want to take one more intern than they offered (up to MAX_PLACES)."""
    changed = db.session.execute(
        sa.update(InternshipOffer)
        .where(InternshipOffer.id == offer.id, InternshipOffer.places < MAX_PLACES)
        .values(places=InternshipOffer.places + 1),
        execution_options={"synchronize_session": False},
    )
    if changed.rowcount != 1:
        raise ConflictError(_("An offer has at most %(n)d places.", n=MAX_PLACES))
    db.session.refresh(offer)


# --- Offers from the public page -------------------------------------------------------

SUBMISSION_TEXT_FIELDS = {
    "organisation": (120, True),
    "contact_name": (120, True),
    "period": (120, False),
    "department": (120, False),
    "address": (200, False),
    "supervisor": (200, False),
}


def open_cohorts(today: date | None = None) -> list[Cohort]:
    """Cohorts a municipality may offer places for: starting later, or at most 8 weeks ago."""
    since = (today or local_today()) - OPEN_COHORT_WINDOW
    return db.session.scalars(
        sa.select(Cohort).where(Cohort.start_date >= since).order_by(Cohort.start_date)
    ).all()


def count_submission(sender_address: str, now: datetime) -> None:
    """Count this offer from the address before anything of it is saved, under the limiter's lock
    (core/ratelimit.py), so that parallel submissions get no more through than the limit. A refused
    form (the caller rolls back) does not count."""
    key = ratelimit.limit_key("offer:address", sender_address)
    try:
        ratelimit.hit(key, SUBMISSION_LIMIT, SUBMISSION_WINDOW, now)
    except ratelimit.RateLimited as refused:
        raise SubmissionThrottled(retry_after=refused.retry_after) from None


def _clean_submission(values: dict, today: date) -> dict:
    problems: dict[str, str] = {}
    cleaned = {
        name: _text(values, name, n, problems, required)
        for name, (n, required) in SUBMISSION_TEXT_FIELDS.items()
    }
    cleaned["contact_email"] = _email(values, "contact_email", problems, required=True)
    cleaned["places"] = _places(values.get("places"), problems)
    cohort = _cohort(values, problems)
    if cohort is not None and cohort.start_date < today - OPEN_COHORT_WINDOW:
        problems["cohort_id"] = _("Choose a group from the list.")
    cleaned["cohort_id"] = cohort.id if cohort else None
    if cohort is None and not cleaned["period"] and "period" not in problems:
        problems["period"] = _("Choose a group, or say in which period.")
    _refuse(problems)
    return cleaned


def _mail_sender(submission: OfferSubmission, kind: str, template: str, **extra) -> None:
    cohort = db.session.get(Cohort, submission.cohort_id) if submission.cohort_id else None
    context = {"submission": submission, "cohort": cohort, **extra}
    queue_message(
        kind=kind,
        key=f"{kind}:{submission.id}",
        recipient=submission.contact_email,
        subject=render_template(f"mail/{template}_subject.txt", **context).strip(),
        body_text=render_template(f"mail/{template}.txt", **context),
        body_html=render_template(f"mail/{template}.html", **context),
    )


def submit_offer(values: dict, sender_address: str, now: datetime | None = None) -> OfferSubmission:
    """Save an offer from the public page as pending and queue the confirmation to the sender.

    Raises SubmissionThrottled after SUBMISSION_LIMIT offers from this address within the hour.
    """
    now = now or utcnow()
    sender_address = sender_address[:64]
    count_submission(sender_address, now)
    submission = OfferSubmission(
        **_clean_submission(values, local_today()), sender_address=sender_address, created_at=now
    )
    db.session.add(submission)
    db.session.flush()
    _mail_sender(submission, "offer_received", "offer_received")
    return submission


# --- Deciding on offered places (managers) ---------------------------------------------

EMAIL_IN_TEXT = re.compile(r"[^\s,;:<>()]+@[^\s,;:<>()]+")
PHONE_IN_TEXT = re.compile(r"\+?[0-9][0-9 ()-]{6,}[0-9]")


def split_supervisor(text: str) -> dict:
    """The public page asks for the supervisor in one field: find an e-mail address and a phone
    number in it; the rest is the name."""
    found = {"supervisor_email": "", "supervisor_phone": ""}
    email = EMAIL_IN_TEXT.search(text)
    if email:
        address = mail_address(email.group())
        if address:
            found["supervisor_email"] = address
            text = text.replace(email.group(), " ")
    phone = PHONE_IN_TEXT.search(text)
    if phone and len(phone.group()) <= 40:
        found["supervisor_phone"] = phone.group()
        text = text.replace(phone.group(), " ")
    name = " ".join(text.split()).strip(" ,;:/-")
    return {"supervisor_name": name[:120], **found}


def _decide(submission: OfferSubmission, status: SubmissionStatus) -> None:
    """Compare-and-set: of two managers deciding at once, only one gets the pending submission."""
    decided_at = utcnow()
    result = db.session.execute(
        sa.update(OfferSubmission)
        .where(OfferSubmission.id == submission.id, OfferSubmission.status == SubmissionStatus.PENDING)
        .values(status=status, decided_at=decided_at),
        execution_options={"synchronize_session": False},
    )
    if result.rowcount != 1:
        raise ConflictError(_("This offer has already been handled."), {"status": _("Already handled.")})
    submission.status, submission.decided_at = status, decided_at


def _approval_values(submission: OfferSubmission, values: dict) -> tuple[Municipality | None, dict, dict]:
    """The existing municipality (or the new one's values) and the offer's values, all checked."""
    problems: dict[str, str] = {}
    municipality, new_municipality, offer_values = None, {}, {}
    chosen = values.get("municipality_id")
    if chosen is not None and chosen != "":
        if not isinstance(chosen, bool) and str(chosen).strip().isdecimal():
            municipality = db.session.get(Municipality, int(chosen))
        if municipality is None:
            problems["municipality_id"] = _("Unknown municipality.")
    else:
        try:
            new_municipality = clean_municipality_values({**values, "address": ""})
        except ValidationError as error:
            problems.update(error.fields)
    offer_input = {
        **{name: values.get(name) for name in ("cohort_id", "period_start", "period_end")},
        **split_supervisor(submission.supervisor),
        "places": submission.places,
        "department": submission.department,
        "address": submission.address,
    }
    try:
        offer_values = clean_offer_values(offer_input)
    except ValidationError as error:
        problems.update(error.fields)
    _refuse(problems)
    return municipality, new_municipality, offer_values


def _domain(address: str) -> str:
    return address.rpartition("@")[2].lower()


def contact_domains() -> dict[int, set[str]]:
    """Per municipality, the domains of its active contact persons' addresses (one query)."""
    found: dict[int, set[str]] = {}
    rows = db.session.execute(
        sa.select(User.municipality_id, User.email).where(
            User.role == Role.MUNICIPALITY, User.is_active, User.municipality_id.is_not(None)
        )
    )
    for municipality_id, email in rows:
        found.setdefault(municipality_id, set()).add(_domain(email))
    return found


def foreign_domains(submission: OfferSubmission, domains: set[str]) -> list[str]:
    """The contacts' domains when the sender's address is not among them (anyone can type a
    municipality's name on the public page); empty when it fits or there are no contacts yet."""
    return sorted(domains) if domains and _domain(submission.contact_email) not in domains else []


def _invite_contact(submission: OfferSubmission, municipality: Municipality) -> bool:
    """Give the contact an account for this municipality, unless the address has one already."""
    if find_user_by_email(submission.contact_email) is not None:
        return False
    create_user(
        email=submission.contact_email,
        name=submission.contact_name,
        role=Role.MUNICIPALITY,
        municipality_id=municipality.id,
    )
    return True


def approve_submission(submission: OfferSubmission, values: dict) -> InternshipOffer:
    """Accept offered places: link them to an existing municipality (municipality_id) or a new
    one (name, cbs_code, province), make the offer (cohort_id or period_start/period_end), and
    invite the sender as its contact (unless invite_sender is false). Nothing is kept when any step
    is refused: the caller rolls back."""
    municipality, new_municipality, offer_values = _approval_values(submission, values)
    _decide(submission, SubmissionStatus.APPROVED)
    if municipality is None:
        municipality = _save_municipality(Municipality(), new_municipality)
    offer = InternshipOffer(municipality=municipality, **_with_supervisor(municipality, offer_values))
    db.session.add(offer)
    db.session.flush()
    submission.municipality_id, submission.offer_id = municipality.id, offer.id
    invited = _invite_contact(submission, municipality) if values.get("invite_sender", True) else False
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        _mail_sender(
            submission,
            "offer_approved",
            "offer_received_approved",
            municipality=municipality,
            invited=invited,
            login_url=external_url("accounts.login"),
        )
    return offer


def reject_submission(submission: OfferSubmission, reason: str) -> None:
    """Refuse offered places; the sender gets the reason by e-mail."""
    problems: dict[str, str] = {}
    reason = _text({"reason": reason}, "reason", 500, problems, required=True)
    _refuse(problems)
    _decide(submission, SubmissionStatus.REJECTED)
    submission.rejection_reason = reason
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        _mail_sender(submission, "offer_rejected", "offer_received_rejected")
