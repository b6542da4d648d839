"""Turn a cohort's settings into dated sessions, around Dutch public holidays and closures.

Everything here is pure: plain values in, plain values out. No Flask, no database, no clock.
That keeps the rules testable on their own and lets the web layer preview a plan before
anything is stored.

Public API
----------
Weekdays are ints, 0 = Monday .. 6 = Sunday (as ``date.weekday()``):

- ``parse_weekday("mon") -> 0`` / ``weekday_code(0) -> "mon"``,
  ``parse_weekdays(["tue", "mon"]) -> (0, 1)``.
- ``nearest_mondays(d) -> (previous_monday, next_monday)``: what to suggest when a start date
  is not a Monday (for a Monday both are ``d`` itself).
- ``week_monday(start_date, week) -> date``: the Monday of a 1-based programme week.

Value types (all ``@dataclass(frozen=True)``):

- ``TemplatePhase(kind, weeks)``, ``ProgrammeTemplate(...)``; the seeded templates are in
  ``DEFAULT_TEMPLATES`` keyed by slug, ``DEFAULT_TEMPLATE_SLUG`` names the default one.
- ``PlanSettings(*, start_date, training_weekdays, training_start, training_end,
  training_weeks, programme_weeks, internship_weeks=0, return_weekday=None,
  return_start=None, return_end=None, return_from_week=None)``
- ``Closure(start, end, reason="")``: an inclusive date range without sessions.
- ``Phase(kind, start_date, end_date)``, ``PlannedSession(kind, date, start_time, end_time,
  week, moved_from, move_reason)``, ``Attention(date, kind, reason, week)``,
  ``Plan(phases, sessions, attention, end_date)``.

Functions:

- ``settings_from_template(template, start_date, *, training_weekdays=None,
  return_weekday=None, training_weeks=None, internship_weeks=None, programme_weeks=None)
  -> PlanSettings``: a cohort's overrides on top of its template (``None`` keeps the
  template's value).
- ``validate_settings(settings) -> dict[str, str]``: field name -> problem, empty when fine.
- ``plan_cohort(settings, closures=(), holiday_calendar=None) -> Plan``; raises
  ``InvalidSettings`` (a ``ValueError`` with ``.fields``) when validation fails.
- The holidays themselves come from ``core.holidays.dutch_holidays(years)``.

Rules where the brief left room
-------------------------------
- Programme week 1 starts on ``start_date`` (a Monday); week *n* runs Monday..Sunday.
  Phase and plan end dates are the Sunday of their last week (inclusive).
- Phases: training = weeks 1..training_weeks, internship = the next internship_weeks weeks,
  guided work = the rest up to programme_weeks. Phases of zero weeks are omitted.
- Return days fall on ``return_weekday`` in every week from ``return_from_week`` up to
  ``programme_weeks``, whatever phase that week is in. ``return_from_week`` is taken as given
  (it does not follow a changed ``training_weeks``).
- A return weekday that is also a training weekday is only an error when some week has both
  (return weeks overlap training weeks); e.g. a Monday return day from week 7 after six weeks of
  Monday training is fine.
- Holidays and closures block a day. When both apply, the closure's reason is shown: it is the
  caller's explicit decision and explains the whole period consistently.
- Placement is done week by week. First every session whose day is not blocked is placed
  (training days and the return day alike). Then the displaced sessions, in chronological order
  of their original date, each take the nearest free weekday of that same week: distance 1,
  2, 3, 4 with the later day first at equal distance, Monday..Friday only. A day is free when it
  is not blocked and no session of the cohort is on it yet (including earlier moved ones).
- A displaced session without a free day is left out and reported in ``Plan.attention`` with
  "<reason>; no free weekday in week <programme week>".
- Duplicate training weekdays are ignored (treated as a set).
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from core.holidays import dutch_holidays

Weekday = int  # 0 = Monday .. 6 = Sunday, as date.weekday()

WEEKDAY_CODES: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WORKDAYS: tuple[Weekday, ...] = (0, 1, 2, 3, 4)
FRIDAY: Weekday = 4

MIN_PROGRAMME_WEEKS = 1
MAX_PROGRAMME_WEEKS = 104

DEFAULT_CLOSURE_REASON = "closure"


class PhaseKind(enum.StrEnum):
    TRAINING = "training"
    INTERNSHIP = "internship"
    GUIDED_WORK = "guided_work"


class SessionKind(enum.StrEnum):
    TRAINING = "training"
    RETURN_DAY = "return_day"


# --- weekdays and dates ---


def parse_weekday(code: str) -> Weekday:
    """Turn "mon".."sun" (any case, surrounding spaces ignored) into 0..6.

    Forms and stored settings use short codes; the planner works with ints like date.weekday().
    """
    try:
        return WEEKDAY_CODES.index(code.strip().lower())
    except ValueError:
        known = ", ".join(WEEKDAY_CODES)
        raise ValueError(f"unknown weekday {code!r}; use one of {known}") from None


def parse_weekdays(codes: Iterable[str]) -> tuple[Weekday, ...]:
    """Parse several weekday codes into a sorted tuple without duplicates."""
    return tuple(sorted({parse_weekday(code) for code in codes}))


def weekday_code(weekday: Weekday) -> str:
    """Turn 0..6 back into "mon".."sun", for storing and for form values."""
    if not 0 <= weekday <= 6:
        raise ValueError(f"weekday must be 0..6, got {weekday}")
    return WEEKDAY_CODES[weekday]


def nearest_mondays(d: date) -> tuple[date, date]:
    """The Monday on or before ``d`` and the Monday after that.

    Programmes start on a Monday; when someone picks another day the UI offers these two.
    For a Monday both values are ``d`` itself: there is nothing to correct.
    """
    previous = d - timedelta(days=d.weekday())
    if previous == d:
        return d, d
    return previous, previous + timedelta(days=7)


def week_monday(start_date: date, week: int) -> date:
    """The Monday of 1-based programme ``week`` for a programme starting on ``start_date``."""
    return start_date + timedelta(weeks=week - 1)


def _week_sunday(start_date: date, week: int) -> date:
    return week_monday(start_date, week) + timedelta(days=6)


# --- templates ---


@dataclass(frozen=True)
class TemplatePhase:
    kind: PhaseKind
    weeks: int


@dataclass(frozen=True)
class ProgrammeTemplate:
    """A kind of programme; cohorts are runs of it with their own start date and overrides.

    ``phases`` come in the order training, internship, guided work; internship and guided
    work may be missing. The return day runs from ``return_from_week`` to the last week.
    """

    slug: str
    name: str
    phases: tuple[TemplatePhase, ...]
    training_weekdays: tuple[Weekday, ...]
    training_start: time
    training_end: time
    return_weekday: Weekday | None = None
    return_start: time | None = None
    return_end: time | None = None
    return_from_week: int | None = None
    is_default: bool = False

    def weeks_of(self, kind: PhaseKind) -> int:
        return sum(phase.weeks for phase in self.phases if phase.kind == kind)

    @property
    def training_weeks(self) -> int:
        return self.weeks_of(PhaseKind.TRAINING)

    @property
    def internship_weeks(self) -> int:
        return self.weeks_of(PhaseKind.INTERNSHIP)

    @property
    def guided_work_weeks(self) -> int:
        return self.weeks_of(PhaseKind.GUIDED_WORK)

    @property
    def programme_weeks(self) -> int:
        return sum(phase.weeks for phase in self.phases)


DEFAULT_TEMPLATE_SLUG = "inburgeringsconsulent"

DEFAULT_TEMPLATES: dict[str, ProgrammeTemplate] = {
    "inburgeringsconsulent": ProgrammeTemplate(
        slug="inburgeringsconsulent",
        name="Opleidingstraject inburgeringsconsulent",
        # Six weeks of training, eight of internship, guided work until week 52.
        phases=(
            TemplatePhase(PhaseKind.TRAINING, 6),
            TemplatePhase(PhaseKind.INTERNSHIP, 8),
            TemplatePhase(PhaseKind.GUIDED_WORK, 52 - 6 - 8),
        ),
        training_weekdays=(0, 1, 2, 3),
        training_start=time(9, 30),
        training_end=time(16, 0),
        return_weekday=FRIDAY,
        return_start=time(9, 30),
        return_end=time(15, 0),
        return_from_week=7,
        is_default=True,
    ),
    "wet-inburgering": ProgrammeTemplate(
        slug="wet-inburgering",
        name="Voorbereid op de nieuwe Wet inburgering",
        # Five training days, one a week on Tuesday; no internship, guided work or return days.
        phases=(TemplatePhase(PhaseKind.TRAINING, 5),),
        training_weekdays=(1,),
        training_start=time(9, 30),
        training_end=time(16, 30),
    ),
}


# --- settings and validation ---


@dataclass(frozen=True, kw_only=True)
class PlanSettings:
    """Everything the planner needs about one cohort, with the template's defaults resolved."""

    start_date: date
    training_weekdays: tuple[Weekday, ...]
    training_start: time
    training_end: time
    training_weeks: int
    programme_weeks: int
    internship_weeks: int = 0
    return_weekday: Weekday | None = None
    return_start: time | None = None
    return_end: time | None = None
    return_from_week: int | None = None  # 1-based programme week

    @property
    def guided_work_weeks(self) -> int:
        return max(0, self.programme_weeks - self.training_weeks - self.internship_weeks)


