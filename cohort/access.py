"""Who may see which cohort and trainee: managers all, a trainee only themself.

Trainers see the cohorts they teach once sessions have trainers (planning issue).
"""

import sqlalchemy as sa

from accounts.models import Role, User
from cohort.models import Cohort, Trainee


def cohorts_for(user: User) -> sa.Select:
    query = sa.select(Cohort)
    if user.role == Role.MANAGER:
        return query
    if user.role == Role.TRAINEE:
        return query.join(Trainee).where(Trainee.id == user.trainee_id)
    return query.where(sa.false())


def trainees_for(user: User) -> sa.Select:
    query = sa.select(Trainee)
    if user.role == Role.MANAGER:
        return query
    if user.role == Role.TRAINEE:
        return query.where(Trainee.id == user.trainee_id)
    return query.where(sa.false())
