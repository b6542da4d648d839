"""What every rule's scan shares: the scan's moment, building one outbox row, the active users."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale

from accounts.models import Role, User
from extensions import db
from outbox.queue import fit_key
from placements.models import PlacementStatus
from placements.supervisors import SUPERVISOR_LANGUAGE  # noqa: F401 (the scans' name for it)
from reminders import rules

SUBJECT_LENGTH = 200  # the column's size
# A return-day notice goes out on the working day before: never more than a few days ahead.
RETURN_NOTICE_LOOKAHEAD = timedelta(days=10)
INTERN_STATUSES = (PlacementStatus.CONFIRMED, PlacementStatus.ACTIVE)


@dataclass(frozen=True)
class Moment:
    """The scan's "now", in UTC and as the local date, with the holidays around it."""

    now: datetime
    tz: str
    today: date
    holidays: Mapping[date, str]

    def at(self, day: date, clock: time) -> datetime:
        return rules.local_due(day, clock, self.tz)


# --- building messages -------------------------------------------------------------------


def message(kind: str, key: str, recipient: str, language: str, due_at: datetime, context: dict, **ids):
    """One outbox row, rendered from mail/<kind>_subject.txt, .txt and .html in the reader's language."""
    with force_locale(language):
        subject = render_template(f"mail/{kind}_subject.txt", **context)
        body_text = render_template(f"mail/{kind}.txt", **context)
        body_html = render_template(f"mail/{kind}.html", **context)
    return {
        "kind": kind,
        "key": fit_key(key),
        "recipient": recipient,
        "language": language,
        "due_at": due_at,
        "subject": " ".join(subject.split())[:SUBJECT_LENGTH],
        "body_text": body_text,
        "body_html": body_html,
        # Every row names every field: a multi-row INSERT needs the same columns in each row.
        **{"recipient_user_id": None, "session_id": None, "trainee_id": None, "placement_id": None},
        "payload": None,
        **ids,
    }


def active_users(role: Role, *conditions) -> list[User]:
    query = sa.select(User).where(User.role == role, User.is_active, *conditions).order_by(User.id)
    return list(db.session.scalars(query))
