"""Who may see which user account: managers all; everyone else only their own."""

import sqlalchemy as sa

from accounts.models import ApiToken, Role, User


def users_for(user: User) -> sa.Select:
    query = sa.select(User)
    return query if user.role == Role.MANAGER else query.where(User.id == user.id)


def api_tokens_for(user: User) -> sa.Select:
    """Tokens are personal: even a manager sees only their own."""
    return sa.select(ApiToken).where(ApiToken.user_id == user.id)
