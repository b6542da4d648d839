"""iCalendar (RFC 5545) text from plain values. Pure: no Flask, no database.

Callers pass already-translated texts and aware datetimes. Times are written as local
times with TZID and a VTIMEZONE, so a phone shows 09:30 on both sides of the summer-time
change, and a person reading the file sees the time on the schedule.

The VTIMEZONE is written with yearly RRULE observances, the form Outlook and Google write.
The shorter form icalendar generates (one DTSTART and a list of RDATE dates per observance)
is misread by ical.js, Thunderbird's parser: summer sessions came out an hour late there.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard

PRODID = "-//Cohort//Rooster//NL"
# Asks subscribing clients to fetch again about every hour (Apple and Outlook read one each).
REFRESH_INTERVAL = "PT1H"
# The observances' first onset: any year works for an RRULE; 1970 is what most writers use.
RULE_EPOCH = 1970
# Summer time in the European Union, since 1996: from the last Sunday of March to the last
# Sunday of October, changing at 01:00 UTC (02:00 in Amsterdam, 03:00 back).
SUMMER_TIME_MONTHS = (3, 10)
CHANGE_AT_UTC = time(1, 0)


@dataclass(frozen=True)
class CalendarEvent:
    """One VEVENT. `uid` must stay the same for the life of the session: it is how a
    calendar knows an updated event replaces the old one; `sequence` must rise on change.
    `alert` is how long before the start the calendar reminds (None: no VALARM)."""

    uid: str
    title: str
    start: datetime
    end: datetime
    location: str
    description: str
    sequence: int
    is_cancelled: bool
    stamp: datetime
    url: str = ""
    categories: tuple[str, ...] = ()
    alert: timedelta | None = None


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
    if event.url:
        vevent.add("url", event.url)
    if event.categories:
        vevent.add("categories", list(event.categories))
    if event.alert is not None and not event.is_cancelled:
        vevent.add_component(_valarm(event))
    return vevent


def _valarm(event: CalendarEvent) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", event.title)
    alarm.add("trigger", -event.alert)
    return alarm


# --- Time zones -------------------------------------------------------------------------


def _last_sunday(year: int, month: int) -> date:
    last = date(year, month + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() + 1) % 7)


def _summer_time_changes(year: int) -> list[datetime]:
    return [
        datetime.combine(_last_sunday(year, month), CHANGE_AT_UTC, tzinfo=UTC) for month in SUMMER_TIME_MONTHS
    ]


def _offsets(zone: ZoneInfo, year: int) -> tuple[timedelta, timedelta]:
    """The zone's (winter, summer) offsets from UTC, read mid-January and mid-July."""
    winter, summer = (datetime(year, month, 15, 12, tzinfo=UTC).astimezone(zone) for month in (1, 7))
    return winter.utcoffset(), summer.utcoffset()


@lru_cache(maxsize=64)
def check_zone_rule(tz_name: str, first_year: int, last_year: int) -> None:
    """Raise ValueError unless the zone keeps the rule the VTIMEZONE writes, in every year given.

    The rule is written once for all years, so a zone whose rule differs (another continent, or a
    change of law) must stop the build rather than put sessions at the wrong hour."""
    zone = ZoneInfo(tz_name)
    winter, summer = _offsets(zone, first_year)
    for year in range(first_year, last_year + 1):
        if _offsets(zone, year) != (winter, summer):
            raise ValueError(f"{tz_name} changes its offsets in {year}")
        if winter == summer:
            continue
        for change, before, after in zip(
            _summer_time_changes(year), (winter, summer), (summer, winter), strict=True
        ):
            seen = ((change - timedelta(seconds=1)).astimezone(zone), change.astimezone(zone))
            if tuple(moment.utcoffset() for moment in seen) != (before, after):
                raise ValueError(f"{tz_name} does not change at EU summer time in {year}")


def _observance(kind, onset: datetime, offset_from: timedelta, offset_to: timedelta, name: str, month: int):
    observance = kind()
    observance.add("dtstart", onset)
    observance.add("tzoffsetfrom", offset_from)
    observance.add("tzoffsetto", offset_to)
    observance.add("tzname", name)
    observance.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1su"})
    return observance


@lru_cache(maxsize=8)
def vtimezone(tz_name: str, year: int) -> Timezone:
    """The zone as a VTIMEZONE with yearly RRULE observances (one STANDARD only without summer
    time), with the offsets and names it has in `year` (check_zone_rule: the same in every year)."""
    zone = ZoneInfo(tz_name)
    winter, summer = _offsets(zone, year)
    names = [datetime(year, month, 15, tzinfo=zone).tzname() for month in (1, 7)]
    component = Timezone()
    component.add("tzid", tz_name)
    component.add("x-lic-location", tz_name)  # the zone's name, as ical.js and Lightning write it
    if winter == summer:
        standard = TimezoneStandard()
        standard.add("dtstart", datetime(RULE_EPOCH, 1, 1))
        standard.add("tzoffsetfrom", winter)
        standard.add("tzoffsetto", winter)
        standard.add("tzname", names[0])
        component.add_component(standard)
        return component
    spring, autumn = _summer_time_changes(RULE_EPOCH)
    # DTSTART is the local time just before the change, in the offset that ends there.
    onset_summer = (spring + winter).replace(tzinfo=None)
    onset_winter = (autumn + summer).replace(tzinfo=None)
    component.add_component(_observance(TimezoneDaylight, onset_summer, winter, summer, names[1], 3))
    component.add_component(_observance(TimezoneStandard, onset_winter, summer, winter, names[0], 10))
    return component


def _zones(events: list[CalendarEvent]) -> list[str]:
    return sorted({getattr(moment.tzinfo, "key", "UTC") for e in events for moment in (e.start, e.end)})


def _add_timezones(calendar: Calendar, events: list[CalendarEvent]) -> None:
    """A VTIMEZONE for every zone used, first in the file (some clients read in order)."""
    if not events:
        return
    first = min(event.start.year for event in events)
    last = max(event.end.year for event in events)
    for tz_name in _zones(events):
        if tz_name != "UTC":
            check_zone_rule(tz_name, first, last)
            calendar.add_component(vtimezone(tz_name, first))
    calendar.subcomponents.sort(key=lambda component: component.name != "VTIMEZONE")


def _calendar() -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    return calendar


def _finish(calendar: Calendar, events: list[CalendarEvent]) -> bytes:
    for event in events:
        calendar.add_component(_vevent(event))
    _add_timezones(calendar, events)
    return calendar.to_ical()


def build_feed(name: str, tz_name: str, events: Iterable[CalendarEvent]) -> bytes:
    """A whole VCALENDAR to subscribe to, as UTF-8 bytes with CRLF line ends: with the name the
    client shows, its default zone and how often to fetch again."""
    events = list(events)
    calendar = _calendar()
    calendar.add("x-wr-calname", name)
    calendar.add("name", name)
    calendar.add("x-wr-timezone", tz_name)
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH_INTERVAL)
    return _finish(calendar, events)


def build_attachment(events: Iterable[CalendarEvent]) -> bytes:
    """Events for a one-off .ics in an e-mail: no name, zone default or refresh, which would
    make some clients offer it as a calendar of its own rather than add the events."""
    events = list(events)
    return _finish(_calendar(), events)


@lru_cache(maxsize=256)
def single_event_attachment(event: CalendarEvent) -> bytes:
    """One event as an e-mail's .ics, built once for the same event: a session's reminder goes
    to every trainee of the cohort with the very same attachment."""
    return build_attachment([event])
