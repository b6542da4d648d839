"""Who may see which municipality and placement.

Managers see all; a municipality contact only their own municipality and the placements on its
offers; a trainee only their own placements.
"""

import sqlalchemy as sa

from accounts.models import Role, User
from placements.models import InternshipOffer, Municipality, Placement, Supervisor


def municipalities_for(user: User) -> sa.Select:
    query = sa.select(Municipality)
    if user.role == Role.MANAGER:
        return query
    if user.role == Role.MUNICIPALITY:
        return query.where(Municipality.id == user.municipality_id)
    return query.where(sa.false())


def offers_for(user: User) -> sa.Select:
    query = sa.select(InternshipOffer)
    if user.role == Role.MANAGER:
        return query
    if user.role == Role.MUNICIPALITY:
        return query.where(InternshipOffer.municipality_id == user.municipality_id)
    return query.where(sa.false())


def placements_for(user: User) -> sa.Select:
    query = sa.select(Placement)
    if user.role == Role.MANAGER:
        return query
    if user.role == Role.MUNICIPALITY:
        return query.where(Placement.offer_id.in_(offers_for(user).with_only_columns(InternshipOffer.id)))
    if user.role == Role.TRAINEE:
        return query.where(Placement.trainee_id == user.trainee_id)
    return query.where(sa.false())


def supervisors_for(user: User) -> sa.Select:
    """The supervisor registers a user manages: every one for managers, their own for a contact."""
    query = sa.select(Supervisor)
    if user.role == Role.MANAGER:
        return query
    if user.role == Role.MUNICIPALITY:
        return query.where(Supervisor.municipality_id == user.municipality_id)
    return query.where(sa.false())