def settings_from_template(
    template: ProgrammeTemplate,
    start_date: date,
    *,
    training_weekdays: Iterable[Weekday] | None = None,
    return_weekday: Weekday | None = None,
    training_weeks: int | None = None,
    internship_weeks: int | None = None,
    programme_weeks: int | None = None,
) -> PlanSettings:
    """Apply a cohort's overrides to its template; ``None`` keeps the template's value.

    Guided work is not set directly: it fills the weeks between the end of the internship and
    ``programme_weeks``. To drop a template's return day, use ``dataclasses.replace`` on the
    result with ``return_weekday=None``.
    """
    weekdays = template.training_weekdays if training_weekdays is None else training_weekdays
    return PlanSettings(
        start_date=start_date,
        training_weekdays=tuple(sorted(set(weekdays))),
        training_start=template.training_start,
        training_end=template.training_end,
        training_weeks=template.training_weeks if training_weeks is None else training_weeks,
        internship_weeks=(template.internship_weeks if internship_weeks is None else internship_weeks),
        programme_weeks=template.programme_weeks if programme_weeks is None else programme_weeks,
        return_weekday=template.return_weekday if return_weekday is None else return_weekday,
        return_start=template.return_start,
        return_end=template.return_end,
        return_from_week=template.return_from_week,
    )


