"""Whether a message still applies when its moment comes (the world may have changed since)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app

from accounts.models import User
from cohort.models import Trainee, TraineeStatus
from extensions import db
from placements.models import Placement, PlacementStatus
from reminders.models import OutboxMessage
from sessions.models import SessionStatus, TrainingSession

# Kinds about a session that has yet to take place; change notices also go out for a cancellation.
SESSION_KINDS = {"session_reminder", "return_day_notice"}
PROPOSAL_KINDS = {"placement_proposal", "placement_chase"}


def no_longer_applies(message: OutboxMessage, now: datetime) -> str | None:
    """The reason not to send this message any more, or None to send it."""
    if message.recipient_user_id is not None:
        user = db.session.get(User, message.recipient_user_id)
        if user is None or not user.is_active:
            return "recipient deactivated"
    if message.trainee_id is not None:
        trainee = db.session.get(Trainee, message.trainee_id)
        if trainee is None or trainee.status == TraineeStatus.WITHDRAWN:
            return "trainee withdrawn"
    if message.kind in SESSION_KINDS and message.session_id is not None:
        return _session_problem(db.session.get(TrainingSession, message.session_id), now)
    if message.kind in PROPOSAL_KINDS and message.placement_id is not None:
        placement = db.session.get(Placement, message.placement_id)
        if placement is None or placement.status != PlacementStatus.PROPOSED:
            return "proposal already answered"
    return None


def _session_problem(sess: TrainingSession | None, now: datetime) -> str | None:
    if sess is None or sess.status == SessionStatus.CANCELLED:
        return "session cancelled"
    local_now = now.astimezone(ZoneInfo(current_app.config["TIMEZONE"]))
    if (sess.date, sess.start_time) <= (local_now.date(), local_now.time()):
        return "session already started"
    return None
