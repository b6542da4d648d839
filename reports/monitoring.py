"""The numbers the dashboard and GET /cohorts/{id}/stats show for one cohort, and the date rules
behind them. Pure: plain values in and out, no Flask, no database, no clock.

- A cohort's *phase today* is the kind of the phase that holds today; before the first phase it
  is "planned", after the last "finished", and a cohort without phases is "unplanned".
- The *programme week* is 1 on the start date's week and counts Monday..Sunday weeks (as in
  cohort/planning.py); it is None outside the programme or for a cohort that is not planned.
- The *last 4 weeks* are the 28 days up to and including today (today - 27 .. today).
- Places for the internship are *needed now* from 4 weeks before it starts until it ends.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

PLANNED, FINISHED, UNPLANNED = "planned", "finished", "unplanned"
# Trainees without a place matter from this many days before the internship starts.
PLACEMENT_WARNING_DAYS = 28
NO_DATA = "—"


@dataclass(frozen=True)
class PhaseSpan:
    kind: str
    start_date: date
    end_date: date  # inclusive


@dataclass(frozen=True)
class TraineeCounts:
    active: int = 0  # enrolled or active
    withdrawn: int = 0
    completed: int = 0


@dataclass(frozen=True)
class PlacementCounts:
    confirmed: int = 0
    proposed: int = 0
    missing: int = 0  # trainees without a proposal or place (only for cohorts with an internship)
    active: int = 0
    completed: int = 0

    @property
    def placed(self) -> int:
        """Trainees with a place: confirmed, in their internship, or done."""
        return self.confirmed + self.active + self.completed


@dataclass(frozen=True)
class CohortStats:
    cohort_id: int
    name: str
    start_date: date
    phase: str  # a phase kind, or PLANNED / FINISHED / UNPLANNED
    week: int | None
    internship: PhaseSpan | None
    trainees: TraineeCounts = field(default_factory=TraineeCounts)
    attendance_rate: float | None = None
    attendance_rate_4w: float | None = None
    placements: PlacementCounts = field(default_factory=PlacementCounts)
    evaluations_missing: int = 0
    failed_messages: int = 0
    places_needed_now: bool = False  # the internship is near or running (see the module doc)


def phase_on(phases: Sequence[PhaseSpan], today: date) -> str:
    """The phase kind that holds `today`, or PLANNED / FINISHED / UNPLANNED (see the module doc)."""
    if not phases:
        return UNPLANNED
    ordered = sorted(phases, key=lambda p: p.start_date)
    if today < ordered[0].start_date:
        return PLANNED
    current = next((p for p in ordered if p.start_date <= today <= p.end_date), None)
    return current.kind if current else FINISHED


def programme_week(start_date: date, last_day: date | None, today: date) -> int | None:
    """The 1-based programme week of `today`; None before the start, after `last_day`, or without
    a last day (a cohort not planned yet)."""
    if last_day is None or not start_date <= today <= last_day:
        return None
    return (today - start_date).days // 7 + 1


def last_day(phases: Sequence[PhaseSpan], end_date: date | None) -> date | None:
    """The cohort's last day: its planned end date, else the end of its last phase."""
    if end_date is not None:
        return end_date
    return max((p.end_date for p in phases), default=None)


def internship_of(phases: Iterable[PhaseSpan]) -> PhaseSpan | None:
    return next((p for p in phases if p.kind == "internship"), None)


def internship_near_or_running(internship: PhaseSpan | None, today: date) -> bool:
    """From 4 weeks before the internship starts until its last day: places must be found now."""
    if internship is None:
        return False
    return internship.start_date - timedelta(days=PLACEMENT_WARNING_DAYS) <= today <= internship.end_date


def percent(rate: float | None) -> str:
    """A rate as a whole percentage ("87%", half rounds up), or "—" when there is no data."""
    if rate is None:
        return NO_DATA
    # round(.., 6) first: 0.285 * 100 is 28.499999..., which should still show as 29%.
    return f"{math.floor(round(rate * 100, 6) + 0.5)}%"
