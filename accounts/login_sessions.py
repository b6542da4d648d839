"""Login sessions kept on the server (accounts.models.LoginSession).

A login creates a row and gives the browser its secret; every request that needs a user reads the
row by its primary key (Flask-Login's user loader), and refuses it when it is gone, idle too long
or past its absolute end. Logging out deletes the row, so the cookie stops working everywhere at
once; so do a new password, a reset, deactivation and erasure (`User.end_all_sessions`).

Views that need no user (feeds, static files, `@sessionless`) never load one: no read at all.
"""

import secrets
from datetime import datetime, timedelta
from functools import lru_cache

import sqlalchemy as sa
from flask import current_app, g, request
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy.orm import joinedload
from ua_parser import parse as parse_user_agent

from accounts.models import LoginSession, User, hash_secret
from core.clock import utcnow
from core.sessions import needs_no_session
from extensions import db

# How often the last-seen time is written: often enough for the idle timeout, rarely enough that
# reading a page is not a write.
TOUCH_EVERY = timedelta(minutes=1)


def _lifetime(remember: bool) -> timedelta:
    return current_app.config["REMEMBER_COOKIE_DURATION" if remember else "SESSION_MAX_AGE"]


def _alive(record: LoginSession, now: datetime) -> bool:
    """Before its absolute end and, without "remember me", not idle longer than the timeout."""
    if now >= record.expires_at:
        return False
    return record.remember or now - record.last_seen_at <= current_app.config["IDLE_TIMEOUT"]


def start_login_session(user: User, remember: bool) -> LoginSession:
    """Record a new login for this request's browser and log the user in with its secret (the
    caller has cleared the old session and commits)."""
    now = utcnow()
    _prune(now)
    secret = secrets.token_urlsafe(32)
    record = LoginSession(
        id=hash_secret(secret),
        user=user,
        remember=remember,
        created_at=now,
        last_seen_at=now,
        expires_at=now + _lifetime(remember),
        user_agent=(request.user_agent.string or "")[:200],
        address=(request.remote_addr or "")[:64],
    )
    db.session.add(record)
    db.session.flush()
    user.login_secret = secret
    login_user(user, remember=remember, duration=_lifetime(remember))
    g.login_session = record
    return record


def _prune(now: datetime) -> None:
    """Rows past their absolute end are of no use to anyone (idle ones show no more either)."""
    db.session.execute(sa.delete(LoginSession).where(LoginSession.expires_at <= now))


def load_session_user(secret: str) -> User | None:
    """Flask-Login's loader: the active user of a login session that is still alive."""
    record = db.session.get(LoginSession, hash_secret(secret), options=[joinedload(LoginSession.user)])
    if record is None or not _alive(record, utcnow()) or not record.user.is_active:
        return None
    g.login_session = record
    record.user.login_secret = secret
    return record.user


def current_login_session() -> LoginSession | None:
    """The login session of this request's user, if someone is logged in."""
    return g.get("login_session") if current_user.is_authenticated else None


def keep_login_session() -> None:
    """Before every request that needs a user: load it (one read), and note the activity at most
    once a minute. Committed here, first thing, so nothing of the view goes with it."""
    if needs_no_session():
        return
    record = current_login_session()
    now = utcnow()
    if record is not None and now - record.last_seen_at >= TOUCH_EVERY:
        record.last_seen_at = now
        db.session.commit()


def end_login_session() -> None:
    """Log out here: the row goes, so a copy of this browser's cookies no longer works either."""
    record = current_login_session()
    if record is not None:
        db.session.delete(record)
        db.session.commit()
    logout_user()


def active_sessions(user: User) -> list[LoginSession]:
    """The user's logins that still work, the most recently used first."""
    now = utcnow()
    rows = db.session.scalars(
        sa.select(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.expires_at > now)
        .order_by(LoginSession.last_seen_at.desc())
    )
    return [row for row in rows if _alive(row, now)]


def _end_others(user: User, *conditions) -> int:
    """Delete the user's logins that match `conditions`, never this request's own; how many went."""
    current = current_login_session()
    others = sa.delete(LoginSession).where(
        LoginSession.user_id == user.id, LoginSession.id != (current.id if current else ""), *conditions
    )
    return db.session.execute(others).rowcount


def end_other_session(user: User, session_id: str) -> bool:
    """End one of the user's other logins; False when there is no such login (or it is this one)."""
    return _end_others(user, LoginSession.id == session_id) == 1


def end_other_sessions(user: User) -> int:
    """Log out everywhere but here; returns how many logins ended."""
    return _end_others(user)


@lru_cache(maxsize=256)
def _browser_and_system(user_agent: str) -> tuple[str | None, str | None]:
    found = parse_user_agent(user_agent)
    browser = found.user_agent.family if found.user_agent else None
    system = found.os.family if found.os else None
    return (None if browser == "Other" else browser), (None if system == "Other" else system)


def device_label(record: LoginSession) -> str:
    """The browser and system in words ("Firefox op Windows"), as a person recognises their device."""
    browser, system = _browser_and_system(record.user_agent)
    if browser and system:
        return _("%(browser)s on %(system)s", browser=browser, system=system)
    return browser or system or _("Unknown device")
