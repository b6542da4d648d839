"""Placement rules: proposing, answering (confirm or decline), withdrawing, starting and ending.

Capacity is enforced in the database transaction: confirming takes a place with one conditional
UPDATE (`places_taken = places_taken + 1 WHERE places_taken < places`), which the database runs
atomically; a CHECK constraint backs it up, and a partial unique index allows one open placement
per trainee per cohort. Two confirmations for the last place: exactly one UPDATE matches.
"""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from accounts.models import Role, User
from cohort import planning
from cohort.models import Cohort, CohortPhase, Trainee, TraineeStatus
from core.clock import utcnow
from core.errors import ConflictError, ValidationError
from core.field_rules import check_one_line
from extensions import db
from outbox.models import OutboxMessage
from outbox.queue import queue_message
from outbox.retry import addressed_by_placement, follow_new_address
from placements import links, supervisors
from placements.matching import (
    OfferOption,
    ProvinceNeed,
    Suggestion,
    needs_by_province,
    rank_offers,
    working_days_until,
)
from placements.models import (
    OPEN_STATUSES,
    PLACE_TAKING_STATUSES,
    InternshipOffer,
    Municipality,
    Placement,
    PlacementEvent,
    PlacementStatus,
)
from placements.schedule import intern_days
from placements.supervisor_feed import supervisor_feed_url

ALLOWED_MOVES = {
    PlacementStatus.PROPOSED: {
        PlacementStatus.CONFIRMED,
        PlacementStatus.DECLINED,
        PlacementStatus.WITHDRAWN,
    },
    PlacementStatus.CONFIRMED: {PlacementStatus.ACTIVE, PlacementStatus.ENDED_EARLY},
    PlacementStatus.ACTIVE: {PlacementStatus.COMPLETED, PlacementStatus.ENDED_EARLY},
}


def _move(
    placement: Placement, to_status: str, actor: User | None, actor_label: str = "", reason: str = ""
) -> None:
    """Change the state and record who, when and why."""
    if to_status not in ALLOWED_MOVES.get(placement.status, set()):
        raise ConflictError(
            _("This placement has already been answered or ended."),
            {"status": _("Now: %(status)s", status=placement.status)},
        )
    placement.events.append(
        PlacementEvent(
            from_status=placement.status,
            to_status=to_status,
            actor_id=actor.id if actor else None,
            actor_label=actor_label or (actor.name if actor else ""),
            reason=reason[:500],
        )
    )
    placement.status = to_status


PROPOSAL_KIND = "placement_proposal"


def _contacts(municipality_id: int) -> list[User]:
    return db.session.scalars(
        sa.select(User).where(
            User.role == Role.MUNICIPALITY, User.municipality_id == municipality_id, User.is_active
        )
    ).all()


def has_contact(municipality_id: int) -> bool:
    """Whether the municipality has an active contact person, who can be asked about a proposal."""
    return bool(_contacts(municipality_id))


def ask_waiting_proposals() -> int:
    """Open proposals that no contact was asked about yet, because the municipality had no contact
    person when they were made: ask the contacts it has now. The scheduler runs this every minute,
    so a proposal goes out within a minute of its municipality's first contact. Returns how many."""
    asked = sa.exists().where(
        OutboxMessage.kind == PROPOSAL_KIND,
        OutboxMessage.key.like(sa.literal(f"{PROPOSAL_KIND}:") + sa.cast(Placement.id, sa.String) + ":%"),
    )
    has_a_contact = sa.exists().where(
        User.role == Role.MUNICIPALITY,
        User.is_active,
        User.municipality_id == InternshipOffer.municipality_id,
    )
    waiting = db.session.scalars(
        sa.select(Placement)
        .join(InternshipOffer, InternshipOffer.id == Placement.offer_id)
        .join(Trainee, Trainee.id == Placement.trainee_id)
        .where(
            Placement.status == PlacementStatus.PROPOSED,
            Trainee.status != TraineeStatus.WITHDRAWN,
            has_a_contact,
            ~asked,
        )
    ).all()
    for placement in waiting:
        _mail_proposal(placement)
    return len(waiting)


def _mail_proposal(placement: Placement) -> None:
    """Ask every contact of the municipality to answer, with a link that needs no password."""
    for contact in _contacts(placement.offer.municipality_id):
        with force_locale(contact.language):
            context = {
                "placement": placement,
                "contact": contact,
                "url": links.answer_url(placement, contact),
            }
            queue_message(
                kind=PROPOSAL_KIND,
                key=f"{PROPOSAL_KIND}:{placement.id}:{contact.id}",
                recipient=contact.email,
                recipient_user_id=contact.id,
                placement_id=placement.id,
                language=contact.language,  # the language it is written in, for the log's marker too
                subject=render_template("mail/proposal_subject.txt", **context).strip(),
                body_text=render_template("mail/proposal.txt", **context),
                body_html=render_template("mail/proposal.html", **context),
            )


