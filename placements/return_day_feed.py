"""The municipality contact's calendar feed: the return days of their interns (when they are away).

Like the other feeds, the link carries a secret token (bound to the contact's auth epoch, so a
deactivated contact's link dies) and answers 304 to a current ETag before building anything.
"""

import hashlib
import json
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from accounts.models import Role, User
from cohort.models import CohortPhase
from core.calendar_alerts import alert_choice, alert_lead
from core.urls import external_url
from extensions import db
from placements.models import InternshipOffer, Placement, PlacementStatus
from sessions.calendar import CalendarEvent, build_feed, local_datetime
from sessions.feed_service import CATEGORIES, sign_feed_message, token_matches
from sessions.models import SessionKind, SessionStatus, TrainingSession

INTERN_STATUSES = (PlacementStatus.CONFIRMED, PlacementStatus.ACTIVE)


def municipality_feed_token(user: User) -> str:
    return sign_feed_message(f"municipality-feed:{user.id}:{user.auth_epoch}")


def municipality_feed_url(user: User) -> str:
    return external_url("feeds.municipality_feed", user_id=user.id, token=municipality_feed_token(user))


def find_contact(user_id: int, token: str) -> User | None:
    user = db.session.get(User, user_id)
    if user is None or not user.is_active or user.role != Role.MUNICIPALITY:
        return None
    return user if token_matches(token, municipality_feed_token(user)) else None


def _interns(user: User) -> list[Placement]:
    return (
        db.session.scalars(
            sa.select(Placement)
            .join(InternshipOffer)
            .where(
                InternshipOffer.municipality_id == user.municipality_id, Placement.status.in_(INTERN_STATUSES)
            )
        )
        .unique()
        .all()
    )


def _return_days(placements: list[Placement]) -> sa.Select:
    """Return-day sessions of the interns' cohorts during their internship phase."""
    return (
        sa.select(TrainingSession)
        .join(
            CohortPhase,
            sa.and_(CohortPhase.cohort_id == TrainingSession.cohort_id, CohortPhase.kind == "internship"),
        )
        .where(
            TrainingSession.cohort_id.in_({p.cohort_id for p in placements}),
            TrainingSession.kind == SessionKind.RETURN_DAY,
            TrainingSession.date.between(CohortPhase.start_date, CohortPhase.end_date),
        )
    )


def return_day_summary(placements: list[Placement]) -> list[str]:
    """What of the interns' return days shows in a feed, for its ETag: one aggregate query."""
    summary = db.session.execute(
        _return_days(placements).with_only_columns(
            sa.func.count(), sa.func.max(TrainingSession.updated_at), sa.func.sum(TrainingSession.sequence)
        )
    ).one()
    return [str(value) for value in summary]


def contact_feed_etag(user: User, placements: list[Placement]) -> str:
    parts = [
        user.id,
        user.auth_epoch,
        user.language,
        user.name,
        alert_choice(user.role, user.calendar_alert),
        [[p.id, p.status, p.trainee.name] for p in placements],
        return_day_summary(placements),
    ]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:32]


def return_day_events(
    placements: list[Placement], domain: str, tz_name: str, alert: str
) -> list[CalendarEvent]:
    """One event per intern per return day of their internship (the contact's and the
    supervisor's feeds); translated in the current locale."""
    sessions = db.session.scalars(_return_days(placements).order_by(TrainingSession.date)).all()
    category = (str(CATEGORIES[SessionKind.RETURN_DAY]),)
    events = []
    for sess in sessions:
        start = local_datetime(sess.date, sess.start_time, tz_name)
        location = sess.location or sess.cohort.location
        for placement in placements:
            if placement.cohort_id != sess.cohort_id:
                continue
            events.append(
                CalendarEvent(
                    uid=f"return-day-{placement.id}-{sess.id}@{domain}",
                    title=_("Return day: %(name)s is at the training", name=placement.trainee.name),
                    start=start,
                    end=local_datetime(sess.date, sess.end_time, tz_name),
                    location=location,
                    description=_("%(name)s is at the training all day.", name=placement.trainee.name),
                    sequence=sess.sequence,
                    is_cancelled=sess.status == SessionStatus.CANCELLED,
                    stamp=sess.updated_at,
                    categories=category,
                    alert=alert_lead(start, alert),
                )
            )
    return events


def contact_feed_calendar(user: User, placements: list[Placement]) -> bytes:
    """The return days of the municipality's interns; call it inside `force_locale(user.language)`."""
    domain = urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"
    tz_name = current_app.config["TIMEZONE"]
    events = return_day_events(placements, domain, tz_name, alert_choice(user.role, user.calendar_alert))
    return build_feed(contact_feed_name(user), tz_name, events)


def contact_feed_name(user: User) -> str:
    return _("Return days of our interns – %(name)s", name=user.name)


def contact_feed(user_id: int, token: str) -> tuple[User, list[Placement]] | None:
    user = find_contact(user_id, token)
    return (user, _interns(user)) if user is not None else None
