"""Calendar feeds: the secret links, who may use them, and the data a feed is built from.

A phone calendar cannot log in, so the secret in the link is the only key. It is never
stored: it is an HMAC (keyed with SECRET_KEY) of values the database already holds, and
changing one of them kills the link: the trainee's calendar salt (the trainee's "new
link" button), or a manager's or trainer's auth epoch (deactivation, new password).

Queries take plain arguments; only the reset view commits. A feed costs the same few
queries whatever the number of sessions.
"""

import base64
import functools
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from accounts.models import Role, User
from cohort.access import cohorts_for
from cohort.models import Cohort, Trainee, TraineeStatus, new_calendar_salt
from core.calendar_alerts import AlertChoice, alert_choice, alert_lead
from core.clock import local_today, utcnow
from core.urls import external_url
from extensions import db
from placements.models import Placement
from sessions.calendar import CalendarEvent, build_feed, local_datetime
from sessions.models import SessionKind, TrainingSession
from sessions.schedule import internship_items

TOKEN_LENGTH = 32
# Part of every ETag: raise it when the calendar text changes shape (new field, new wording),
# so subscribed calendars fetch the new version instead of being told "not modified".
FEED_FORMAT = 2
COHORT_FEED_ROLES = (Role.MANAGER, Role.TRAINER)
DEFAULT_TITLES = {
    SessionKind.TRAINING: _l("Training day"),
    SessionKind.RETURN_DAY: _l("Return day"),
    SessionKind.EXTRA: _l("Extra meeting"),
}
# The CATEGORIES of each kind of day, which clients can colour or filter by.
CATEGORIES = {**DEFAULT_TITLES, "internship": _l("Internship day")}


@dataclass(frozen=True)
class Feed:
    """What one feed link shows: a cohort's sessions, in one language.

    `until` (exclusive) cuts off the sessions of a withdrawn trainee. `identity` holds
    what the link stands for, so the ETag changes when the link's owner changes.
    """

    cohort: Cohort
    language: str
    identity: str
    until: date | None = None
    trainee: Trainee | None = None  # a trainee's own feed also shows their internship days
    alert: str = AlertChoice.OFF
    owner: str = ""  # whose feed it is, in the calendar's name


# --- Links --------------------------------------------------------------------------