class InvalidSettings(ValueError):
    """Raised by ``plan_cohort`` for settings that cannot be planned; ``fields`` says why."""

    def __init__(self, fields: Mapping[str, str]) -> None:
        self.fields = dict(fields)
        super().__init__("; ".join(f"{name}: {problem}" for name, problem in self.fields.items()))


def validate_settings(settings: PlanSettings) -> dict[str, str]:
    """Check settings before planning; returns field name -> problem (English), empty if ok.

    Only the first problem per field is kept, so a form can show one message next to each
    input.
    """
    errors: dict[str, str] = {}
    _check_start_date(settings, errors)
    _check_weeks(settings, errors)
    _check_training_days(settings, errors)
    if settings.return_weekday is not None:
        _check_return_day(settings, errors)
    return errors


def _add(errors: dict[str, str], name: str, problem: str) -> None:
    errors.setdefault(name, problem)


def _check_start_date(settings: PlanSettings, errors: dict[str, str]) -> None:
    if settings.start_date.weekday() != 0:
        previous, following = nearest_mondays(settings.start_date)
        _add(errors, "start_date", f"must be a Monday, e.g. {previous} or {following}")


def _check_weeks(settings: PlanSettings, errors: dict[str, str]) -> None:
    if settings.training_weeks < 1:
        _add(errors, "training_weeks", "must be at least 1")
    if settings.internship_weeks < 0:
        _add(errors, "internship_weeks", "must not be negative")
    if not MIN_PROGRAMME_WEEKS <= settings.programme_weeks <= MAX_PROGRAMME_WEEKS:
        _add(
            errors,
            "programme_weeks",
            f"must be between {MIN_PROGRAMME_WEEKS} and {MAX_PROGRAMME_WEEKS}",
        )
    needed = settings.training_weeks + settings.internship_weeks
    if needed > settings.programme_weeks:
        _add(
            errors,
            "programme_weeks",
            f"must be at least training plus internship weeks ({needed})",
        )


