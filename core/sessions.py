"""The idle timeout of a login session (not of a "remember me" login, which lasts 30 days)."""

from flask import current_app, request, session
from flask_login import current_user, logout_user

from core.clock import utcnow


def end_idle_session() -> None:
    # Static files need no user: checking would cost a database query per stylesheet.
    if request.endpoint == "static":
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
