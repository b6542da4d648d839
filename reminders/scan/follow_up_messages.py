"""Follow-ups after the programme: the question 3, 6 and 12 months after a trainee's end date,
and one chase, each with a signed link to answer (cohort/follow_ups)."""

from datetime import timedelta

import sqlalchemy as sa

from accounts.models import User
from cohort.follow_ups.links import follow_up_url
from cohort.follow_ups.rules import (
    FOLLOW_UP_CHASE_DAYS,
    FOLLOW_UP_CHASE_KIND,
    FOLLOW_UP_KIND,
    FOLLOW_UP_MONTHS,
    FOLLOW_UP_VALID_DAYS,
    open_moment,
)
from cohort.follow_ups.services import known_moments
from cohort.models import Trainee, TraineeStatus
from core.workdays import add_months
from extensions import db
from outbox.models import OutboxMessage
from reminders import rules
from reminders.scan.common import Moment, message

LANGUAGE = "nl"  # for a former trainee without an account


def _former_trainees(moment: Moment) -> list[Trainee]:
    """Who may have a follow-up open now: ended within the last 12 months and a link's life,
    not erased, not turned off."""
    earliest = add_months(moment.today, -FOLLOW_UP_MONTHS[-1]) - timedelta(days=FOLLOW_UP_VALID_DAYS + 1)
    return list(
        db.session.scalars(
            sa.select(Trainee)
            .where(
                Trainee.status.in_((TraineeStatus.COMPLETED, TraineeStatus.WITHDRAWN)),
                Trainee.erased_at.is_(None),
                Trainee.follow_ups_stopped_at.is_(None),
                Trainee.left_on >= earliest,
            )
            .order_by(Trainee.id)
        )
    )


def follow_up_messages(moment: Moment, rule: rules.Rule) -> list[dict]:
    trainees = _former_trainees(moment)
    if not trainees:
        return []
    ids = [t.id for t in trainees]
    answered = known_moments(ids)
    asked = {
        (trainee_id, (payload or {}).get("months")): created_at
        for trainee_id, payload, created_at in db.session.execute(
            sa.select(OutboxMessage.trainee_id, OutboxMessage.payload, OutboxMessage.created_at).where(
                OutboxMessage.kind == FOLLOW_UP_KIND, OutboxMessage.trainee_id.in_(ids)
            )
        )
    }
    languages = dict(
        db.session.execute(sa.select(User.trainee_id, User.language).where(User.trainee_id.in_(ids))).all()
    )
    rows = []
    for trainee in trainees:
        due = open_moment(trainee.left_on, moment.now, moment.tz, rule.at)
        if due is None or (trainee.id, due.months) in answered:
            continue
        question_at = asked.get((trainee.id, due.months))
        if question_at is None:
            kind, due_at = FOLLOW_UP_KIND, due.ask_at
        else:
            # One chase, never on the heels of a question that went out late.
            kind, due_at = (
                FOLLOW_UP_CHASE_KIND,
                max(due.chase_at, question_at + timedelta(days=FOLLOW_UP_CHASE_DAYS)),
            )
            if moment.now < due_at:
                continue
        language = languages.get(trainee.id) or LANGUAGE
        context = {
            "trainee": trainee,
            "months": due.months,
            "until": due.last_day,
            "chase_days": FOLLOW_UP_CHASE_DAYS,
            "url": follow_up_url(trainee, due.months),
        }
        rows.append(
            message(
                kind,
                f"{kind}:{trainee.id}:{due.months}",
                trainee.email,
                language,
                due_at,
                context,
                trainee_id=trainee.id,
                payload={"months": due.months},
            )
        )
    return rows
