"""Who may see which cohort and trainee.

Managers see all; a trainer the cohorts in which they give at least one session; a trainee
only their own cohort and themself; a municipality contact none (placements add theirs).

Seeing a trainee is not seeing all of them: a trainer needs a trainee's name and status and the
attendance of the sessions they give, nothing more (see `sees_trainee_details`). Pages and the
API both ask these functions.
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


def sees_trainee_details(user: User, trainee: Trainee) -> bool:
    """Whether the user sees more of a trainee than name and status: e-mail, phone, home
    municipality, internship place and supervisor, schedule and calendar link. Managers and the
    trainee themself do; a trainer (who teaches the cohort) does not."""
    return user.role == Role.MANAGER or (user.role == Role.TRAINEE and user.trainee_id == trainee.id)
