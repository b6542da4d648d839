"""A supervisor's own calendar feed: their interns' internship days and return days, by intern.

Supervisors have no account, so the link's secret is an HMAC of the record's id and its feed
salt: "new link" (a new salt) kills the old one. The feed answers 404 once the supervisor is
deactivated or guides no confirmed or running internship any more; an intern's days leave it
when their placement ends. Like the other feeds it answers 304 to a current ETag first.
"""

import hashlib
import json
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _

from core.calendar_alerts import AlertChoice
from core.clock import utcnow
from core.urls import external_url
from extensions import db
from placements.models import Placement, Supervisor
from placements.return_day_feed import return_day_events, return_day_summary
from placements.schedule import intern_days
from placements.supervisors import interns_of
from sessions.calendar import CalendarEvent, build_feed, local_datetime
from sessions.feed_service import CATEGORIES, sign_feed_message, token_matches
from sessions.schedule import INTERNSHIP_END, INTERNSHIP_START


def supervisor_feed_token(supervisor: Supervisor) -> str:
    return sign_feed_message(f"supervisor-feed:{supervisor.id}:{supervisor.feed_salt}")


def supervisor_feed_url(supervisor: Supervisor) -> str:
    token = supervisor_feed_token(supervisor)
    return external_url("feeds.supervisor_feed", supervisor_id=supervisor.id, token=token)


def supervisor_feed(supervisor_id: int, token: str) -> tuple[Supervisor, list[Placement]] | None:
    """The supervisor and the internships their feed shows, if the link is theirs and still lives."""
    supervisor = db.session.get(Supervisor, supervisor_id)
    if supervisor is None or not supervisor.is_active:
        return None
    if not token_matches(token, supervisor_feed_token(supervisor)):
        return None
    placements = interns_of(supervisor.id)
    return (supervisor, placements) if placements else None


def supervisor_feed_etag(supervisor: Supervisor, placements: list[Placement]) -> str:
    parts = [
        supervisor.id,
        supervisor.feed_salt,
        supervisor.name,
        [
            [p.id, p.status, p.weekdays, str(p.answered_at), p.trainee.name, p.workplace_address]
            for p in placements
        ],
        return_day_summary(placements),
    ]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:32]


def supervisor_feed_calendar(supervisor: Supervisor, placements: list[Placement]) -> bytes:
    """In Dutch (supervisors have no language setting) and without alerts (they have no account
    to choose one on); call it inside `force_locale`."""
    domain = urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"
    tz_name = current_app.config["TIMEZONE"]
    category = (str(CATEGORIES["internship"]),)
    days = intern_days(placements)
    internship = [
        CalendarEvent(
            uid=f"internship-{placement.trainee_id}-{day.isoformat()}@{domain}",
            title=_("Internship: %(name)s", name=placement.trainee.name),
            start=local_datetime(day, INTERNSHIP_START, tz_name),
            end=local_datetime(day, INTERNSHIP_END, tz_name),
            location=placement.workplace_address,
            description=_("%(name)s works at your department today.", name=placement.trainee.name),
            sequence=0,
            is_cancelled=False,
            stamp=placement.answered_at or utcnow(),
            categories=category,
        )
        for placement in placements
        for day in days[placement.id].internship_days
    ]
    away = return_day_events(placements, domain, tz_name, AlertChoice.OFF)
    name = _("Interns of %(name)s", name=supervisor.name)
    return build_feed(name, tz_name, sorted(internship + away, key=lambda event: event.start))
