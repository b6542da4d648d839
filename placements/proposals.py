"""What a municipality decides on when it is asked to take an intern: the answer page's facts."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from accounts.models import User
from cohort import planning
from extensions import db
from placements.models import Placement, PlacementEvent, PlacementStatus
from placements.schedule import intern_days
from placements.services import default_weekdays


@dataclass(frozen=True)
class ProposalFacts:
    period: tuple[date, date] | None  # the internship phase, first and last day
    suggested_weekdays: tuple[str, ...]  # "mon", ...: the municipality chooses on confirming
    return_days: list[date]  # the days the intern is away at the training
    offer_is_full: bool  # no free place left: confirming needs one more first
    proposed_by: User | None  # the manager to ask


def proposal_facts(placement: Placement) -> ProposalFacts:
    days = intern_days([placement])[placement.id]
    return ProposalFacts(
        period=days.period,
        suggested_weekdays=tuple(
            planning.weekday_code(d) for d in default_weekdays(placement.trainee.cohort)
        ),
        return_days=days.return_days,
        offer_is_full=placement.status == PlacementStatus.PROPOSED and placement.offer.places_free <= 0,
        proposed_by=_proposed_by(placement.id),
    )


def _proposed_by(placement_id: int) -> User | None:
    return db.session.scalar(
        sa.select(User)
        .join(PlacementEvent, PlacementEvent.actor_id == User.id)
        .where(
            PlacementEvent.placement_id == placement_id, PlacementEvent.to_status == PlacementStatus.PROPOSED
        )
        .order_by(PlacementEvent.created_at)
        .limit(1)
    )