def propose(trainee: Trainee, offer: InternshipOffer, actor: User) -> Placement:
    """Propose a trainee for an offer with a free place; the municipality is asked by e-mail."""
    if trainee.status in (TraineeStatus.WITHDRAWN, TraineeStatus.COMPLETED):
        raise ValidationError(_("This trainee is not active."), {"trainee_id": _("Not active.")})
    if offer.cohort_id is not None and offer.cohort_id != trainee.cohort_id:
        raise ValidationError(_("This offer is for another group."), {"offer_id": _("Another group.")})
    if offer.places_free <= 0:
        raise ConflictError(_("This offer has no free place."), {"offer_id": _("No free place.")})
    if has_open_placement(trainee):
        raise ConflictError(
            _("This trainee already has a proposal or a place."), {"trainee_id": _("Already placed.")}
        )
    placement = Placement(
        trainee_id=trainee.id, offer=offer, cohort_id=trainee.cohort_id, workplace_address=offer.address
    )
    placement.events.append(
        PlacementEvent(to_status=PlacementStatus.PROPOSED, actor_id=actor.id, actor_label=actor.name)
    )
    db.session.add(placement)
    _flush_or_conflict()
    _mail_proposal(placement)
    return placement


def has_open_placement(trainee: Trainee) -> bool:
    return (
        db.session.scalar(
            sa.select(sa.func.count(Placement.id)).where(
                Placement.trainee_id == trainee.id,
                Placement.cohort_id == trainee.cohort_id,
                Placement.status.in_(OPEN_STATUSES),
            )
        )
        > 0
    )


def _flush_or_conflict() -> None:
    """The database's own rules (unique index, CHECK) surface as a 409, not a 500."""
    try:
        db.session.flush()
    except IntegrityError as error:
        raise ConflictError(_("Someone else changed this at the same moment. Try again."), {}) from error


def default_weekdays(cohort: Cohort) -> tuple[int, ...]:
    """The training weekdays, never the return day."""
    settings = cohort.plan_settings()
    return tuple(d for d in settings.training_weekdays if d != settings.return_weekday)


def update_supervisor(placement: Placement, values: dict) -> int:
    """A manager corrects the placement's supervisor (after a bounce, say), with the fields
    supervisor_name, supervisor_email and supervisor_phone. The record itself changes, so every
    placement, notice and evaluation of this person follows; an address that another record of
    the register has makes the placement name that record instead. Mail still waiting goes to the
    new address, mail that bounced is sent again to it; returns how many bounced go again."""
    problems: dict[str, str] = {}
    details = supervisors.clean_details(values, problems)
    if problems:
        raise ValidationError(_("Please check the fields marked below."), problems)
    record = placement.acting_supervisor
    known = supervisors.find_by_address(placement.offer.municipality_id, details["email"])
    if record is None or (known is not None and known.id != record.id):
        placement.supervisor_record = supervisors.find_or_add(placement.offer.municipality_id, values)
        db.session.flush()
        return follow_new_address(addressed_by_placement(placement.id))
    if supervisors.update(record, values, prefix="supervisor_"):
        return follow_new_address(supervisors.addressed_to_supervisor(record.id))
    return 0


def _clean_confirmation(placement: Placement, values: dict) -> dict:
    problems = {}
    check_one_line(str(values.get("workplace_address") or ""), "workplace_address", problems)
    weekdays = values.get("weekdays")
    try:
        days = planning.parse_weekdays(weekdays) if weekdays else default_weekdays(placement.trainee.cohort)
    except (ValueError, TypeError, AttributeError):
        days, problems["weekdays"] = (), _("Use weekdays as mon, tue, wed, thu, fri.")
    return_day = placement.trainee.cohort.plan_settings().return_weekday
    if return_day in days:
        problems["weekdays"] = _("Not on the return day: then the intern is at the training.")
    elif not days or any(d > 4 for d in days):
        problems.setdefault("weekdays", _("Choose at least one day, Monday to Friday."))
    try:  # last: it may add a record to the register, which only a valid answer should do
        supervisor = supervisors.for_confirmation(placement.offer.municipality_id, values)
    except ValidationError as error:
        problems.update(error.fields)
    if problems:
        raise ValidationError(_("Please check the fields marked below."), problems)
    return {
        "supervisor_record": supervisor,
        "workplace_address": str(values.get("workplace_address") or placement.offer.address).strip()[:200],
        "weekdays": ",".join(planning.weekday_code(d) for d in days),
    }