def sign_feed_message(message: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, message.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")[:TOKEN_LENGTH]


def token_matches(given: str, expected: str) -> bool:
    # Bytes, so a non-ASCII token from the URL is a mismatch rather than a TypeError.
    return hmac.compare_digest(given.encode(), expected.encode())


def trainee_feed_token(trainee: Trainee) -> str:
    return sign_feed_message(f"trainee-feed:{trainee.id}:{trainee.calendar_salt}")


def cohort_feed_token(cohort_id: int, user: User) -> str:
    return sign_feed_message(f"cohort-feed:{cohort_id}:{user.id}:{user.auth_epoch}")


def trainee_feed_url(trainee: Trainee) -> str:
    """The trainee's private, absolute feed link (http(s); the partial offers webcal:// too)."""
    return external_url("feeds.trainee_feed", trainee_id=trainee.id, token=trainee_feed_token(trainee))


def cohort_feed_url(cohort: Cohort, user: User) -> str:
    """A manager's or trainer's private, absolute feed link for one cohort."""
    token = cohort_feed_token(cohort.id, user)
    return external_url("feeds.cohort_feed", cohort_id=cohort.id, user_id=user.id, token=token)


def reset_trainee_feed(trainee: Trainee) -> None:
    """A new salt: the old feed link answers 404 from now on. Flushes; the caller commits."""
    trainee.calendar_salt = new_calendar_salt()
    db.session.flush()


# --- Who may use a link ---------------------------------------------------------------


def _today() -> date:
    return local_today(current_app.config["TIMEZONE"])


def history_cutoff(trainee: Trainee, today: date) -> date | None:
    """A withdrawn trainee keeps their past sessions, but no future ones: the feed keeps
    answering (a calendar that gets 404s shows errors), and the future events disappear
    from their phone. The cutoff is the withdrawal day, or today if that is not known."""
    if not trainee.is_withdrawn:
        return None
    return min(trainee.withdrawn_on or today, today)


def find_trainee_feed(trainee_id: int, token: str) -> Feed | None:
    """The trainee's feed if the token is theirs, in the language of their account (else Dutch).

    A deactivated account ends the feed too, like every other way in.
    """
    row = db.session.execute(
        sa.select(Trainee, User.language, User.is_active, User.calendar_alert)
        .options(joinedload(Trainee.cohort))
        .outerjoin(User, User.trainee_id == Trainee.id)
        .where(Trainee.id == trainee_id)
        .limit(1)
    ).first()
    if row is None or row.is_active is False or not token_matches(token, trainee_feed_token(row.Trainee)):
        return None
    trainee = row.Trainee
    alert = alert_choice(Role.TRAINEE, row.calendar_alert)
    identity = f"trainee:{trainee.id}:{trainee.calendar_salt}:{trainee.status}:{alert}:{trainee.name}"
    until = history_cutoff(trainee, _today())
    return Feed(trainee.cohort, row.language or "nl", identity, until, trainee, alert, trainee.name)


@dataclass(frozen=True)
class FeedVersion:
    """What a conditional GET needs to know about a feed: its ETag and its language."""

    etag: str
    language: str


def trainee_feed_version(trainee_id: int, token: str) -> FeedVersion | None:
    """The trainee feed's ETag in one query, without loading the feed (None: no such link).

    It checks the link exactly like find_trainee_feed and covers what feed_etag covers: the
    cohort's sessions up to the withdrawal cutoff and the trainee's placements. A calendar
    client polls the same unchanged feed all day, so this is the path that must stay cheap.
    """
    today = _today()
    params = {"trainee_id": trainee_id, "today": today}
    row = db.session.execute(_trainee_feed_version_query(), params).first()
    if row is None or row.is_active is False:
        return None
    salt = row.calendar_salt
    if not token_matches(token, sign_feed_message(f"trainee-feed:{trainee_id}:{salt}")):
        return None
    until = min(row.withdrawn_on or today, today) if row.status == TraineeStatus.WITHDRAWN else None
    language = row.language or "nl"
    alert = alert_choice(Role.TRAINEE, row.calendar_alert)
    parts = [
        FEED_FORMAT,
        f"trainee:{trainee_id}:{salt}:{row.status}:{alert}",
        row.name,
        language,
        str(until),
        row.cohort_name,
        row.cohort_location,
        row.session_count,
        str(row.last_update),
        row.sequences,
        row.last_id,
        row.placements,
    ]
    return FeedVersion(hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:32], language)


