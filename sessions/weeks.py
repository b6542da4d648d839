""" "Mijn rooster" in weeks: which item is next, which weeks the page shows, where each item stands.

Pure: items are anything with `date`, `start_time`, `end_time` and `is_cancelled` (a ScheduleItem),
`now` is the local wall-clock time where the programme runs.
"""

import enum
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

COMING_WEEKS = 4  # the page shows this week and the three after it; the calendar feed shows all


class Moment(enum.StrEnum):
    """Where an item stands now: what the trainee can still do about it."""

    COMING = "coming"  # an absence can be reported or taken back
    STARTED = "started"  # too late to change anything
    ENDED = "ended"  # attendance is what counts now


@dataclass(frozen=True)
class Week:
    monday: date
    items: tuple

    @property
    def number(self) -> int:
        return self.monday.isocalendar().week

    @property
    def last_day(self) -> date:
        """Friday, or the weekend day an item falls on."""
        return max([self.monday + timedelta(days=4), *(item.date for item in self.items)])


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def by_week(items: Iterable) -> list[Week]:
    """Items (in date order) grouped per ISO week."""
    return [
        Week(monday, tuple(group)) for monday, group in itertools.groupby(items, lambda i: monday_of(i.date))
    ]


def moment(item, now: datetime) -> Moment:
    if datetime.combine(item.date, item.end_time) <= now:
        return Moment.ENDED
    if datetime.combine(item.date, item.start_time) <= now:
        return Moment.STARTED
    return Moment.COMING


def next_item(items: Iterable, now: datetime):
    """The first item that goes ahead and has not ended (one going on now is still "next")."""
    return next((i for i in items if not i.is_cancelled and moment(i, now) != Moment.ENDED), None)


def coming_range(today: date) -> tuple[date, date]:
    """The first day of this week and the day after the last of the coming weeks."""
    first = monday_of(today)
    return first, first + timedelta(weeks=COMING_WEEKS)


def coming_weeks(items: Sequence, today: date) -> list[Week]:
    """This week (its earlier days too) and the weeks after it, up to COMING_WEEKS in all."""
    first, horizon = coming_range(today)
    return by_week(i for i in items if first <= i.date < horizon)


def earlier_weeks(items: Sequence, today: date) -> list[Week]:
    """The weeks before this one, the latest first."""
    return by_week(i for i in items if i.date < monday_of(today))[::-1]


@dataclass(frozen=True)
class Window:
    """The stretch of days a schedule page shows: one week (from Monday) or one calendar month."""

    kind: str  # "week" or "month"
    first: date
    end: date  # the day after the last

    @classmethod
    def around(cls, kind: str, day: date) -> "Window":
        if kind == "month":
            first = day.replace(day=1)
            end = (first + timedelta(days=32)).replace(day=1)
            return cls("month", first, end)
        monday = monday_of(day)
        return cls("week", monday, monday + timedelta(weeks=1))

    @property
    def last(self) -> date:
        return self.end - timedelta(days=1)

    def previous(self) -> "Window":
        return Window.around(self.kind, self.first - timedelta(days=1))

    def next(self) -> "Window":
        return Window.around(self.kind, self.end)

    def holds(self, day: date) -> bool:
        return self.first <= day < self.end


def window_for(kind: str | None, day: date | None, today: date, first: date, last: date) -> Window:
    """The window a page asked for (`kind`, a `day` in it), or by default the one with today in it,
    kept within first..last (a cohort's year) when today is outside them."""
    kind = kind if kind in ("week", "month") else "week"
    if day is None:
        day = min(max(today, first), last)
    return Window.around(kind, day)
