"""When a trainee's personal data must go: pure date arithmetic, no Flask or database.

A cohort's data is kept for RETENTION_MONTHS (default 24) after the cohort ended; the end is the
cohort's own end date or, when that is not set, the end of its last phase. From the day after
that period, the scheduler erases its trainees.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from core.workdays import add_months


@dataclass(frozen=True)
class CohortEnd:
    cohort_id: int
    end_date: date | None
    last_phase_end: date | None

    @property
    def ended_on(self) -> date | None:
        """The cohort's end date if set, else its last phase's end; None: not planned, never due."""
        return self.end_date or self.last_phase_end


def first_erasure_day(ended_on: date, months: int) -> date:
    """The first day the data is no longer kept: the day after `months` months have passed."""
    return add_months(ended_on, months) + timedelta(days=1)


def is_due(ended_on: date | None, today: date, months: int) -> bool:
    return ended_on is not None and today >= first_erasure_day(ended_on, months)


def due_cohort_ids(cohorts: Iterable[CohortEnd], today: date, months: int) -> list[int]:
    """The cohorts whose trainees must be erased on `today`, in id order."""
    return sorted(c.cohort_id for c in cohorts if is_due(c.ended_on, today, months))
