"""Whether a message still applies when its moment comes (the world may have changed since)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from accounts.models import User
from cohort.models import Trainee, TraineeStatus
from extensions import db
from placements.models import Placement, PlacementStatus
from reminders.models import OutboxMessage
from sessions.models import SessionStatus, TrainingSession

# Kinds about a session that has yet to take place; change notices also go out for a cancellation.
SESSION_KINDS = {"session_reminder", "return_day_notice"}
PROPOSAL_KINDS = {"placement_proposal", "placement_chase"}


class BatchRecords:
    """The records a batch of messages is checked against, in one query per kind of record.

    Checking message by message cost four lookups each; the dispatcher loads a claimed batch's
    records at once instead, just before sending it (the batch goes out within seconds).
    Sessions come with their cohort: the .ics attachment needs both.
    """

    def __init__(self, messages: list[OutboxMessage]):
        self._records = {
            User: _by_id(User, {m.recipient_user_id for m in messages}),
            Trainee: _by_id(Trainee, {m.trainee_id for m in messages}),
            TrainingSession: _by_id(TrainingSession, {m.session_id for m in messages}),
            Placement: _by_id(Placement, {m.placement_id for m in messages}),
        }

    def get(self, model, record_id: int):
        return self._records[model].get(record_id)


def _by_id(model, ids: set) -> dict:
    ids.discard(None)
    if not ids:
        return {}
    query = sa.select(model).where(model.id.in_(sorted(ids)))
    if model is TrainingSession:
        query = query.options(joinedload(TrainingSession.cohort))
    return {record.id: record for record in db.session.scalars(query)}


def no_longer_applies(
    message: OutboxMessage, now: datetime, records: BatchRecords | None = None
) -> str | None:
    """The reason not to send this message any more, or None to send it.

    `records`: the batch's records loaded beforehand (else each is looked up here).
    """
    get = records.get if records is not None else db.session.get
    if message.recipient_user_id is not None:
        user = get(User, message.recipient_user_id)
        if user is None or not user.is_active:
            return "recipient deactivated"
    if message.trainee_id is not None:
        trainee = get(Trainee, message.trainee_id)
        if trainee is None or trainee.status == TraineeStatus.WITHDRAWN:
            return "trainee withdrawn"
    if message.kind in SESSION_KINDS and message.session_id is not None:
        return _session_problem(get(TrainingSession, message.session_id), now)
    if message.kind in PROPOSAL_KINDS and message.placement_id is not None:
        placement = get(Placement, message.placement_id)
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
