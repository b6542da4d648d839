"""The weekly digest: what the coming week holds and what is still open, to managers."""

from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload

from accounts.models import Role, User
from cohort.models import Cohort, Trainee, TraineeStatus
from core.urls import external_url
from extensions import db
from outbox.models import MessageStatus, OutboxMessage
from placements.evaluations.services import missing_evaluations
from placements.models import Placement, PlacementStatus
from reminders import rules
from reminders.scan.common import Moment, active_users, message
from sessions.models import AbsenceNotice, SessionStatus, TrainingSession

# --- the weekly digest: to managers on Monday morning --------------------------------------


def _week_summary(monday: date, today: date) -> dict:
    sunday = monday + timedelta(days=6)
    this_week = TrainingSession.date.between(monday, sunday)

    sessions = db.session.execute(
        sa.select(Cohort.name, sa.func.count(TrainingSession.id))
        .join(Cohort, Cohort.id == TrainingSession.cohort_id)
        .where(this_week, TrainingSession.status == SessionStatus.SCHEDULED)
        .group_by(Cohort.id, Cohort.name)
        .order_by(Cohort.name)
    ).all()
    open_proposals = db.session.scalar(
        sa.select(sa.func.count(Placement.id))
        .join(Trainee, Trainee.id == Placement.trainee_id)
        .where(Placement.status == PlacementStatus.PROPOSED, Trainee.status != TraineeStatus.WITHDRAWN)
    )
    absences = db.session.scalars(
        sa.select(AbsenceNotice)
        .join(AbsenceNotice.session)
        .options(
            contains_eager(AbsenceNotice.session).joinedload(TrainingSession.cohort),
            joinedload(AbsenceNotice.trainee),
        )
        .where(this_week)
        .order_by(TrainingSession.date, TrainingSession.start_time, AbsenceNotice.id)
    ).all()
    failed = db.session.scalar(
        sa.select(sa.func.count(OutboxMessage.id)).where(OutboxMessage.status == MessageStatus.FAILED)
    )
    return {
        "monday": monday,
        "sunday": sunday,
        "sessions": sessions,
        "open_proposals": open_proposals,
        "absences": absences,
        "missing_evaluations": len(missing_evaluations(today=today)),
        "failed_messages": failed,
    }


def weekly_digests(moment: Moment, rule: rules.Rule) -> list[dict]:
    week = rules.digest_week(moment.now, rule, moment.tz)
    managers = active_users(Role.MANAGER, User.wants_digest) if week else []
    if not managers:
        return []
    monday, week_label = week
    summary = _week_summary(monday, moment.today)
    urls = {
        "dashboard_url": external_url("reports.dashboard"),
        "evaluations_url": external_url("evaluations.missing"),
        "outbox_url": external_url("reminders.outbox", status=MessageStatus.FAILED.value),
    }
    return [
        message(
            rules.WEEKLY_DIGEST,
            f"weekly_digest:{manager.id}:{week_label}",
            manager.email,
            manager.language,
            moment.at(monday, rule.at),
            {"user": manager, "week": monday.isocalendar()[1], **summary, **urls},
            recipient_user_id=manager.id,
        )
        for manager in managers
    ]
