"""Working days: Monday to Friday, and not one of the given holidays; and calendar months
(`add_months`). Pure: plain dates in and out.

The one place that knows what a working day is; reminders, the "needs attention" list and the
placement shortage view all count with it, so they cannot drift apart.
"""

import calendar
from collections.abc import Container
from datetime import date, timedelta


def is_working_day(day: date, holidays: Container[date] = ()) -> bool:
    return day.weekday() < 5 and day not in holidays


def previous_working_day(day: date, holidays: Container[date] = ()) -> date:
    """The last working day before `day` (weekends and holidays skipped)."""
    day -= timedelta(days=1)
    while not is_working_day(day, holidays):
        day -= timedelta(days=1)
    return day


def add_working_days(day: date, n: int, holidays: Container[date] = ()) -> date:
    """The n-th working day after `day`; `day` itself for n = 0."""
    for _ in range(n):
        day += timedelta(days=1)
        while not is_working_day(day, holidays):
            day += timedelta(days=1)
    return day


def count_working_days(first: date, last: date, holidays: Container[date] = ()) -> int:
    """The working days from `first` up to and including `last`; 0 when `last` is before `first`."""
    return sum(is_working_day(first + timedelta(days=n), holidays) for n in range((last - first).days + 1))


def add_months(day: date, months: int) -> date:
    """The same day `months` months later; the month's last day when it is shorter (31 -> 30)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
