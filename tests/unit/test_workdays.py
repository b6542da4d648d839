"""Working-day arithmetic (core/workdays.py), on plain dates. 2026-03-02 is a Monday."""

from datetime import date

import pytest

from core.workdays import add_working_days, count_working_days, is_working_day, previous_working_day

EASTER_MONDAY = date(2026, 4, 6)


@pytest.mark.parametrize(
    ("first", "last", "holidays", "expected"),
    [
        (date(2026, 3, 2), date(2026, 3, 6), (), 5),  # Monday to Friday
        (date(2026, 3, 2), date(2026, 3, 8), (), 5),  # the weekend adds nothing
        (date(2026, 3, 7), date(2026, 3, 8), (), 0),  # a weekend alone
        (date(2026, 3, 2), date(2026, 3, 2), (), 1),  # one day, both ends included
        (date(2026, 3, 3), date(2026, 3, 2), (), 0),  # last before first: nothing, not negative
        (date(2026, 4, 6), date(2026, 4, 10), {EASTER_MONDAY}, 4),
        (date(2026, 4, 6), date(2026, 4, 10), [EASTER_MONDAY], 4),  # any container of holidays
    ],
)
def test_count_working_days(first, last, holidays, expected):
    assert count_working_days(first, last, holidays) == expected


def test_counting_and_adding_agree():
    start = date(2026, 3, 27)  # a Friday, before Easter
    for n in range(12):
        day = add_working_days(start, n, {EASTER_MONDAY})
        assert is_working_day(day, {EASTER_MONDAY}) or n == 0
        assert count_working_days(date(2026, 3, 28), day, {EASTER_MONDAY}) == n


def test_previous_working_day_skips_the_weekend_and_holidays():
    assert previous_working_day(date(2026, 4, 7), {EASTER_MONDAY}) == date(2026, 4, 3)
    assert previous_working_day(date(2026, 3, 3)) == date(2026, 3, 2)
