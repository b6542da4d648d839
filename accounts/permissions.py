"""Coarse gates by role, and where each role's home page is."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from accounts.models import Role

HOME_ENDPOINTS = {
    Role.MANAGER: "reports.dashboard",
    Role.MUNICIPALITY: "placements.portal",
    Role.TRAINEE: "sessions.my_schedule",
    Role.TRAINER: "sessions.teaching",
}


def role_required(*roles: Role):
    """Log in first; then a user of another role gets 403 (the page exists, just not for them)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
