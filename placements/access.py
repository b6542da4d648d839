"""Who may see which municipality: managers all, a contact only their own."""

import sqlalchemy as sa

from accounts.models import Role, User
from placements.models import Municipality


def municipalities_for(user: User) -> sa.Select:
    query = sa.select(Municipality)
    if user.role == Role.MANAGER:
        return query
    if user.role == Role.MUNICIPALITY:
        return query.where(Municipality.id == user.municipality_id)
    return query.where(sa.false())
