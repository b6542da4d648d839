"""What reminder is due when. Pure: plain values in and out, no Flask, no database, no clock.

Each kind of reminder has a rule with defaults (`DEFAULT_RULES`) that a manager may switch off or
re-time; the stored settings are merged over the defaults by `rule_from`. Due times are local
(Europe/Amsterdam) wall-clock times turned into aware UTC datetimes by `local_due`, so 18:00 stays
18:00 across the summer-time change. A working day is Monday to Friday and not a holiday
(core/workdays.py).
"""

from collections.abc import Container, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from cohort.follow_ups.rules import FOLLOW_UP_AT
from core.clock import local_moment

# Working-day arithmetic lives in core.workdays; imported here, so `rules.add_working_days` etc. still work.
from core.workdays import add_working_days, is_working_day, previous_working_day

SESSION_REMINDER = "session_reminder"
RETURN_DAY_NOTICE = "return_day_notice"
PLACEMENT_CHASE = "placement_chase"
UNPLACED_ALERT = "unplaced_alert"
EVALUATION_DUE = "evaluation_due"
EVALUATION_CHASE = "evaluation_chase"  # a message kind of the evaluation_due rule, not a rule itself
WEEKLY_DIGEST = "weekly_digest"
FOLLOW_UP = "follow_up"  # after the programme; its timing is cohort/follow_ups/rules.py's

# The settings of each rule, as stored in ReminderRule.settings: "time" is local HH:MM,
# "days_before" calendar days, "working_days" Monday..Friday without holidays.
DEFAULT_RULES: dict[str, dict] = {
    SESSION_REMINDER: {"time": "18:00", "days_before": 1},
    RETURN_DAY_NOTICE: {"time": "08:00"},
    PLACEMENT_CHASE: {"time": "09:00", "working_days": 5},
    UNPLACED_ALERT: {"time": "08:00", "working_days": 10},
    EVALUATION_DUE: {"time": "09:00", "working_days": 5},
    WEEKLY_DIGEST: {"time": "08:00"},
    FOLLOW_UP: {"time": f"{FOLLOW_UP_AT:%H:%M}"},
}
KINDS = tuple(DEFAULT_RULES)
NUMBER_FIELDS = ("days_before", "working_days")
MAX_NUMBER = 30

# Problem codes of `check_settings`; the form gives them words.
BAD_TIME = "bad_time"
BAD_NUMBER = "bad_number"


@dataclass(frozen=True)
class Rule:
    kind: str
    is_enabled: bool
    at: time
    days_before: int = 0
    working_days: int = 0


# --- settings -----------------------------------------------------------------------


def parse_hhmm(value: object) -> time | None:
    """ "18:00" or "8:05" -> a time; None for anything else (also "24:00", "7:5", "18:00:00")."""
    if not isinstance(value, str):
        return None
    hours, sep, minutes = value.strip().partition(":")
    if not sep or not hours.isdecimal() or len(hours) > 2 or not minutes.isdecimal() or len(minutes) != 2:
        return None
    if int(hours) > 23 or int(minutes) > 59:
        return None
    return time(int(hours), int(minutes))


