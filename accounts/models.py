"""Users, their login sessions, one-time links (invitation, password reset) and API tokens."""

import enum
import hashlib
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from core.clock import utcnow
from core.types import UTCDateTime
from extensions import db


class Role(enum.StrEnum):
    MANAGER = "manager"
    MUNICIPALITY = "municipality"
    TRAINEE = "trainee"
    TRAINER = "trainer"


def normalise_email(email: str) -> str:
    """E-mail addresses are unique regardless of case: store and look them up lowercased."""
    return email.strip().lower()


def hash_secret(secret: str) -> str:
    """Tokens are long random strings, so one fast hash is enough (no salt needed)."""
    return hashlib.sha256(secret.encode()).hexdigest()


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint("role IN ('manager', 'municipality', 'trainee', 'trainer')", name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(20))
    municipality_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("municipalities.id", ondelete="SET NULL"), index=True
    )
    trainee_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("trainees.id", ondelete="SET NULL"), index=True
    )
    language: Mapped[str] = mapped_column(sa.String(5), default="nl")
    is_active: Mapped[bool] = mapped_column(default=True)
    # Messages a user may turn off; change notices cannot be turned off.
    wants_session_reminders: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    wants_digest: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # When the calendar feed's alerts go off (core.calendar_alerts.AlertChoice); None: the role's default.
    calendar_alert: Mapped[str | None] = mapped_column(sa.String(12))
    # Part of the login session's identity: raising it ends every existing session.
    auth_epoch: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    municipality = relationship("Municipality")
    trainee = relationship("Trainee", foreign_keys=[trainee_id])

    @validates("email")
    def _normalise_email(self, _key, value: str) -> str:
        return normalise_email(value)

    # The secret of the login session this request runs under (accounts/login_sessions.py sets it at
    # login and when loading the user): Flask-Login keeps it in the session and "remember me" cookie.
    login_secret = None

    def get_id(self) -> str:
        if self.login_secret is None:
            raise RuntimeError("log in through accounts.login_sessions.start_login_session")
        return self.login_secret

    def has_role(self, *roles: str) -> bool:
        return self.role in roles

    @property
    def awaits_first_password(self) -> bool:
        """Invited, never set a password: only such an account may be invited again (anyone
        else resets their password themselves)."""
        return self.is_active and self.password_hash is None

    def end_all_sessions(self) -> None:
        """Log out everywhere: every login session goes, and the feed links signed with the epoch
        change with it."""
        db.session.execute(sa.delete(LoginSession).where(LoginSession.user_id == self.id))
        self.auth_epoch += 1

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class LoginSession(db.Model):
    """One login, kept on the server so that logging out really ends it.

    The browser's session (and "remember me") cookie holds a random secret; this row is keyed by its
    hash, so the table alone lets no one in. Deleting the row ends the login at once, wherever the
    cookie was copied to.
    """

    __tablename__ = "login_sessions"

    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)  # hash_secret(the cookie's secret)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    remember: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Written at most once a minute (accounts/login_sessions.py: TOUCH_EVERY).
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The absolute end, whatever the activity: 12 hours, or 30 days with "remember me".
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    user_agent: Mapped[str] = mapped_column(sa.String(200), default="")
    address: Mapped[str] = mapped_column(sa.String(64), default="")

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<LoginSession user={self.user_id} since {self.created_at:%Y-%m-%d %H:%M}>"


class OneTimeLink(db.Model):
    """A single-use link sent by e-mail: an invitation or a password reset."""

    __tablename__ = "one_time_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(sa.String(20))  # "invitation" or "reset"
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<OneTimeLink {self.id} {self.purpose} user={self.user_id}>"


class ApiToken(db.Model):
    """A personal API token. Only its hash is stored; the token is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # The first characters, so the owner can tell tokens apart without the secret.
    prefix: Mapped[str] = mapped_column(sa.String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Chosen at creation (accounts/services.py: TOKEN_DAYS); after it the token no longer works.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    def works_at(self, moment: datetime) -> bool:
        return self.revoked_at is None and moment < self.expires_at

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.prefix} user={self.user_id}>"