def _check_training_days(settings: PlanSettings, errors: dict[str, str]) -> None:
    if not settings.training_weekdays:
        _add(errors, "training_weekdays", "choose at least one training day")
    elif any(day not in WORKDAYS for day in settings.training_weekdays):
        _add(errors, "training_weekdays", "training days must be Monday to Friday")
    if settings.training_end <= settings.training_start:
        _add(errors, "training_end", "must be after the start time")


def _check_return_day(settings: PlanSettings, errors: dict[str, str]) -> None:
    weekday = settings.return_weekday
    if weekday not in WORKDAYS:
        _add(errors, "return_weekday", "the return day must be Monday to Friday")
    from_week = settings.return_from_week
    if from_week is None:
        _add(errors, "return_from_week", "required when there is a return day")
    elif not 1 <= from_week <= settings.programme_weeks:
        _add(errors, "return_from_week", "must be a week within the programme")
    elif weekday in settings.training_weekdays and from_week <= settings.training_weeks:
        # Both would be on the same day in weeks from_week..training_weeks.
        _add(
            errors,
            "return_weekday",
            f"falls on a training day in weeks {from_week}-{settings.training_weeks}",
        )
    if settings.return_start is None:
        _add(errors, "return_start", "required when there is a return day")
    if settings.return_end is None:
        _add(errors, "return_end", "required when there is a return day")
    elif settings.return_start is not None and settings.return_end <= settings.return_start:
        _add(errors, "return_end", "must be after the start time")


# --- the plan ---


@dataclass(frozen=True)
class Closure:
    """An inclusive period in which the cohort has no sessions, e.g. a Christmas break."""

    start: date
    end: date
    reason: str = ""


@dataclass(frozen=True)
class Phase:
    """One phase of the programme; ``end_date`` is the Sunday of its last week (inclusive)."""

    kind: PhaseKind
    start_date: date
    end_date: date


@dataclass(frozen=True)
class PlannedSession:
    """A dated session. ``moved_from``/``move_reason`` tell the planner why it is not on its
    usual day (the holiday's name or the closure's reason)."""

    kind: SessionKind
    date: date
    start_time: time
    end_time: time
    week: int  # 1-based programme week
    moved_from: date | None = None
    move_reason: str | None = None

    @property
    def moved(self) -> bool:
        return self.moved_from is not None


@dataclass(frozen=True)
class Attention:
    """A session that could not be placed: ``date`` is its original day."""

    date: date
    kind: SessionKind
    reason: str
    week: int


@dataclass(frozen=True)
class Plan:
    phases: tuple[Phase, ...]
    sessions: tuple[PlannedSession, ...]
    attention: tuple[Attention, ...]
    end_date: date

    def sessions_of(self, kind: SessionKind) -> tuple[PlannedSession, ...]:
        return tuple(session for session in self.sessions if session.kind == kind)

    @property
    def moved(self) -> tuple[PlannedSession, ...]:
        return tuple(session for session in self.sessions if session.moved)


