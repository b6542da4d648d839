"""Calendar feeds (iCalendar) that a phone calendar subscribes to, and the trainee's "new link".

The feed URLs need no login: the secret token in the path is the key (see feed_service).
Anything wrong with a link (unknown id, wrong token, no longer allowed) answers 404, so a
link reveals nothing about what exists.
"""

import time

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from accounts.models import Role
from accounts.permissions import role_required
from cohort.access import cohorts_for, trainees_for
from core.scope import one_or_404
from core.sessions import sessionless
from extensions import db
from placements.return_day_feed import (
    contact_feed,
    contact_feed_calendar,
    contact_feed_etag,
    contact_feed_name,
    municipality_feed_url,
)
from placements.supervisor_feed import supervisor_feed as supervisor_feed_of
from placements.supervisor_feed import supervisor_feed_calendar, supervisor_feed_etag
from placements.supervisors import SUPERVISOR_LANGUAGE
from sessions.feed_cache import FeedCache
from sessions.feed_service import (
    Feed,
    cohort_feed_url,
    feed_calendar,
    feed_etag,
    feed_name,
    find_cohort_feed,
    find_trainee_feed,
    reset_trainee_feed,
    trainee_feed_url,
    trainee_feed_version,
)
from sessions.subscribe import subscribe_links

bp = Blueprint("feeds", __name__)

CALENDAR_CONTENT_TYPE = "text/calendar; charset=utf-8"
# Private: the feed is personal; 5 minutes spares the database when a client polls eagerly.
CACHE_SECONDS = 300
# Built feeds kept per worker (sessions/feed_cache.py): a cohort's year is ~100 kB of text.
FEED_CACHE_BYTES = 8 * 1024 * 1024


def _calendar_response(feed: Feed | None) -> Response:
    """The feed, or 304 when the client's copy is current (checked before building anything)."""
    if feed is None:
        abort(404)
    etag = feed_etag(feed)
    return _conditional(etag, feed.language, lambda: _cached_calendar(etag, lambda: feed_calendar(feed)))


def _feed_cache() -> FeedCache:
    cache = current_app.extensions.get("calendar_feed_cache")
    if cache is None:
        cache = current_app.extensions.setdefault(
            "calendar_feed_cache", FeedCache(FEED_CACHE_BYTES, CACHE_SECONDS)
        )
    return cache


def _cached_calendar(etag: str, build) -> bytes:
    """The feed's text, built once per ETag (and at most every CACHE_SECONDS) in this worker."""
    cache, now = _feed_cache(), time.monotonic()
    body = cache.get(etag, now)
    if body is None:
        body = build()
        cache.put(etag, body, now)
    return body


def _conditional(etag: str, language: str, build) -> Response:
    if request.if_none_match.contains_weak(etag):
        response = Response(status=304)
    else:
        with force_locale(language):
            response = Response(build(), content_type=CALENDAR_CONTENT_TYPE)
    response.set_etag(etag)
    response.cache_control.private = True
    response.cache_control.max_age = CACHE_SECONDS
    return response


@bp.get("/calendar/trainee/<int:trainee_id>/<token>.ics")
@sessionless
def trainee_feed(trainee_id: int, token: str):
    """The most polled URL of the app: the ETag comes from one query, the feed only on a cache miss."""
    version = trainee_feed_version(trainee_id, token)
    if version is None:
        abort(404)
    build = lambda: _cached_calendar(version.etag, lambda: _trainee_calendar(trainee_id, token))  # noqa: E731
    return _conditional(version.etag, version.language, build)


def _trainee_calendar(trainee_id: int, token: str) -> bytes:
    feed = find_trainee_feed(trainee_id, token)
    if feed is None:  # the link was reset a moment ago
        abort(404)
    return feed_calendar(feed)


@bp.get("/calendar/cohort/<int:cohort_id>/user/<int:user_id>/<token>.ics")
@sessionless
def cohort_feed(cohort_id: int, user_id: int, token: str):
    return _calendar_response(find_cohort_feed(cohort_id, user_id, token))


@bp.get("/calendar/municipality/user/<int:user_id>/<token>.ics")
@sessionless
def municipality_feed(user_id: int, token: str):
    """A municipality contact's feed of the days their interns are away at the training."""
    found = contact_feed(user_id, token)
    if found is None:
        abort(404)
    user, interns = found
    return _conditional(
        contact_feed_etag(user, interns), user.language, lambda: contact_feed_calendar(user, interns)
    )


# --- The subscribe page: one person's feed, with the steps for each calendar app ------------


@bp.get("/calendar")
@login_required
def subscribe():
    """The own feed of a trainee (their schedule) or a municipality contact (their interns' return
    days); staff subscribe per cohort (subscribe_cohort), so they go to the cohorts."""
    if current_user.role == Role.TRAINEE:
        trainee = one_or_404(trainees_for(current_user), current_user.trainee_id)
        url, name = trainee_feed_url(trainee), feed_name(trainee.cohort, trainee.name)
        return _subscribe_page(url, name, url_for("sessions.my_schedule"), can_reset=True)
    if current_user.role == Role.MUNICIPALITY:
        url, name = municipality_feed_url(current_user), contact_feed_name(current_user)
        return _subscribe_page(url, name, url_for("placements.portal"))
    return redirect(url_for("cohorts.index"))  # staff subscribe per cohort, from its page


@bp.get("/cohorts/<int:cohort_id>/calendar")
@role_required(Role.MANAGER, Role.TRAINER)
def subscribe_cohort(cohort_id: int):
    cohort = one_or_404(cohorts_for(current_user), cohort_id)
    url, name = cohort_feed_url(cohort, current_user), feed_name(cohort, current_user.name)
    return _subscribe_page(url, name, url_for("cohorts.detail", cohort_id=cohort.id))


def _subscribe_page(url: str, name: str, back_url: str, can_reset: bool = False):
    links = subscribe_links(url, name, _("QR code of the calendar link"))
    page_title = (
        _("Calendar on your phone") if current_user.role == Role.TRAINEE else _("Calendar on the phone")
    )
    return render_template(
        "sessions/subscribe.html",
        links=links,
        calendar_name=name,
        back_url=back_url,
        can_reset=can_reset,
        page_title=page_title,
    )


@bp.get("/calendar/supervisor/<int:supervisor_id>/<token>.ics")
@sessionless
def supervisor_feed(supervisor_id: int, token: str):
    """A supervisor's feed of their interns' internship days and return days (in Dutch: they
    have no account, so no language of their own)."""
    found = supervisor_feed_of(supervisor_id, token)
    if found is None:
        abort(404)
    supervisor, placements = found
    return _conditional(
        supervisor_feed_etag(supervisor, placements),
        SUPERVISOR_LANGUAGE,
        lambda: supervisor_feed_calendar(supervisor, placements),
    )


@bp.post("/schedule/calendar/reset")
@role_required(Role.TRAINEE)
def reset_trainee_calendar():
    """A new secret link for the trainee's feed; the old one stops working at once."""
    trainee = one_or_404(trainees_for(current_user), current_user.trainee_id)
    reset_trainee_feed(trainee)
    db.session.commit()
    flash(
        _("You have a new calendar link. The old link no longer works. Add the new link to your calendar."),
        "success",
    )
    return redirect(url_for("feeds.subscribe"))
