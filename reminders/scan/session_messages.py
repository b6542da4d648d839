"""Session reminders to trainees and return-day notices to supervisors."""

from collections import defaultdict
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from accounts.models import Role, User
from cohort.models import CohortPhase, Trainee, TraineeStatus
from cohort.planning import PhaseKind
from core.urls import external_url
from extensions import db
from placements.models import Placement
from reminders import rules
from reminders.scan.common import (
    INTERN_STATUSES,
    RETURN_NOTICE_LOOKAHEAD,
    SUPERVISOR_LANGUAGE,
    Moment,
    message,
)
from sessions.models import AbsenceNotice, SessionKind, SessionStatus, TrainingSession

# --- session reminders: to each trainee, the evening before each session ------------------


def session_reminders(moment: Moment, rule: rules.Rule) -> list[dict]:
    sessions = db.session.scalars(
        sa.select(TrainingSession)
        .options(joinedload(TrainingSession.cohort))
        .where(
            TrainingSession.status == SessionStatus.SCHEDULED,
            TrainingSession.date.between(moment.today, moment.today + timedelta(days=rule.days_before)),
        )
    ).all()
    due = [
        s
        for s in sessions
        if rules.session_reminder_due(s.date, rule, moment.tz) <= moment.now < moment.at(s.date, s.start_time)
    ]
    if not due:
        return []
    people = defaultdict(list)
    for trainee, user in db.session.execute(
        sa.select(Trainee, User)
        .join(User, User.trainee_id == Trainee.id)
        .where(
            Trainee.cohort_id.in_({s.cohort_id for s in due}),
            Trainee.status.in_([TraineeStatus.ENROLLED, TraineeStatus.ACTIVE]),
            User.role == Role.TRAINEE,
            User.is_active,
            User.wants_session_reminders,
        )
        .order_by(Trainee.id)
    ):
        people[trainee.cohort_id].append((trainee, user))
    # Whoever already said they cannot come is not reminded to come.
    absent = set(
        db.session.execute(
            sa.select(AbsenceNotice.session_id, AbsenceNotice.trainee_id).where(
                AbsenceNotice.session_id.in_([s.id for s in due])
            )
        ).tuples()
    )
    url = external_url("sessions.my_schedule")
    return [
        message(
            rules.SESSION_REMINDER,
            f"session_reminder:{sess.id}:{user.id}:{sess.date.isoformat()}T{sess.start_time:%H%M}",
            user.email,
            user.language,
            rules.session_reminder_due(sess.date, rule, moment.tz),
            {"sess": sess, "user": user, "url": url},
            recipient_user_id=user.id,
            session_id=sess.id,
            trainee_id=trainee.id,
        )
        for sess in due
        for trainee, user in people[sess.cohort_id]
        if (sess.id, trainee.id) not in absent
    ]


# --- return-day notices: to each supervisor, the working day before a return day -----------


def return_day_notices(moment: Moment, rule: rules.Rule) -> list[dict]:
    """Return days in the internship phase only: before and after it there is no one to tell."""
    sessions = db.session.scalars(
        sa.select(TrainingSession)
        .options(joinedload(TrainingSession.cohort))
        .join(
            CohortPhase,
            sa.and_(
                CohortPhase.cohort_id == TrainingSession.cohort_id, CohortPhase.kind == PhaseKind.INTERNSHIP
            ),
        )
        .where(
            TrainingSession.kind == SessionKind.RETURN_DAY,
            TrainingSession.status == SessionStatus.SCHEDULED,
            TrainingSession.date.between(moment.today, moment.today + RETURN_NOTICE_LOOKAHEAD),
            TrainingSession.date.between(CohortPhase.start_date, CohortPhase.end_date),
        )
    ).all()
    due = [
        s
        for s in sessions
        if rules.return_notice_due(s.date, rule, moment.holidays, moment.tz)
        <= moment.now
        < moment.at(s.date, s.end_time)
    ]
    if not due:
        return []
    interns = defaultdict(list)
    for placement in db.session.scalars(
        sa.select(Placement)
        .join(Trainee, Trainee.id == Placement.trainee_id)
        .where(
            Placement.cohort_id.in_({s.cohort_id for s in due}),
            Placement.status.in_(INTERN_STATUSES),
            Trainee.status != TraineeStatus.WITHDRAWN,
        )
    ).unique():
        interns[placement.cohort_id].append(placement)
    groups = defaultdict(list)  # (supervisor e-mail, return day) -> [(session, placement)]
    for sess in due:
        for placement in interns[sess.cohort_id]:
            email = placement.supervisor_address.lower()
            if email:
                groups[(email, sess.date)].append((sess, placement))
    return [
        _return_day_notice(email, day, items, moment, rule) for (email, day), items in sorted(groups.items())
    ]


def _return_day_notice(email: str, day: date, items: list, moment: Moment, rule: rules.Rule) -> dict:
    first = items[0][1]
    items.sort(key=lambda item: (item[1].trainee.name, item[1].id))
    context = {
        "day": day,
        "supervisor_name": first.supervisor,
        "organisation": current_app.config["ORGANISATION_NAME"],
        "interns": [{"name": p.trainee.name, "sess": s} for s, p in items],
    }
    session_ids = {s.id for s, _p in items}
    return message(
        rules.RETURN_DAY_NOTICE,
        f"return_day_notice:{email}:{day.isoformat()}",
        email,
        SUPERVISOR_LANGUAGE,
        rules.return_notice_due(day, rule, moment.holidays, moment.tz),
        context,
        session_id=next(iter(session_ids)) if len(session_ids) == 1 else None,
        # The placement whose supervisor this is: where the address comes from (outbox/retry.py).
        placement_id=first.id,
        trainee_id=first.trainee_id if len(items) == 1 else None,
        payload=[{"session_id": s.id, "placement_id": p.id, "trainee_id": p.trainee_id} for s, p in items],
    )
