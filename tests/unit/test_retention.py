"""Retention (pure): when a cohort's trainees are due for erasure, on the boundary days."""

from datetime import date

import pytest

from core.workdays import add_months
from privacy.retention import CohortEnd, due_cohort_ids, first_erasure_day, is_due


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 3, 15), 24, date(2026, 3, 15)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year: the month's last day
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 11, 30), 3, date(2025, 2, 28)),
        (date(2024, 12, 31), 24, date(2026, 12, 31)),
    ],
)
def test_months_are_added_by_the_calendar(day, months, expected):
    assert add_months(day, months) == expected


def test_the_data_goes_on_the_day_after_the_retention_period():
    ended = date(2024, 3, 31)  # a Sunday: the last phase's end
    assert first_erasure_day(ended, 24) == date(2026, 4, 1)
    assert not is_due(ended, date(2026, 3, 31), 24)  # exactly 24 months: still kept
    assert is_due(ended, date(2026, 4, 1), 24)  # more than 24 months ago
    assert is_due(ended, date(2030, 1, 1), 24)
    assert not is_due(ended, date(2026, 4, 1), 25)


def test_a_cohort_without_an_end_is_never_due():
    assert not is_due(None, date(2099, 1, 1), 24)


def test_the_cohorts_own_end_date_wins_over_its_last_phase():
    cohorts = [
        CohortEnd(1, end_date=date(2024, 1, 7), last_phase_end=date(2024, 6, 30)),  # ended early
        CohortEnd(2, end_date=None, last_phase_end=date(2024, 1, 7)),
        CohortEnd(3, end_date=None, last_phase_end=date(2024, 1, 8)),  # one day later: not yet
        CohortEnd(4, end_date=None, last_phase_end=None),  # never planned
        CohortEnd(5, end_date=date(2024, 6, 30), last_phase_end=date(2024, 1, 7)),  # extended
    ]
    assert due_cohort_ids(cohorts, date(2026, 1, 8), 24) == [1, 2]
    assert due_cohort_ids(cohorts, date(2026, 1, 9), 24) == [1, 2, 3]
    assert due_cohort_ids(cohorts, date(2026, 7, 1), 24) == [1, 2, 3, 5]
