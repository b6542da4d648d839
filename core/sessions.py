"""Which requests need a login session at all (accounts/login_sessions.py keeps the sessions)."""

from flask import current_app, request


def sessionless(view):
    """Marks a view that needs no login session (e.g. a feed whose link carries its own secret):
    the request loads no user and leaves the session cookie alone."""
    view.sessionless = True
    return view


def needs_no_session() -> bool:
    """Static files and sessionless views need no user: loading one would cost a query."""
    view = current_app.view_functions.get(request.endpoint)
    return request.endpoint == "static" or getattr(view, "sessionless", False)
