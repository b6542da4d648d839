"""iCalendar (RFC 5545) text from plain values. Pure: no Flask, no database.

Callers pass already-translated titles and aware datetimes. Times are written as local
times with TZID and a VTIMEZONE, so a phone shows 09:30 on both sides of the summer-time
change, and a person reading the file sees the time on the schedule.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

PRODID = "-//Cohort//Rooster//NL"
# Asks subscribing clients to fetch again about every hour (Apple and Outlook read one each).
REFRESH_INTERVAL = "PT1H"


@dataclass(frozen=True)
class CalendarEvent:
    """One VEVENT. `uid` must stay the same for the life of the session: it is how a
    calendar knows an updated event replaces the old one; `sequence` must rise on change."""

    uid: str
    title: str
    start: datetime
    end: datetime
    location: str
    description: str
    sequence: int
    is_cancelled: bool
    stamp: datetime


def local_datetime(day: date, at: time, tz_name: str) -> datetime:
    """A session's local wall-clock time, aware in `tz_name` (its UTC offset follows summer time)."""
    return datetime.combine(day, at, tzinfo=ZoneInfo(tz_name))


def _require_aware(*moments: datetime) -> None:
    # A naive time would be written as "floating" and shown in whatever zone the phone is in.
    if any(moment.tzinfo is None for moment in moments):
        raise ValueError("calendar times must be timezone-aware")


def _vevent(event: CalendarEvent) -> Event:
    _require_aware(event.start, event.end, event.stamp)
    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", event.stamp)
    vevent.add("last-modified", event.stamp)
    vevent.add("dtstart", event.start)
    vevent.add("dtend", event.end)
    vevent.add("summary", event.title)
    vevent.add("sequence", event.sequence)
    vevent.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    if event.location:
        vevent.add("location", event.location)
    if event.description:
        vevent.add("description", event.description)
    return vevent


def _add_timezones(calendar: Calendar, events: list[CalendarEvent]) -> None:
    """Add a VTIMEZONE for every TZID used, covering only the years of the events, first in the file.

    Some clients read components in order and want the zone defined before it is used.
    """
    if not events:
        return
    first = min(event.start.date() for event in events)
    last = max(event.end.date() for event in events)
    calendar.add_missing_timezones(date(first.year, 1, 1), date(last.year + 1, 12, 31))
    calendar.subcomponents.sort(key=lambda component: component.name != "VTIMEZONE")


def build_calendar(name: str, events: Iterable[CalendarEvent]) -> bytes:
    """A whole VCALENDAR for subscribing (METHOD:PUBLISH), as UTF-8 bytes with CRLF line ends."""
    events = list(events)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("name", name)
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH_INTERVAL)
    for event in events:
        calendar.add_component(_vevent(event))
    _add_timezones(calendar, events)
    return calendar.to_ical()


@lru_cache(maxsize=256)
def single_event_calendar(name: str, event: CalendarEvent) -> bytes:
    """One event as a calendar (an e-mail's .ics), built once for the same name and event:
    a session's reminder goes to every trainee of the cohort with the very same attachment."""
    return build_calendar(name, [event])