@dataclass(frozen=True)
class _Wanted:
    # A session on its usual day, before holidays and closures are taken into account.
    kind: SessionKind
    date: date
    start_time: time
    end_time: time


@dataclass
class _WeekResult:
    sessions: list[PlannedSession] = field(default_factory=list)
    attention: list[Attention] = field(default_factory=list)


def plan_cohort(
    settings: PlanSettings,
    closures: Iterable[Closure | tuple[date, date] | tuple[date, date, str]] = (),
    holiday_calendar: Mapping[date, str] | None = None,
) -> Plan:
    """Plan all phases and sessions of a cohort.

    ``closures`` are inclusive periods without sessions (``Closure`` or plain tuples).
    ``holiday_calendar`` maps dates to holiday names; ``None`` means the Dutch public holidays
    of the years the programme spans, ``{}`` means no holidays at all.
    """
    errors = validate_settings(settings)
    if errors:
        raise InvalidSettings(errors)

    end_date = _week_sunday(settings.start_date, settings.programme_weeks)
    if holiday_calendar is None:
        holiday_calendar = dutch_holidays(range(settings.start_date.year, end_date.year + 1))
    blocked = _blocked_days(settings.start_date, end_date, closures, holiday_calendar)

    sessions: list[PlannedSession] = []
    attention: list[Attention] = []
    for week in range(1, settings.programme_weeks + 1):
        result = _plan_week(week, _wanted_in_week(settings, week), blocked)
        sessions.extend(result.sessions)
        attention.extend(result.attention)

    sessions.sort(key=lambda s: (s.date, s.start_time, s.kind))
    attention.sort(key=lambda a: (a.date, a.kind))
    return Plan(
        phases=_phases(settings),
        sessions=tuple(sessions),
        attention=tuple(attention),
        end_date=end_date,
    )


def _phases(settings: PlanSettings) -> tuple[Phase, ...]:
    """Consecutive phases in programme order, leaving out those without weeks."""
    lengths = (
        (PhaseKind.TRAINING, settings.training_weeks),
        (PhaseKind.INTERNSHIP, settings.internship_weeks),
        (PhaseKind.GUIDED_WORK, settings.guided_work_weeks),
    )
    phases: list[Phase] = []
    first_week = 1
    for kind, weeks in lengths:
        if weeks <= 0:
            continue
        last_week = first_week + weeks - 1
        phases.append(
            Phase(
                kind=kind,
                start_date=week_monday(settings.start_date, first_week),
                end_date=_week_sunday(settings.start_date, last_week),
            )
        )
        first_week = last_week + 1
    return tuple(phases)


def blocked_days(
    start: date,
    end: date,
    closures: Iterable[Closure | tuple[date, date] | tuple[date, date, str]] = (),
    holiday_calendar: Mapping[date, str] | None = None,
) -> dict[date, str]:
    """Weekdays between start and end (inclusive) that are public holidays or closure days, with
    the reason; for other schedules that must avoid the same days (e.g. internship days)."""
    if holiday_calendar is None:
        holiday_calendar = dutch_holidays(range(start.year, end.year + 1))
    return _blocked_days(start, end, closures, holiday_calendar)


def _blocked_days(
    start: date,
    end: date,
    closures: Iterable[Closure | tuple[date, date] | tuple[date, date, str]],
    holiday_calendar: Mapping[date, str],
) -> dict[date, str]:
    """Weekdays between start and end (inclusive) without sessions, with the reason why.

    Limited to the programme's own weekdays so a long closure costs no more than the programme.
    Closures are applied after holidays so their reason wins on days where both apply.
    """
    blocked = {
        day: name
        for day, name in holiday_calendar.items()
        if start <= day <= end and day.weekday() in WORKDAYS
    }
    for closure in map(_as_closure, closures):
        if closure.end < closure.start:
            raise InvalidSettings({"closures": f"{closure.start}..{closure.end} ends before it starts"})
        reason = closure.reason or DEFAULT_CLOSURE_REASON
        day = max(closure.start, start)
        last = min(closure.end, end)
        while day <= last:
            if day.weekday() in WORKDAYS:
                blocked[day] = reason
            day += timedelta(days=1)
    return blocked


