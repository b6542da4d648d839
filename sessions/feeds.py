"""Calendar feeds (iCalendar) that a phone calendar subscribes to, and the trainee's "new link".

The feed URLs need no login: the secret token in the path is the key (see feed_service).
Anything wrong with a link (unknown id, wrong token, no longer allowed) answers 404, so a
link reveals nothing about what exists.
"""

from flask import Blueprint, Response, abort, flash, redirect, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from accounts.models import Role
from accounts.permissions import role_required
from cohort.access import trainees_for
from core.scope import one_or_404
from extensions import db
from sessions.feed_service import (
    Feed,
    feed_calendar,
    feed_etag,
    find_cohort_feed,
    find_trainee_feed,
    reset_trainee_feed,
)

bp = Blueprint("feeds", __name__)

CALENDAR_CONTENT_TYPE = "text/calendar; charset=utf-8"
# Private: the feed is personal; 5 minutes spares the database when a client polls eagerly.
CACHE_SECONDS = 300


def _calendar_response(feed: Feed | None) -> Response:
    """The feed, or 304 when the client's copy is current (checked before building anything)."""
    if feed is None:
        abort(404)
    etag = feed_etag(feed)
    if request.if_none_match.contains_weak(etag):
        response = Response(status=304)
    else:
        with force_locale(feed.language):
            response = Response(feed_calendar(feed), content_type=CALENDAR_CONTENT_TYPE)
    response.set_etag(etag)
    response.cache_control.private = True
    response.cache_control.max_age = CACHE_SECONDS
    return response


@bp.get("/calendar/trainee/<int:trainee_id>/<token>.ics")
def trainee_feed(trainee_id: int, token: str):
    return _calendar_response(find_trainee_feed(trainee_id, token))


@bp.get("/calendar/cohort/<int:cohort_id>/user/<int:user_id>/<token>.ics")
def cohort_feed(cohort_id: int, user_id: int, token: str):
    return _calendar_response(find_cohort_feed(cohort_id, user_id, token))


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
    return redirect(url_for("sessions.my_schedule"))