@functools.cache
def _trainee_feed_version_query() -> sa.Select:
    """Built once (a statement is immutable): the link's trainee, account, cohort, a summary of
    the sessions the feed shows and of the placements, for one trainee, in one row.

    Plain table columns, so the ORM's per-statement work is skipped."""
    trainees, users, cohorts = Trainee.__table__, User.__table__, Cohort.__table__
    sessions, placements = TrainingSession.__table__, Placement.__table__
    today = sa.bindparam("today", type_=sa.Date)
    # history_cutoff in SQL: a withdrawn trainee's feed ends at min(withdrawal day or today, today).
    in_feed = sa.or_(
        trainees.c.status != TraineeStatus.WITHDRAWN.value,
        sa.and_(
            sessions.c.date < today,
            sa.or_(trainees.c.withdrawn_on.is_(None), sessions.c.date < trainees.c.withdrawn_on),
        ),
    )
    placement_text = (
        sa.cast(placements.c.id, sa.String)
        + ":"
        + placements.c.status
        + ":"
        + placements.c.weekdays
        + ":"
        + sa.func.coalesce(sa.cast(placements.c.answered_at, sa.String), "")
    )
    # The order of the parts is the database's; a different order only costs one needless 200.
    placement_summary = (
        sa.select(sa.func.aggregate_strings(placement_text, ";"))
        .where(placements.c.trainee_id == trainees.c.id)
        .scalar_subquery()
    )
    return (
        sa.select(
            trainees.c.calendar_salt,
            trainees.c.name,
            trainees.c.status,
            trainees.c.withdrawn_on,
            cohorts.c.name.label("cohort_name"),
            cohorts.c.location.label("cohort_location"),
            users.c.language,
            users.c.is_active,
            users.c.calendar_alert,
            sa.func.count(sessions.c.id).label("session_count"),
            sa.func.max(sessions.c.updated_at).label("last_update"),
            sa.func.sum(sessions.c.sequence).label("sequences"),
            sa.func.max(sessions.c.id).label("last_id"),
            placement_summary.label("placements"),
        )
        .select_from(trainees)
        .join(cohorts, cohorts.c.id == trainees.c.cohort_id)
        .outerjoin(users, users.c.trainee_id == trainees.c.id)
        .outerjoin(sessions, sa.and_(sessions.c.cohort_id == trainees.c.cohort_id, in_feed))
        .where(trainees.c.id == sa.bindparam("trainee_id"))
        .group_by(trainees.c.id, cohorts.c.id, users.c.id)
        .limit(1)
    )


def find_cohort_feed(cohort_id: int, user_id: int, token: str) -> Feed | None:
    """The cohort feed for an active manager (any cohort) or a trainer who teaches in the cohort."""
    user = db.session.get(User, user_id)
    if user is None or not user.is_active or user.role not in COHORT_FEED_ROLES:
        return None
    if not token_matches(token, cohort_feed_token(cohort_id, user)):
        return None
    # The cohort scope says which cohorts a trainer sees: those they give a session in.
    cohort = db.session.scalar(cohorts_for(user).where(Cohort.id == cohort_id))
    if cohort is None:
        return None
    alert = alert_choice(user.role, user.calendar_alert)
    identity = f"user:{user.id}:{user.auth_epoch}:{user.role}:{alert}:{user.name}"
    return Feed(cohort, user.language, identity, alert=alert, owner=user.name)


# --- What a feed shows --------------------------------------------------------------


def _feed_filter(feed: Feed) -> list:
    conditions = [TrainingSession.cohort_id == feed.cohort.id]
    if feed.until is not None:
        conditions.append(TrainingSession.date < feed.until)
    return conditions


def feed_etag(feed: Feed) -> str:
    """A strong validator from one aggregate query, so a 304 costs no calendar building.

    Any edit raises max(updated_at), an added or deleted session changes the count or max(id).
    A trainer's new name alone does not; the 5-minute cache and the next session edit cover it.
    """
    count, last_update, sequences, last_id = db.session.execute(
        sa.select(
            sa.func.count(),
            sa.func.max(TrainingSession.updated_at),
            sa.func.sum(TrainingSession.sequence),
            sa.func.max(TrainingSession.id),
        ).where(*_feed_filter(feed))
    ).one()
    parts = [
        FEED_FORMAT,
        feed.identity,
        feed.language,
        str(feed.until),
        feed.cohort.name,
        feed.cohort.location,
        count,
        str(last_update),
        sequences,
        last_id,
        _placement_version(feed),
    ]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:32]


def _placement_version(feed: Feed) -> list:
    """What of the trainee's placements shows in the feed; a confirmation changes the ETag."""
    if feed.trainee is None:
        return []
    rows = db.session.execute(
        sa.select(Placement.id, Placement.status, Placement.weekdays, Placement.answered_at).where(
            Placement.trainee_id == feed.trainee.id
        )
    )
    return [[str(value) for value in row] for row in rows]


