"""Who may see which cohort and trainee.

Managers see all; a trainer the cohorts in which they give at least one session; a trainee
only their own cohort and themself; a municipality contact none (placements add theirs).
"""

import sqlalchemy as sa

from accounts.models import Role, User
from cohort.models import Cohort, Trainee
from sessions.models import TrainingSession


def taught_cohort_ids(user: User) -> sa.Select:
    return sa.select(TrainingSession.cohort_id).where(TrainingSession.trainer_id == user.id)


def cohorts_for(user: User) -> sa.Select:
    query = sa.select(Cohort)
    if user.role == Role.MANAGER:
        return query
    if user.role == Role.TRAINER:
        return query.where(Cohort.id.in_(taught_cohort_ids(user)))
    if user.role == Role.TRAINEE:
        return query.join(Trainee).where(Trainee.id == user.trainee_id)
    return query.where(sa.false())


def trainees_for(user: User) -> sa.Select:
    query = sa.select(Trainee)
    if user.role == Role.MANAGER:
        return query
    if user.role == Role.TRAINER:
        return query.where(Trainee.cohort_id.in_(taught_cohort_ids(user)))
    if user.role == Role.TRAINEE:
        return query.where(Trainee.id == user.trainee_id)
    return query.where(sa.false())
