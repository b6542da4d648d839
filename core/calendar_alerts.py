"""Calendar alerts: when a feed's VALARM goes off before a session. Pure: no Flask, no database.

Some clients drop the alarms of a subscribed calendar (Google does), so an alert is a
convenience; the e-mail reminder stays the channel that counts.
"""

import enum
from datetime import UTC, datetime, time, timedelta


class AlertChoice(enum.StrEnum):
    """When a calendar alert goes off before a session, as a person chooses it on their account."""

    OFF = "off"
    EVENING_BEFORE = "evening"  # at 18:00 local time on the day before
    TWO_HOURS = "2h"
    ONE_HOUR = "1h"


EVENING_ALERT_AT = time(18, 0)
LEADS = {AlertChoice.TWO_HOURS: timedelta(hours=2), AlertChoice.ONE_HOUR: timedelta(hours=1)}


def alert_lead(start: datetime, choice: str) -> timedelta | None:
    """How long before `start` the alert goes off (None: no alert)."""
    if choice == AlertChoice.EVENING_BEFORE:
        evening = datetime.combine(start.date() - timedelta(days=1), EVENING_ALERT_AT, tzinfo=start.tzinfo)
        # In UTC: aware datetimes that share a tzinfo subtract as wall-clock times, which is
        # an hour off when summer time changes in the night between.
        return start.astimezone(UTC) - evening.astimezone(UTC)
    return LEADS.get(choice)


# On by default for trainees only; staff, contacts and supervisors choose an alert themselves.
DEFAULT_ALERTS = {"trainee": AlertChoice.EVENING_BEFORE}


def alert_choice(role: str, chosen: str | None) -> str:
    """The alert a person's feed carries: their own choice, else their role's default."""
    return chosen or DEFAULT_ALERTS.get(role, AlertChoice.OFF)