def parse_number(value: object) -> int | None:
    """A whole number 0..MAX_NUMBER from an int or a string of digits; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdecimal():
        value = int(value.strip())
    return value if isinstance(value, int) and 0 <= value <= MAX_NUMBER else None


def check_settings(kind: str, values: Mapping[str, object]) -> tuple[dict, dict[str, str]]:
    """The clean settings of a rule (only its own fields) and field name -> problem code.

    A field that is missing from `values` keeps its default.
    """
    clean, problems = {}, {}
    for name, default in DEFAULT_RULES[kind].items():
        value = values.get(name, default)
        if name == "time":
            parsed = parse_hhmm(value)
            clean[name], problem = (f"{parsed:%H:%M}", None) if parsed else (None, BAD_TIME)
        else:
            clean[name] = parse_number(value)
            problem = BAD_NUMBER if clean[name] is None else None
        if problem:
            problems[name] = problem
    return clean, problems


def rule_from(kind: str, is_enabled: bool = True, stored: Mapping[str, object] | None = None) -> Rule:
    """The rule as it applies: stored settings over the defaults; a broken stored value is ignored."""
    defaults = DEFAULT_RULES[kind]
    clean, problems = check_settings(kind, {**defaults, **(stored or {})})
    settings = {name: defaults[name] if name in problems else value for name, value in clean.items()}
    return Rule(
        kind=kind,
        is_enabled=bool(is_enabled),
        at=parse_hhmm(settings["time"]),
        days_before=settings.get("days_before", 0),
        working_days=settings.get("working_days", 0),
    )


# --- time arithmetic ------------------------------------------------------------------


local_due = local_moment  # the name every scan uses


def local_now(now: datetime, tz_name: str) -> datetime:
    return now.astimezone(ZoneInfo(tz_name))


# --- when each kind is due --------------------------------------------------------------


def session_reminder_due(session_day: date, rule: Rule, tz_name: str) -> datetime:
    """`days_before` calendar days before the session, at the rule's time."""
    return local_due(session_day - timedelta(days=rule.days_before), rule.at, tz_name)


def return_notice_due(return_day: date, rule: Rule, holidays: Container[date], tz_name: str) -> datetime:
    """The working day before the return day, at the rule's time."""
    return local_due(previous_working_day(return_day, holidays), rule.at, tz_name)


def latest_chase(
    start_day: date, rule: Rule, holidays: Container[date], tz_name: str, now: datetime
) -> tuple[int, datetime] | None:
    """(number, due time) of the last chase that is due by `now`, counting from `start_day`.

    Chase n is due `n * working_days` working days after the start day; only the latest one
    is returned, so a scan after a long pause sends one chase, not every missed one. An interval
    of 0 counts as 1: a chase every working day at most.
    """
    every, found, day = max(rule.working_days, 1), None, start_day
    while True:
        day = add_working_days(day, every, holidays)
        due = local_due(day, rule.at, tz_name)
        if due > now:
            return found
        found = (found[0] + 1 if found else 1, due)


def unplaced_alert_applies(
    today: date, internship_start: date, rule: Rule, holidays: Container[date]
) -> bool:
    """True on each working day before the internship starts, from `working_days` working days before it."""
    if not is_working_day(today, holidays):
        return False
    return today < internship_start <= add_working_days(today, rule.working_days, holidays)


def evaluation_stage(
    due_day: date, rule: Rule, holidays: Container[date], tz_name: str, now: datetime
) -> tuple[str, datetime] | None:
    """Which evaluation message applies at `now`, with its due time, or None.

    EVALUATION_DUE from the due date at the rule's time until the chase is due, `working_days`
    working days later; EVALUATION_CHASE for as many working days after that. Before and after:
    None, so an evaluation that was missed long ago is not chased out of the blue.
    """
    every = max(rule.working_days, 1)
    chase_day = add_working_days(due_day, every, holidays)
    first, chase = local_due(due_day, rule.at, tz_name), local_due(chase_day, rule.at, tz_name)
    if now < first or now >= local_due(add_working_days(chase_day, every, holidays), rule.at, tz_name):
        return None
    return (EVALUATION_CHASE, chase) if now >= chase else (EVALUATION_DUE, first)


def digest_week(now: datetime, rule: Rule, tz_name: str) -> tuple[date, str] | None:
    """(Monday, "2026-W14") on a Monday from the rule's time on; None on any other moment."""
    today = local_now(now, tz_name).date()
    if today.weekday() != 0 or now < local_due(today, rule.at, tz_name):
        return None
    iso_year, iso_week, _ = today.isocalendar()
    return today, f"{iso_year}-W{iso_week}"