def _as_closure(value: Closure | tuple[date, date] | tuple[date, date, str]) -> Closure:
    if isinstance(value, Closure):
        return value
    return Closure(*value)


def _wanted_in_week(settings: PlanSettings, week: int) -> list[_Wanted]:
    """The sessions of ``week`` on their usual days, in date order."""
    monday = week_monday(settings.start_date, week)
    wanted: list[_Wanted] = []
    if week <= settings.training_weeks:
        for weekday in sorted(set(settings.training_weekdays)):
            wanted.append(
                _Wanted(
                    SessionKind.TRAINING,
                    monday + timedelta(days=weekday),
                    settings.training_start,
                    settings.training_end,
                )
            )
    if _has_return_day(settings, week):
        # Validation guarantees these are set whenever return_weekday is.
        assert settings.return_weekday is not None
        assert settings.return_start is not None and settings.return_end is not None
        wanted.append(
            _Wanted(
                SessionKind.RETURN_DAY,
                monday + timedelta(days=settings.return_weekday),
                settings.return_start,
                settings.return_end,
            )
        )
    wanted.sort(key=lambda w: (w.date, w.kind))
    return wanted


def _has_return_day(settings: PlanSettings, week: int) -> bool:
    if settings.return_weekday is None or settings.return_from_week is None:
        return False
    return settings.return_from_week <= week <= settings.programme_weeks


def _plan_week(week: int, wanted: list[_Wanted], blocked: Mapping[date, str]) -> _WeekResult:
    """Place one week's sessions: undisturbed ones first, then the displaced ones in date order.

    Placing the undisturbed sessions first means a moved session never pushes away a session
    that could stay on its own day.
    """
    result = _WeekResult()
    occupied: set[date] = set()
    displaced: list[tuple[_Wanted, str]] = []
    for item in wanted:
        reason = blocked.get(item.date)
        if reason is None:
            occupied.add(item.date)
            result.sessions.append(_session(item, week, item.date))
        else:
            displaced.append((item, reason))

    for item, reason in displaced:
        target = _nearest_free_day(item.date, occupied, blocked)
        if target is None:
            result.attention.append(
                Attention(
                    date=item.date,
                    kind=item.kind,
                    reason=f"{reason}; no free weekday in week {week}",
                    week=week,
                )
            )
            continue
        occupied.add(target)
        result.sessions.append(_session(item, week, target, moved_from=item.date, reason=reason))
    return result


def _session(
    item: _Wanted,
    week: int,
    day: date,
    *,
    moved_from: date | None = None,
    reason: str | None = None,
) -> PlannedSession:
    return PlannedSession(
        kind=item.kind,
        date=day,
        start_time=item.start_time,
        end_time=item.end_time,
        week=week,
        moved_from=moved_from,
        move_reason=reason,
    )


def _nearest_free_day(day: date, occupied: set[date], blocked: Mapping[date, str]) -> date | None:
    """The nearest free weekday in the week of ``day``; later first at equal distance."""
    for offset in _candidate_offsets(day.weekday()):
        candidate = day + timedelta(days=offset)
        if candidate not in occupied and candidate not in blocked:
            return candidate
    return None


@functools.cache
def _candidate_offsets(weekday: Weekday) -> tuple[int, ...]:
    """Day offsets to try from ``weekday``: +1, -1, +2, -2, ... within Monday..Friday."""
    offsets: list[int] = []
    for distance in range(1, len(WORKDAYS)):
        for offset in (distance, -distance):
            if weekday + offset in WORKDAYS:
                offsets.append(offset)
    return tuple(offsets)
