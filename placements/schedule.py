"""Interns' days: at the workplace (internship days) and away at training (return days)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from cohort import planning
from cohort.models import Closure, CohortPhase
from extensions import db
from placements.matching import internship_days
from placements.models import Placement
from sessions.models import SessionKind, SessionStatus, TrainingSession


@dataclass
class InternDays:
    internship_days: list[date] = field(default_factory=list)
    return_days: list[date] = field(default_factory=list)
    period: tuple[date, date] | None = None  # the cohort's internship phase, first and last day


def _closures(start: date, end: date) -> list[planning.Closure]:
    rows = db.session.scalars(sa.select(Closure).where(Closure.end_date >= start, Closure.start_date <= end))
    return [closure.as_plan_closure() for closure in rows]


def intern_days(placements: list[Placement]) -> dict[int, InternDays]:
    """For each placement: its internship days and its cohort's return days during the internship.

    Internship days never fall on a holiday, a closure day or a return day. Three queries, however
    many placements.
    """
    if not placements:
        return {}
    cohort_ids = {p.cohort_id for p in placements}
    phases = {
        p.cohort_id: p
        for p in db.session.scalars(
            sa.select(CohortPhase).where(
                CohortPhase.cohort_id.in_(cohort_ids), CohortPhase.kind == "internship"
            )
        )
    }
    if not phases:
        return {p.id: InternDays() for p in placements}
    first, last = min(p.start_date for p in phases.values()), max(p.end_date for p in phases.values())
    return_days = defaultdict(set)
    for cohort_id, day in db.session.execute(
        sa.select(TrainingSession.cohort_id, TrainingSession.date).where(
            TrainingSession.cohort_id.in_(cohort_ids),
            TrainingSession.kind == SessionKind.RETURN_DAY,
            TrainingSession.status == SessionStatus.SCHEDULED,
            TrainingSession.date.between(first, last),
        )
    ):
        return_days[cohort_id].add(day)
    blocked = set(planning.blocked_days(first, last, _closures(first, last)))
    result = {}
    for placement in placements:
        phase = phases.get(placement.cohort_id)
        if phase is None:
            result[placement.id] = InternDays()
            continue
        returns = sorted(
            d for d in return_days[placement.cohort_id] if phase.start_date <= d <= phase.end_date
        )
        # A proposal has no weekdays yet: its return days are what the municipality decides on.
        days = (
            internship_days(
                phase.start_date,
                phase.end_date,
                planning.parse_weekdays(placement.weekdays.split(",")),
                blocked | set(returns),
            )
            if placement.weekdays
            else []
        )
        result[placement.id] = InternDays(days, returns, (phase.start_date, phase.end_date))
    return result