def _internship_events(feed: Feed, domain: str, tz_name: str, page: str) -> list[CalendarEvent]:
    if feed.trainee is None:
        return []
    events = []
    for item in internship_items(feed.trainee):
        if feed.until is not None and item.date >= feed.until:
            continue
        start = local_datetime(item.date, item.start_time, tz_name)
        supervisor = _("Supervisor: %(name)s", name=item.trainer) if item.trainer else ""
        events.append(
            CalendarEvent(
                uid=f"internship-{feed.trainee.id}-{item.date.isoformat()}@{domain}",
                title=_("Internship: %(municipality)s", municipality=item.title),
                start=start,
                end=local_datetime(item.date, item.end_time, tz_name),
                location=item.location,
                description=_description_lines(address=item.location, person=supervisor),
                sequence=0,
                is_cancelled=False,
                stamp=feed.cohort.planned_at or utcnow(),
                url=page,
                categories=(str(CATEGORIES["internship"]),),
                alert=alert_lead(start, feed.alert),
            )
        )
    return events


def _description_lines(*, what: str = "", address: str = "", person: str = "") -> str:
    """An event's DESCRIPTION: what to bring, the address, the trainer. Never the internal notes."""
    lines = [what, _("Address: %(address)s", address=address) if address else "", person]
    return "\n\n".join(line for line in lines if line)


def _title(sess: TrainingSession) -> str:
    title = sess.title or str(DEFAULT_TITLES.get(sess.kind, _("Meeting")))
    # Google Calendar shows cancelled events in subscriptions as if they were on: say it in words.
    return _("Cancelled: %(title)s", title=title) if sess.is_cancelled else title


def session_event(
    sess: TrainingSession,
    cohort: Cohort,
    domain: str,
    tz_name: str,
    *,
    url: str = "",
    alert: str = AlertChoice.OFF,
) -> CalendarEvent:
    """A session as an event; `url` is the page it links to, `alert` the person's AlertChoice."""
    start = local_datetime(sess.date, sess.start_time, tz_name)
    location = sess.location or cohort.location
    trainer = _("Trainer: %(name)s", name=sess.trainer.name) if sess.trainer else ""
    return CalendarEvent(
        uid=f"session-{sess.id}@{domain}",
        title=_title(sess),
        start=start,
        end=local_datetime(sess.date, sess.end_time, tz_name),
        location=location,
        description=_description_lines(what=sess.description, address=location, person=trainer),
        sequence=sess.sequence,
        is_cancelled=sess.is_cancelled,
        stamp=sess.updated_at,
        url=url,
        categories=(str(CATEGORIES.get(sess.kind, CATEGORIES[SessionKind.EXTRA])),),
        alert=alert_lead(start, alert),
    )


def feed_name(cohort: Cohort, owner: str) -> str:
    """The calendar's name in the client: the cohort's schedule, and whose it is."""
    return _("Schedule %(cohort)s – %(name)s", cohort=cohort.name, name=owner)


def feed_calendar(feed: Feed) -> bytes:
    """The feed as iCalendar bytes, in one query (trainers are joined). Translates with the
    current locale: call it inside `force_locale(feed.language)`.

    A trainee's events link to the session on their schedule, a staff member's to the cohort page."""
    sessions = db.session.scalars(
        sa.select(TrainingSession)
        .where(*_feed_filter(feed))
        .order_by(TrainingSession.date, TrainingSession.start_time, TrainingSession.id)
    ).all()
    domain = urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"
    tz_name = current_app.config["TIMEZONE"]
    if feed.trainee is not None:
        page = external_url("sessions.my_schedule")
        url_of = lambda sess: f"{page}#session-{sess.id}"  # noqa: E731
    else:
        page = external_url("cohorts.detail", cohort_id=feed.cohort.id)
        url_of = lambda sess: page  # noqa: E731
    name = feed_name(feed.cohort, feed.owner)
    events = [
        session_event(sess, feed.cohort, domain, tz_name, url=url_of(sess), alert=feed.alert)
        for sess in sessions
    ]
    return build_feed(name, tz_name, events + _internship_events(feed, domain, tz_name, page))