def _take_place(offer_id: int) -> None:
    taken = db.session.execute(
        sa.update(InternshipOffer)
        .where(InternshipOffer.id == offer_id, InternshipOffer.places_taken < InternshipOffer.places)
        .values(places_taken=InternshipOffer.places_taken + 1)
    )
    if taken.rowcount != 1:
        raise ConflictError(
            _("There is no free place left on this offer."), {"offer_id": _("No free place.")}
        )


def confirm(placement: Placement, values: dict, actor: User | None, actor_label: str = "") -> None:
    """The municipality says yes and names the supervisor; this takes one of the offer's places."""
    fields = _clean_confirmation(placement, values)
    _take_place(placement.offer_id)
    _move(placement, PlacementStatus.CONFIRMED, actor, actor_label)
    for name, value in fields.items():
        setattr(placement, name, value)
    placement.answered_at = utcnow()
    _flush_or_conflict()
    _mail_supervisor(placement)


SUPERVISOR_CONFIRMED_KIND = "supervisor_confirmed"


def _mail_supervisor(placement: Placement) -> None:
    """Tell the supervisor whom they guide and when, with the link of their own calendar feed.
    The message names the placement, so it goes to the address the record has at sending."""
    supervisor = placement.supervisor_record
    with force_locale(supervisors.SUPERVISOR_LANGUAGE):
        context = {
            "placement": placement,
            "supervisor": supervisor,
            "days": intern_days([placement])[placement.id],
            "feed_url": supervisor_feed_url(supervisor),
        }
        queue_message(
            kind=SUPERVISOR_CONFIRMED_KIND,
            key=f"{SUPERVISOR_CONFIRMED_KIND}:{placement.id}:{supervisor.id}",
            recipient=supervisor.email,
            placement_id=placement.id,
            trainee_id=placement.trainee_id,
            language=supervisors.SUPERVISOR_LANGUAGE,
            subject=render_template("mail/supervisor_confirmed_subject.txt", **context).strip(),
            body_text=render_template("mail/supervisor_confirmed.txt", **context),
            body_html=render_template("mail/supervisor_confirmed.html", **context),
        )


def decline(placement: Placement, reason: str, actor: User | None, actor_label: str = "") -> None:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Please give a reason."), {"reason": _("Required.")})
    _move(placement, PlacementStatus.DECLINED, actor, actor_label, reason)
    placement.answered_at = utcnow()


def withdraw(placement: Placement, reason: str, actor: User) -> None:
    """The manager takes a proposal back; the trainee is free for a new one."""
    _move(placement, PlacementStatus.WITHDRAWN, actor, reason=(reason or "").strip())


def revoke_email_links(placement: Placement, actor: User) -> None:
    """Every e-mail link of the placement stops working at once (a proposal forwarded to the
    wrong person, a mailbox that others read); the history says who did it. Mail sent from now
    on carries new links, and contacts can still answer in the portal."""
    links.revoke_links(placement)
    placement.events.append(
        PlacementEvent(
            from_status=placement.status,
            to_status=placement.status,
            actor_id=actor.id,
            actor_label=actor.name,
            reason=_("E-mail links revoked"),
        )
    )


def _free_place(offer_id: int) -> None:
    db.session.execute(
        sa.update(InternshipOffer)
        .where(InternshipOffer.id == offer_id)
        .values(places_taken=InternshipOffer.places_taken - 1)
    )


def end(placement: Placement, completed: bool, reason: str, actor: User) -> None:
    """Completed keeps the place as used; ended early (with a reason) gives it back."""
    if completed:
        _move(placement, PlacementStatus.COMPLETED, actor, reason=reason or "")
        return
    if not (reason or "").strip():
        raise ValidationError(_("Please give a reason."), {"reason": _("Required.")})
    _move(placement, PlacementStatus.ENDED_EARLY, actor, reason=reason.strip())
    _free_place(placement.offer_id)


def activate_started(today: date) -> int:
    """Confirmed placements whose internship has begun become active; returns how many."""
    started = db.session.scalars(
        sa.select(Placement)
        .join(CohortPhase, CohortPhase.cohort_id == Placement.cohort_id)
        .where(
            Placement.status == PlacementStatus.CONFIRMED,
            CohortPhase.kind == "internship",
            CohortPhase.start_date <= today,
        )
    ).all()
    for placement in started:
        _move(placement, PlacementStatus.ACTIVE, None, actor_label="scheduler")
    return len(started)


# --- Reading: the shortage view, suggestions, a contact's interns -------------------


