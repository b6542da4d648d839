"""The queries behind the dashboard charts (reports/chart_data.py draws them): five in all,
however many cohorts, trainees or sessions there are. Plain column rows, never ORM objects."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from cohort.models import Closure, Cohort, CohortPhase, Trainee, TraineeStatus
from extensions import db
from placements.matching import ProvinceNeed, needs_by_province
from placements.models import OPEN_STATUSES, InternshipOffer, Municipality, Placement, PlacementStatus
from reports.charts import ClosureSpan, PhaseSpan

# How far a trainee got: the best of their placements. A placement that ended early was at
# least confirmed (it may have been active; the status no longer says).
PLACEMENT_STAGE = {
    PlacementStatus.PROPOSED: 1,
    PlacementStatus.CONFIRMED: 2,
    PlacementStatus.ENDED_EARLY: 2,
    PlacementStatus.ACTIVE: 3,
    PlacementStatus.COMPLETED: 4,
}


@dataclass
class CohortFacts:
    """One cohort as the charts need it; trainees and stages are filled in by a later query."""

    id: int
    name: str
    start_date: date
    end_date: date | None
    phases: list[PhaseSpan]
    stages: dict[int, int]  # trainee id -> best placement stage (0: none yet)

    def is_current(self, today: date) -> bool:
        """Running or planned: not ended yet."""
        return self.end_date is None or self.end_date >= today

    @property
    def internship(self) -> PhaseSpan | None:
        return next((phase for phase in self.phases if phase.kind == "internship"), None)

    def week_of(self, day: date) -> int:
        return (day - self.start_date).days // 7 + 1


def load_cohorts(since: date) -> list[CohortFacts]:
    """Cohorts not ended before `since`, with their phases, in one query."""
    rows = db.session.execute(
        sa.select(
            Cohort.id,
            Cohort.name,
            Cohort.start_date,
            Cohort.end_date,
            CohortPhase.kind,
            CohortPhase.start_date.label("phase_start"),
            CohortPhase.end_date.label("phase_end"),
        )
        .outerjoin(CohortPhase, CohortPhase.cohort_id == Cohort.id)
        .where(sa.or_(Cohort.end_date.is_(None), Cohort.end_date >= since))
        .order_by(Cohort.start_date, Cohort.id, CohortPhase.start_date)
    )
    cohorts: dict[int, CohortFacts] = {}
    for row in rows:
        cohort = cohorts.setdefault(
            row.id, CohortFacts(row.id, row.name, row.start_date, row.end_date, [], {})
        )
        if row.kind is not None:
            cohort.phases.append(PhaseSpan(row.kind, row.phase_start, row.phase_end))
    return list(cohorts.values())


def load_stages(cohorts: list[CohortFacts]) -> None:
    """Each cohort's trainees (not withdrawn) with the furthest stage of their placements."""
    by_id = {cohort.id: cohort for cohort in cohorts}
    rows = db.session.execute(
        sa.select(Trainee.cohort_id, Trainee.id, Placement.status)
        .outerjoin(
            Placement, sa.and_(Placement.trainee_id == Trainee.id, Placement.cohort_id == Trainee.cohort_id)
        )
        .where(Trainee.cohort_id.in_(by_id), Trainee.status != TraineeStatus.WITHDRAWN)
    )
    for cohort_id, trainee_id, status in rows:
        stages = by_id[cohort_id].stages
        stages[trainee_id] = max(stages.get(trainee_id, 0), PLACEMENT_STAGE.get(status, 0))


def closures_between(first: date, last: date) -> list[ClosureSpan]:
    rows = db.session.scalars(
        sa.select(Closure)
        .where(Closure.start_date <= last, Closure.end_date >= first)
        .order_by(Closure.start_date)
    )
    return [ClosureSpan(c.start_date, c.end_date, c.reason) for c in rows]


def offer_ranges(internships: dict[int, PhaseSpan], first: date) -> list[tuple[date, date, int]]:
    """Offers as (first day, last day, places): an offer for a cohort covers that cohort's
    internship (whatever period it names); an offer for a period covers that period."""
    rows = db.session.execute(
        sa.select(
            InternshipOffer.cohort_id,
            InternshipOffer.period_start,
            InternshipOffer.period_end,
            InternshipOffer.places,
        ).where(
            sa.or_(
                InternshipOffer.cohort_id.in_(internships),
                sa.and_(InternshipOffer.cohort_id.is_(None), InternshipOffer.period_end >= first),
            )
        )
    )
    ranges = []
    for cohort_id, start, end, places in rows:
        if cohort_id is not None:
            start, end = internships[cohort_id].start, internships[cohort_id].end
        if start is not None and end is not None:
            ranges.append((start, end, places))
    return ranges


def province_needs(cohort_ids: list[int]) -> list[ProvinceNeed]:
    """For these cohorts, per province: trainees (not withdrawn) still without a proposal or a
    place, by home province, against the free places of the offers made for these cohorts, by
    the host's province. Two queries."""
    home = aliased(Municipality)
    has_place = sa.exists().where(
        Placement.trainee_id == Trainee.id,
        Placement.cohort_id == Trainee.cohort_id,
        Placement.status.in_([*OPEN_STATUSES, PlacementStatus.COMPLETED]),
    )
    homes = db.session.scalars(
        sa.select(home.province)
        .select_from(Trainee)
        .outerjoin(home, home.id == Trainee.home_municipality_id)
        .where(Trainee.cohort_id.in_(cohort_ids), Trainee.status != TraineeStatus.WITHDRAWN, ~has_place)
    ).all()
    free = InternshipOffer.places - InternshipOffer.places_taken
    offers = db.session.execute(
        sa.select(Municipality.province, free, free)
        .join(Municipality, Municipality.id == InternshipOffer.municipality_id)
        .where(InternshipOffer.cohort_id.in_(cohort_ids))
    ).all()
    return needs_by_province(homes, [tuple(row) for row in offers])
