"""The iCalendar builder's pure parts: local times through summer time, an empty calendar, the feed cache."""

from datetime import UTC, date, time

from icalendar import Calendar

from sessions.calendar import build_feed, local_datetime

AMSTERDAM = "Europe/Amsterdam"


def test_local_datetime_follows_summer_time():
    winter = local_datetime(date(2026, 3, 24), time(9, 30), AMSTERDAM)
    summer = local_datetime(date(2026, 3, 31), time(9, 30), AMSTERDAM)
    assert winter.astimezone(UTC).time() == time(8, 30)
    assert summer.astimezone(UTC).time() == time(7, 30)


def test_an_empty_calendar_is_still_valid():
    calendar = Calendar.from_ical(build_feed("Leeg", "Europe/Amsterdam", []))
    assert calendar.walk("VEVENT") == []
    assert str(calendar["X-WR-CALNAME"]) == "Leeg"


def test_the_feed_cache_forgets_old_entries_and_stays_within_its_size():
    from sessions.feed_cache import FeedCache

    cache = FeedCache(max_bytes=10, max_age=300)
    cache.put("a", b"12345", now=0)
    cache.put("b", b"12345", now=0)
    assert cache.get("a", now=1) == b"12345"  # "a" is now the most recently used
    cache.put("c", b"12345", now=1)
    assert cache.get("b", now=1) is None  # the least recently used went out
    assert cache.size_bytes == 10 and len(cache) == 2
    assert cache.get("a", now=301) is None  # too old: a trainer's new name shows within max_age
    cache.put("huge", b"x" * 11, now=2)
    assert cache.get("huge", now=2) is None and cache.get("c", now=2) == b"12345"
