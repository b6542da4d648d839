"""The navigation of each role, offered to every template."""

from datetime import date
from functools import lru_cache

from babel.dates import parse_pattern
from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from accounts.forms import role_choices
from accounts.models import Role
from core.day_format import format_day_range
from core.labels import actor, label

NAVIGATION = {
    Role.MANAGER: [
        ("reports.dashboard", _l("Overview")),
        ("cohorts.index", _l("Groups")),
        ("municipalities.index", _l("Municipalities")),
        ("programmes.index", _l("Programmes")),
        ("accounts.users", _l("Users")),
        ("reminders.outbox", _l("Messages")),
        ("reminder_rules.index", _l("Reminders")),
        ("outcomes.index", _l("Outcomes")),
        ("exports.index", _l("Exports")),
        ("privacy_audit.index", _l("Audit log")),
    ],
    Role.MUNICIPALITY: [
        ("placements.portal", _l("Our municipality")),
        ("outcomes.portal", _l("Former interns")),
    ],
    Role.TRAINEE: [("sessions.my_schedule", _l("My schedule"))],
    Role.TRAINER: [("sessions.teaching", _l("My sessions")), ("cohorts.index", _l("Groups"))],
}


@lru_cache(maxsize=64)
def _date_pattern(pattern: str):
    return parse_pattern(pattern)


def _memoized_label():
    """`label`, translated once per code per page: a page of 200 rows asks for the same few codes."""
    known = {}

    def memoized(code: str | None) -> str:
        if code not in known:
            known[code] = label(code)
        return known[code]

    return memoized


def _day_formatter(locale):
    """Like the `dateformat` filter for a date (no time, so no timezone) with a CLDR pattern, at a
    fraction of its cost per call: the locale is looked up once per page, not once per row."""

    def format_day(day: date, pattern: str) -> str:
        return _date_pattern(pattern).apply(day, locale)

    return format_day


def _range_formatter(locale):
    """ "22–26 maart", with the year when the range is not (wholly) in `this_year`."""

    def format_days(first: date, last: date, this_year: int) -> str:
        with_year = first.year != this_year or last.year != this_year
        return format_day_range(first, last, str(locale or "nl"), with_year)

    return format_days


def navigation() -> dict:
    # Outside a request (an e-mail rendered by a job) there is no current user.
    signed_in = getattr(current_user, "is_authenticated", False)
    items = NAVIGATION.get(current_user.role, []) if signed_in else []
    locale = get_locale()
    return {
        "nav_items": items,
        "language": str(locale or "nl"),
        "role_labels": dict(role_choices()),
        "organisation_name": current_app.config["ORGANISATION_NAME"],
        "label": _memoized_label(),
        "actor": actor,
        "format_day": _day_formatter(locale),
        "format_days": _range_formatter(locale),
    }
