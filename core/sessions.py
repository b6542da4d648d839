"""The idle timeout of a login session (not of a "remember me" login, which lasts 30 days)."""

from flask import current_app, request, session
from flask_login import current_user, logout_user

from core.clock import utcnow


def sessionless(view):
    """Marks a view that needs no login session (e.g. a feed whose link carries its own secret):
    the idle check skips it, so the request loads no user and leaves the session cookie alone."""
    view.sessionless = True
    return view


def needs_no_session() -> bool:
    """Static files and sessionless views need no user: loading one would cost a query."""
    view = current_app.view_functions.get(request.endpoint)
    return request.endpoint == "static" or getattr(view, "sessionless", False)


def end_idle_session() -> None:
    if needs_no_session():
        return
    if not current_user.is_authenticated or session.get("remember"):
        return
    now = utcnow().timestamp()
    last_seen = session.get("last_seen", now)
    if now - last_seen > current_app.config["IDLE_TIMEOUT"].total_seconds():
        logout_user()
        session.clear()
        return
    session["last_seen"] = now
