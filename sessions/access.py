"""Who may see which session: the same people who may see its cohort."""

import sqlalchemy as sa

from accounts.models import Role, User
from cohort.access import cohorts_for
from cohort.models import Cohort
from sessions.models import TrainingSession


def sessions_for(user: User) -> sa.Select:
    query = sa.select(TrainingSession)
    if user.role == Role.MANAGER:
        return query
    return query.where(TrainingSession.cohort_id.in_(cohorts_for(user).with_only_columns(Cohort.id)))


def may_register_attendance(user: User, training_session: TrainingSession) -> bool:
    """Managers for any session; a trainer for the sessions they give."""
    return user.role == Role.MANAGER or (user.role == Role.TRAINER and training_session.trainer_id == user.id)


def sees_attendance_of(user: User) -> sa.ColumnElement[bool]:
    """A condition on TrainingSession: the sessions whose attendance and absence notices the user
    sees. Managers all, a trainer the sessions they give (as `may_register_attendance`), others none."""
    if user.role == Role.MANAGER:
        return sa.true()
    if user.role == Role.TRAINER:
        return TrainingSession.trainer_id == user.id
    return sa.false()
