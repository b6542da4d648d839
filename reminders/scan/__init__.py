"""The reminder scan: every message whose moment has come while its occasion is still ahead.

`scan(now)` runs every minute (the scheduler's job, `flask reminders send-due`). A message is made
once its due time has passed (due_at <= now) and only while what it is about is still ahead: the
session has not started, the return day has not ended, the proposal is still open. So a second
run adds nothing (the unique key), and a scheduler that was down for a week does not send last
week's reminders. Each rule costs a fixed number of queries, however many trainees, and adds its
messages with one `insert_messages` call. The scan flushes, never commits: its caller does.
"""

from collections.abc import Mapping
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from core.errors import ValidationError
from core.holidays import dutch_holidays
from extensions import db
from outbox.queue import insert_messages
from reminders import rules
from reminders.models import ReminderRule
from reminders.scan.common import (
    INTERN_STATUSES,
    RETURN_NOTICE_LOOKAHEAD,
    SUBJECT_LENGTH,
    SUPERVISOR_LANGUAGE,
    Moment,
)
from reminders.scan.digest import weekly_digests
from reminders.scan.follow_up_messages import follow_up_messages
from reminders.scan.placement_messages import evaluation_messages, placement_chases, unplaced_alerts
from reminders.scan.session_messages import return_day_notices, session_reminders

__all__ = [
    "INTERN_STATUSES",
    "RETURN_NOTICE_LOOKAHEAD",
    "RULE_SCANS",
    "SUBJECT_LENGTH",
    "SUPERVISOR_LANGUAGE",
    "Moment",
    "load_rules",
    "save_rules",
    "scan",
]


def scan(now: datetime) -> int:
    """Add every reminder that is due at `now` (aware) to the outbox; returns how many are new."""
    if now.tzinfo is None:
        raise ValueError("scan() needs an aware datetime")
    tz = current_app.config["TIMEZONE"]
    today = rules.local_now(now, tz).date()
    moment = Moment(now, tz, today, dutch_holidays(range(today.year - 1, today.year + 2)))
    created = 0
    for kind, rule in load_rules().items():
        if rule.is_enabled:
            created += insert_messages(RULE_SCANS[kind](moment, rule))
    return created


# --- the rules' settings ---------------------------------------------------------------


def load_rules() -> dict[str, rules.Rule]:
    """Every rule as it applies: a kind without a stored row has its defaults and is on."""
    stored = {row.kind: row for row in db.session.scalars(sa.select(ReminderRule))}
    return {
        kind: rules.rule_from(kind, row.is_enabled, row.settings) if row else rules.rule_from(kind)
        for kind, row in ((kind, stored.get(kind)) for kind in rules.KINDS)
    }


def _problem(code: str) -> str:
    if code == rules.BAD_TIME:
        return _("Use a time as HH:MM, for example 18:00.")
    return _("Use a whole number from 0 to %(max)d.", max=rules.MAX_NUMBER)


def save_rules(values: Mapping[str, Mapping[str, object]]) -> None:
    """Store each given rule's on/off and timing; when any field is wrong, nothing is stored.

    `values` maps a kind to {"is_enabled": bool, "<setting>": text}; errors name `<kind>-<setting>`.
    """
    checked, problems = {}, {}
    for kind in (k for k in rules.KINDS if k in values):
        settings, found = rules.check_settings(kind, values[kind])
        checked[kind] = (bool(values[kind].get("is_enabled")), settings)
        problems.update({f"{kind}-{name}": _problem(code) for name, code in found.items()})
    if problems:
        raise ValidationError(_("The settings are not saved. Check the marked fields."), problems)
    stored = {row.kind: row for row in db.session.scalars(sa.select(ReminderRule))}
    for kind, (is_enabled, settings) in checked.items():
        row = stored.get(kind) or ReminderRule(kind=kind)
        row.is_enabled, row.settings = is_enabled, settings
        db.session.add(row)
    db.session.flush()


RULE_SCANS = {
    rules.SESSION_REMINDER: session_reminders,
    rules.RETURN_DAY_NOTICE: return_day_notices,
    rules.PLACEMENT_CHASE: placement_chases,
    rules.UNPLACED_ALERT: unplaced_alerts,
    rules.EVALUATION_DUE: evaluation_messages,
    rules.WEEKLY_DIGEST: weekly_digests,
    rules.FOLLOW_UP: follow_up_messages,
}
