""" "Mijn rooster" in weeks (sessions/weeks.py) and day ranges as people write them (core/day_format.py)."""

from dataclasses import dataclass
from datetime import date, datetime, time

import pytest

from core.day_format import format_day_range
from sessions import weeks
from sessions.weeks import Moment


@dataclass(frozen=True)
class Item:
    date: date
    start_time: time = time(9, 30)
    end_time: time = time(16, 0)
    is_cancelled: bool = False


def test_the_next_item_is_the_first_that_goes_ahead_and_has_not_ended():
    ended, cancelled, going_on, later = (
        Item(date(2027, 3, 22)),
        Item(date(2027, 3, 23), is_cancelled=True),
        Item(date(2027, 3, 24)),
        Item(date(2027, 3, 25)),
    )
    items = [ended, cancelled, going_on, later]
    assert weeks.next_item(items, datetime(2027, 3, 24, 12, 0)) is going_on  # under way: still next
    assert weeks.next_item(items, datetime(2027, 3, 24, 16, 0)) is later  # ended at 16:00 sharp
    assert weeks.next_item(items, datetime(2027, 3, 26, 8, 0)) is None


def test_an_item_is_coming_until_it_starts_and_started_until_it_ends():
    item = Item(date(2027, 3, 22))
    assert [
        weeks.moment(item, datetime(2027, 3, 22, h, m)) for h, m in ((9, 29), (9, 30), (15, 59), (16, 0))
    ] == [
        Moment.COMING,
        Moment.STARTED,
        Moment.STARTED,
        Moment.ENDED,
    ]


def test_the_page_shows_this_week_and_three_more_and_the_earlier_weeks_latest_first():
    items = [Item(date(2027, 3, 1)), Item(date(2027, 3, 8)), Item(date(2027, 3, 15)), Item(date(2027, 3, 17))]
    items += [
        Item(date(2027, 3, 22)),
        Item(date(2027, 3, 29)),
        Item(date(2027, 4, 5)),
        Item(date(2027, 4, 12)),
    ]
    today = date(2027, 3, 17)  # a Wednesday: Monday the 15th is in this week's list too
    coming = weeks.coming_weeks(items, today)
    assert [w.monday for w in coming] == [
        date(2027, 3, 15),
        date(2027, 3, 22),
        date(2027, 3, 29),
        date(2027, 4, 5),
    ]
    assert [len(w.items) for w in coming] == [2, 1, 1, 1]
    assert (coming[0].number, coming[0].last_day) == (11, date(2027, 3, 19))
    assert [w.monday for w in weeks.earlier_weeks(items, today)] == [date(2027, 3, 8), date(2027, 3, 1)]


def test_a_week_ends_on_the_weekend_day_an_item_falls_on():
    [week] = weeks.by_week([Item(date(2027, 3, 22)), Item(date(2027, 3, 27))])
    assert week.last_day == date(2027, 3, 27)


@pytest.mark.parametrize(
    "first, last, locale, with_year, expected",
    [
        (date(2027, 3, 22), date(2027, 3, 26), "nl", False, "22–26 maart"),
        (date(2027, 3, 29), date(2027, 4, 2), "nl", False, "29 maart – 2 april"),
        (date(2026, 12, 28), date(2027, 1, 1), "nl", True, "28 december 2026 – 1 januari 2027"),
        (date(2027, 3, 22), date(2027, 3, 22), "nl", True, "22 maart 2027"),
        (date(2027, 3, 22), date(2027, 3, 26), "en", False, "March 22 – 26"),
        (date(2027, 3, 29), date(2027, 4, 2), "en", True, "March 29 – April 2, 2027"),
    ],
)
def test_day_ranges_read_as_people_write_them(first, last, locale, with_year, expected):
    # CLDR sets a thin space around the dash between two months.
    assert format_day_range(first, last, locale, with_year).replace("\u2009", " ") == expected


def test_a_window_is_a_week_from_monday_or_a_calendar_month_and_steps_back_and_forth():
    week = weeks.Window.around("week", date(2027, 3, 24))
    assert (week.first, week.last) == (date(2027, 3, 22), date(2027, 3, 28))
    assert (week.previous().first, week.next().first) == (date(2027, 3, 15), date(2027, 3, 29))
    month = weeks.Window.around("month", date(2027, 12, 24))
    assert (month.first, month.last, month.next().first) == (
        date(2027, 12, 1),
        date(2027, 12, 31),
        date(2028, 1, 1),
    )
    assert month.previous().first == date(2027, 11, 1)


def test_the_default_window_holds_today_or_the_nearest_day_of_the_cohort():
    first, last = date(2027, 3, 1), date(2028, 2, 25)
    assert weeks.window_for(None, None, date(2027, 5, 12), first, last).first == date(2027, 5, 10)
    assert weeks.window_for("week", None, date(2026, 12, 3), first, last).first == date(2027, 3, 1)
    assert weeks.window_for("month", None, date(2029, 1, 1), first, last).first == date(2028, 2, 1)
    assert weeks.window_for("year", date(2027, 6, 2), date(2026, 1, 1), first, last).kind == "week"
