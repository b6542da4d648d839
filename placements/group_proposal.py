""" "Stel voor voor de hele groep": one proposal for every trainee of a cohort who still needs a
place, computed by placements/assignment.py, shown to the manager, changed where they like, and
only then sent through the ordinary proposal flow (services.propose), all or nothing.

An offer's places for this purpose are its free places less the proposals already waiting for an
answer on it, so that a computed proposal never asks a municipality for more than it has.
"""

from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from accounts.models import User
from cohort.models import Cohort, Trainee
from core.errors import ValidationError
from core.parsing import parse_whole_number
from extensions import db
from placements import services
from placements.models import InternshipOffer, Placement, PlacementStatus

DEFAULT_MAX_KM, LARGEST_MAX_KM = 25, 300  # the Netherlands is about 300 km across


@dataclass(frozen=True)
class ProposalLine:
    trainee: Trainee
    offer: InternshipOffer | None
    distance_km: float | None  # centre to centre: an estimate
    reason: str  # a placements.assignment.Reason: "home", "nearby", "no_home", "too_far", "no_capacity"


@dataclass(frozen=True)
class GroupProposal:
    max_km: int
    lines: list[ProposalLine]
    offers: list[InternshipOffer]  # the offers with places to propose for, to change a line
    open_places: dict[int, int]  # offer id -> places a proposal may still ask for

    def count(self, *reasons: str) -> int:
        return sum(line.reason in reasons for line in self.lines)


UNPLACED = ("no_home", "too_far", "no_capacity")


def reason_text(reason: str, max_km: int) -> str:
    """A line's reason in the reader's language."""
    texts = {
        "home": _("In their own municipality."),
        "nearby": _("The nearest free place within %(km)d km.", km=max_km),
        "no_home": _("Home municipality not known: choose yourself."),
        "too_far": _("No free place within %(km)d km.", km=max_km),
        "no_capacity": _("The places within %(km)d km went to others.", km=max_km),
    }
    return texts[reason]


def max_km_from(value: object) -> int:
    """The maximum distance a manager typed (whole km, 1 to 300); a ValidationError otherwise."""
    if value is None or value == "":
        return DEFAULT_MAX_KM
    km = parse_whole_number(value)
    if km is None or not 1 <= km <= LARGEST_MAX_KM:
        problem = _("Give a whole number of kilometres from 1 to %(n)d.", n=LARGEST_MAX_KM)
        raise ValidationError(_("Please check the fields marked below."), {"max_km": problem})
    return km


def open_places(offers: list[InternshipOffer]) -> dict[int, int]:
    """Per offer: free places less the proposals waiting on it (one query)."""
    waiting = dict(
        db.session.execute(
            sa.select(Placement.offer_id, sa.func.count(Placement.id))
            .where(
                Placement.offer_id.in_([o.id for o in offers]), Placement.status == PlacementStatus.PROPOSED
            )
            .group_by(Placement.offer_id)
        ).all()
    )
    return {o.id: max(o.places_free - waiting.get(o.id, 0), 0) for o in offers}


def _point(municipality) -> tuple[float, float] | None:
    if municipality is None or municipality.latitude is None or municipality.longitude is None:
        return None
    return municipality.latitude, municipality.longitude


@dataclass(frozen=True)
class _Candidates:
    trainees: list[Trainee]  # without a proposal or a place
    offers: list[InternshipOffer]  # with open places, by municipality name
    open_places: dict[int, int]


def _candidates(cohort: Cohort) -> _Candidates:
    offers = services.offers_for_cohort(cohort)
    places = open_places(offers)
    offers = sorted((o for o in offers if places[o.id] > 0), key=lambda o: (o.municipality.name, o.id))
    return _Candidates(services.needing_a_place(cohort), offers, places)


def group_proposal(cohort: Cohort, max_km: int = DEFAULT_MAX_KM) -> GroupProposal:
    """The computed proposal for the cohort's trainees without a proposal or a place. Saves nothing."""
    # Imported here: scipy adds tens of MB to every web worker that loads it (tested), and only
    # this page and its API call need it.
    from placements.assignment import OfferPlaces, TraineeHome, propose_placements

    found = _candidates(cohort)
    unplaced, offers, places = found.trainees, found.offers, found.open_places
    homes = [TraineeHome(t.id, t.home_municipality_id, _point(t.home_municipality)) for t in unplaced]
    located = [
        OfferPlaces(o.id, o.municipality_id, point, places[o.id])
        for o in offers
        if (point := _point(o.municipality)) is not None
    ]
    by_trainee = {t.id: t for t in unplaced}
    by_offer = {o.id: o for o in offers}
    lines = [
        ProposalLine(by_trainee[p.trainee_id], by_offer.get(p.offer_id), p.distance_km, p.reason.value)
        for p in propose_placements(homes, located, max_km)
    ]
    lines.sort(key=lambda line: line.trainee.name)
    return GroupProposal(max_km, lines, offers, places)


def send_group_proposal(cohort: Cohort, chosen: dict[int, int | None], actor: User) -> list[Placement]:
    """Propose each trainee for the offer chosen for them (None: not now), through the ordinary
    proposal flow; all or nothing. `chosen` maps trainee id to offer id, as the page sends it."""
    found = _candidates(cohort)  # as the page had them, checked again: nothing is solved here
    trainees = {t.id: t for t in found.trainees}
    offers = {o.id: o for o in found.offers}
    problems: dict[str, str] = {}
    for trainee_id, offer_id in chosen.items():
        if trainee_id not in trainees:
            problems[f"offer-{trainee_id}"] = _("This trainee already has a proposal or a place.")
        elif offer_id is not None and offer_id not in offers:
            problems[f"offer-{trainee_id}"] = _("This offer has no free place.")
    asked = Counter(offer_id for offer_id in chosen.values() if offer_id in offers)
    for trainee_id, offer_id in chosen.items():
        if offer_id in asked and asked[offer_id] > found.open_places[offer_id]:
            problems[f"offer-{trainee_id}"] = _(
                "%(name)s has %(n)d free places for this group: fewer than chosen here.",
                name=offers[offer_id].municipality.name,
                n=found.open_places[offer_id],
            )
    if problems:
        raise ValidationError(_("Please check the fields marked below."), problems)
    return [
        services.propose(trainees[trainee_id], offers[offer_id], actor)
        for trainee_id, offer_id in sorted(chosen.items())
        if offer_id is not None
    ]