def offers_for_cohort(cohort: Cohort) -> list[InternshipOffer]:
    """Offers made for this cohort, or for a period that overlaps its internship."""
    internship = next((p for p in cohort.phases if p.kind == "internship"), None)
    for_period = sa.false()
    if internship is not None:
        for_period = sa.and_(
            InternshipOffer.cohort_id.is_(None),
            InternshipOffer.period_start <= internship.end_date,
            InternshipOffer.period_end >= internship.start_date,
        )
    return db.session.scalars(
        sa.select(InternshipOffer).where(sa.or_(InternshipOffer.cohort_id == cohort.id, for_period))
    ).all()


def placements_of(cohort: Cohort) -> list[Placement]:
    return (
        db.session.scalars(
            sa.select(Placement).where(Placement.cohort_id == cohort.id).order_by(Placement.proposed_at)
        )
        .unique()
        .all()
    )


def placement_status(cohort: Cohort) -> dict:
    """The numbers of the shortage view (and of GET /cohorts/{id}/placement-status)."""
    trainees = db.session.scalars(
        sa.select(Trainee.id).where(
            Trainee.cohort_id == cohort.id, Trainee.status.notin_([TraineeStatus.WITHDRAWN])
        )
    ).all()
    placements = [p for p in placements_of(cohort) if p.trainee_id in set(trainees)]
    confirmed = {p.trainee_id for p in placements if p.status in PLACE_TAKING_STATUSES}
    proposed = {p.trainee_id for p in placements if p.status == PlacementStatus.PROPOSED}
    offers = offers_for_cohort(cohort)
    return {
        "trainees": len(trainees),
        "confirmed": len(confirmed),
        "proposed": len(proposed),
        "unplaced": len(trainees) - len(confirmed),
        "places_offered": sum(o.places for o in offers),
        "places_free": sum(o.places_free for o in offers),
    }


@dataclass
class ShortageView:
    """Everything the manager's placement page shows for one cohort."""

    status: dict
    placements: list[Placement]
    unplaced: list[Trainee]
    suggestions: dict[int, list[Suggestion]]
    internship: CohortPhase | None
    working_days_left: int | None
    by_province: list[ProvinceNeed]  # where to recruit hosts


def needing_a_place(cohort: Cohort, placements: list[Placement] | None = None) -> list[Trainee]:
    """Trainees (not withdrawn) without a proposal or a place, by name."""
    if placements is None:
        placements = placements_of(cohort)
    taken = {p.trainee_id for p in placements if p.status in (*OPEN_STATUSES, PlacementStatus.COMPLETED)}
    trainees = db.session.scalars(
        sa.select(Trainee)
        .where(Trainee.cohort_id == cohort.id, Trainee.status != TraineeStatus.WITHDRAWN)
        .order_by(Trainee.name)
    ).all()
    return [t for t in trainees if t.id not in taken]


def _suggestions(trainees: list[Trainee], offers: list[InternshipOffer]) -> dict[int, list[Suggestion]]:
    options = [
        OfferOption(o.id, o.municipality_id, o.municipality.name, o.municipality.province, o.places_free)
        for o in offers
    ]
    return {
        t.id: rank_offers(
            t.home_municipality_id, t.home_municipality.province if t.home_municipality else None, options
        )[:SUGGESTIONS_PER_TRAINEE]
        for t in trainees
    }


SUGGESTIONS_PER_TRAINEE = 5


def _needs_by_province(cohort: Cohort, offers: list[InternshipOffer]) -> list[ProvinceNeed]:
    """The cohort's trainees (not withdrawn) by home province, against the offered places there."""
    homes = db.session.scalars(
        sa.select(Municipality.province)
        .select_from(Trainee)
        .outerjoin(Municipality, Municipality.id == Trainee.home_municipality_id)
        .where(Trainee.cohort_id == cohort.id, Trainee.status != TraineeStatus.WITHDRAWN)
    ).all()
    return needs_by_province(homes, [(o.municipality.province, o.places, o.places_free) for o in offers])


def shortage_view(cohort: Cohort, today: date) -> ShortageView:
    placements = placements_of(cohort)
    offers = offers_for_cohort(cohort)
    unplaced = needing_a_place(cohort, placements)
    internship = next((p for p in cohort.phases if p.kind == "internship"), None)
    days_left = None
    if internship is not None:
        days_left = working_days_until(
            today, internship.start_date, planning.blocked_days(today, internship.start_date)
        )
    return ShortageView(
        status=placement_status(cohort),
        placements=placements,
        unplaced=unplaced,
        suggestions=_suggestions(unplaced, offers),
        internship=internship,
        working_days_left=days_left,
        by_province=_needs_by_province(cohort, offers),
    )
