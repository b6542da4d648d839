"""Account rules: logging in (with throttling), invitations, password resets, API tokens.

Services flush and leave the commit to their caller (a view, a CLI command, a job).
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from accounts import password_rules
from accounts.models import (
    ApiToken,
    OneTimeLink,
    Role,
    User,
    hash_secret,
    normalise_email,
)
from accounts.password_rules import Weakness
from core import ratelimit
from core.clock import utcnow
from core.errors import ValidationError
from core.field_rules import check_one_line, clean_address
from core.parsing import parse_whole_number
from core.urls import external_url
from extensions import db
from outbox.queue import queue_message
from outbox.retry import addressed_to_user, follow_new_address

# Rate limits (core.ratelimit, counted in the database). Reset requests: per address and per
# e-mail address, so neither one sender nor many senders can flood one mailbox. Link guesses:
# wrong or used links per address, as set-password links are secrets one could try to guess.
# Invitations a manager sends again: per invited user, against a mailbox flood.
RESET_LIMIT, RESET_WINDOW = 5, timedelta(minutes=15)
LINK_GUESS_LIMIT, LINK_GUESS_WINDOW = 10, timedelta(minutes=15)
INVITATION_LIMIT, INVITATION_WINDOW = 3, timedelta(hours=1)


class InvalidCredentials(Exception):
    """Wrong e-mail address or password (deliberately not saying which)."""


@dataclass
class LoginThrottled(Exception):
    """Too many failed attempts; `retry_after` says how long until the next try, `locked` whether
    the whole account is locked (a manager can lift that)."""

    retry_after: timedelta
    locked: bool = False


# --- Looking users up ---------------------------------------------------------------


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).filter_by(email=normalise_email(email)))


# --- Logging in ---------------------------------------------------------------------

# Login throttling (README, "Accounts and security"). Failures count per account *and* address, so
# that someone failing from one address never locks the rightful user out from another; one
# address is limited across accounts (trying many accounts); and an account with very many failures,
# from however many addresses, is locked until a manager lifts it or a day has passed.
LOGIN_FREE_FAILURES, FIRST_WAIT, LONGEST_WAIT = 5, timedelta(minutes=1), timedelta(hours=1)
ADDRESS_FAILURE_LIMIT, ADDRESS_WINDOW = 20, timedelta(minutes=15)
ACCOUNT_LOCK_AFTER, ACCOUNT_LOCK_WINDOW = 50, timedelta(days=1)


def _login_rules(email: str, address: str) -> tuple[ratelimit.Rule, ...]:
    return (
        ratelimit.Backoff(
            ratelimit.limit_key("login:pair", f"{email} {address}"),
            LOGIN_FREE_FAILURES,
            FIRST_WAIT,
            LONGEST_WAIT,
        ),
        ratelimit.Limit(ratelimit.limit_key("login:address", address), ADDRESS_FAILURE_LIMIT, ADDRESS_WINDOW),
        _account_rule(email),
    )


def _account_rule(email: str) -> ratelimit.Limit:
    return ratelimit.Limit(
        ratelimit.limit_key("login:account", normalise_email(email)), ACCOUNT_LOCK_AFTER, ACCOUNT_LOCK_WINDOW
    )


@lru_cache(maxsize=4)
def _dummy_hash(method: str) -> str:
    """A hash of a random password, checked when there is no real one: an unknown address then
    takes as long to refuse as a known address with a wrong password."""
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


def _password_matches(user: User | None, password: str) -> bool:
    """The password check, in the same time whether or not the user exists and may log in."""
    usable = user is not None and user.is_active and user.password_hash is not None
    stored = user.password_hash if usable else _dummy_hash(current_app.config["PASSWORD_HASH_METHOD"])
    return check_password_hash(stored, password) and usable


def _checked_user(email: str, password: str, address: str, now: datetime) -> User:
    """The active user with this address and password, or InvalidCredentials / LoginThrottled.

    The attempt counts as a failure *before* the password is checked, and is committed at once (the
    limiter's lock ends with it, so it is not held through the slow hash): thirty attempts at the same
    moment get no more through than the limit. A right password takes the attempt back.
    """
    email = normalise_email(email)
    rules = _login_rules(email, address)
    try:
        attempt = ratelimit.attempt(*rules, now=now)
    except ratelimit.RateLimited as refused:
        db.session.rollback()
        raise LoginThrottled(refused.retry_after, locked=refused.key == rules[-1].key) from None
    db.session.commit()
    user = find_user_by_email(email)
    if not _password_matches(user, password):
        raise InvalidCredentials()
    ratelimit.forgive(attempt)
    ratelimit.forget(rules[0].key)  # from this address, this account starts afresh
    return user


def authenticate(email: str, password: str, address: str, now: datetime | None = None) -> User:
    """Return the user for these credentials, or raise InvalidCredentials / LoginThrottled."""
    now = now or utcnow()
    user = _checked_user(email, password, address, now)
    user.last_login_at = now
    return user


def confirm_password(user: User, password: str, address: str) -> None:
    """A logged-in user gives their password again before something powerful (a new API token):
    a session left open or taken over is not enough. Throttled and recorded like a login."""
    _checked_user(user.email, password, address, utcnow())


def locked_accounts(users: list[User], now: datetime | None = None) -> set[int]:
    """The ids of these users whose account is locked by too many failed logins (one query)."""
    keys = {_account_rule(user.email).key: user.id for user in users}
    counts = ratelimit.counts(list(keys), ACCOUNT_LOCK_WINDOW, now)
    return {keys[key] for key, n in counts.items() if n >= ACCOUNT_LOCK_AFTER}


def unlock_account(user: User) -> None:
    """A manager lifts the lock: the account's failures are forgotten (each address's own wait stays)."""
    forget_login_failures([user.email])


def forget_login_failures(emails: list[str]) -> None:
    """Forget the failed logins counted for these addresses (a lock lifted, personal data erased)."""
    for email in emails:
        ratelimit.forget(_account_rule(email).key)


# --- Passwords and one-time links ---------------------------------------------------


def _password_refusals() -> dict:
    """Each weakness (accounts/password_rules.py) as the summary and the field's reason, in words."""
    return {
        Weakness.TOO_SHORT: (
            _("Choose a longer password."),
            _("Use at least %(n)d characters.", n=password_rules.MIN_LENGTH),
        ),
        Weakness.TOO_LONG: (
            _("Choose a shorter password."),
            _("Use at most %(n)d characters.", n=password_rules.MAX_LENGTH),
        ),
        Weakness.OWN_DETAILS: (
            _("Choose a password without your name or e-mail address."),
            _("Others know your name and e-mail address, so they could guess this password."),
        ),
        Weakness.GUESSABLE: (
            _("Choose a password that is harder to guess."),
            _(
                "Many people use this password, or it is easy to guess. Make it longer, for example "
                "with a few words that do not belong together."
            ),
        ),
    }


def check_password_rules(password: str, name: str = "", email: str = "") -> None:
    """Refuse a password that is too short or long, holds the person's name or address, or is common
    or quickly guessed; the field's message says which."""
    found = password_rules.weakness(password, name, email)
    if found is not None:
        summary, reason = _password_refusals()[found]
        raise ValidationError(summary, {"password": reason})


def set_password(user: User, password: str) -> None:
    """Set a new password; this ends the user's other sessions, voids open links and revokes the
    API tokens (they were made under the old password, perhaps by whoever knew it)."""
    check_password_rules(password, user.name, user.email)
    user.password_hash = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])
    user.end_all_sessions()
    revoke_all_api_tokens(user)
    db.session.execute(
        sa.update(OneTimeLink)
        .where(OneTimeLink.user_id == user.id, OneTimeLink.used_at.is_(None))
        .values(used_at=utcnow())
    )


def _new_link(user: User, purpose: str, valid_for: timedelta) -> tuple[OneTimeLink, str]:
    token = secrets.token_urlsafe(32)
    link = OneTimeLink(
        user=user,
        purpose=purpose,
        token_hash=hash_secret(token),
        expires_at=utcnow() + valid_for,
    )
    db.session.add(link)
    db.session.flush()
    return link, token


def _mail_link(user: User, link: OneTimeLink, token: str) -> None:
    """Queue the e-mail with the link, in the recipient's own language."""
    url = external_url("accounts.set_password", token=token)
    template = f"mail/{link.purpose}"
    with force_locale(user.language):
        context = {"user": user, "url": url, "expires_at": link.expires_at}
        subject = render_template(f"{template}_subject.txt", **context).strip()
        queue_message(
            kind=link.purpose,
            key=f"{link.purpose}:{link.id}",
            recipient=user.email,
            recipient_user_id=user.id,  # where the address comes from, when it must be sent again
            language=user.language,  # the marker that replaces the link once sent is in it too
            subject=subject,
            body_text=render_template(f"{template}.txt", **context),
            body_html=render_template(f"{template}.html", **context),
        )


def send_invitation(user: User) -> None:
    link, token = _new_link(user, "invitation", current_app.config["INVITATION_VALID_FOR"])
    _mail_link(user, link, token)


def limit_reset_requests(email: str, address: str, now: datetime | None = None) -> None:
    """Count a reset request; RateLimited when this address or e-mail address asked too often.

    Counted whether or not the address has an account, so the answer reveals nothing.
    """
    for key in (ratelimit.limit_key("reset:address", address), ratelimit.limit_key("reset:email", email)):
        ratelimit.hit(key, RESET_LIMIT, RESET_WINDOW, now)


def count_link_guess(address: str) -> list[int]:
    """Count an opened set-password link as a guess before it is looked up, and commit at once, so
    that parallel guesses get no more through than the limit; RateLimited when there were too many.
    Returns the attempt, to forgive when the link is valid."""
    rule = ratelimit.Limit(
        ratelimit.limit_key("link-guess:address", address), LINK_GUESS_LIMIT, LINK_GUESS_WINDOW
    )
    guess = ratelimit.attempt(rule)
    db.session.commit()
    return guess


def forgive_link_guess(guess: list[int]) -> None:
    ratelimit.forgive(guess)


def limit_invitations(user: User, now: datetime | None = None) -> None:
    """Count an invitation sent again to this user; RateLimited after too many within the hour."""
    key = ratelimit.limit_key("invitation:user", str(user.id))
    ratelimit.hit(key, INVITATION_LIMIT, INVITATION_WINDOW, now)


def request_password_reset(email: str) -> None:
    """Mail a reset link if the address belongs to an active user; silent otherwise."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        return
    link, token = _new_link(user, "reset", current_app.config["PASSWORD_RESET_VALID_FOR"])
    _mail_link(user, link, token)


def find_valid_link(token: str, now: datetime | None = None) -> OneTimeLink | None:
    """The unused, unexpired link for this token whose user is still active."""
    link = db.session.scalar(sa.select(OneTimeLink).filter_by(token_hash=hash_secret(token)))
    now = now or utcnow()
    if link is None or link.used_at is not None or link.expires_at <= now:
        return None
    return link if link.user.is_active else None


def redeem_link(token: str, password: str) -> User:
    """Set the password through a one-time link, using the link up."""
    link = find_valid_link(token)
    if link is None:
        raise ValidationError(_("This link is no longer valid."), {"token": _("expired or used")})
    set_password(link.user, password)  # also marks this link used
    return link.user


# --- Managing users -----------------------------------------------------------------


def _check_role_link(role: str, municipality_id: int | None, trainee_id: int | None) -> None:
    if role not in set(Role):
        raise ValidationError(_("Choose a role."), {"role": _("Unknown role.")})
    if role == Role.MUNICIPALITY and municipality_id is None:
        raise ValidationError(
            _("Choose the municipality."), {"municipality_id": _("Required for this role.")}
        )
    if role == Role.TRAINEE and trainee_id is None:
        raise ValidationError(_("Choose the trainee."), {"trainee_id": _("Required for this role.")})


def create_user(
    *,
    email: str,
    name: str,
    role: str,
    municipality_id: int | None = None,
    trainee_id: int | None = None,
    language: str = "nl",
    password: str | None = None,
) -> User:
    """Create a user; without a password, an invitation e-mail is queued."""
    name = name.strip()
    if not name:
        raise ValidationError(_("Fill in a name."), {"name": _("Required.")})
    problems: dict[str, str] = {}
    check_one_line(name, "name", problems)
    email = clean_address(email, "email", problems)
    if problems:
        raise ValidationError(_("Please check the fields marked below."), problems)
    if find_user_by_email(email) is not None:
        raise ValidationError(
            _("This e-mail address already has an account."), {"email": _("Already in use.")}
        )
    _check_role_link(role, municipality_id, trainee_id)
    user = User(
        email=email,
        name=name,
        role=role,
        language=language,
        municipality_id=municipality_id if role == Role.MUNICIPALITY else None,
        trainee_id=trainee_id if role == Role.TRAINEE else None,
    )
    db.session.add(user)
    db.session.flush()
    if password is None:
        send_invitation(user)
    else:
        set_password(user, password)
    return user


def update_details(user: User, name: str, email: str) -> int:
    """Correct a user's name and address. Mail still waiting goes to the new address, and mail
    that bounced is sent again to it; returns how many bounced messages go again."""
    name = name.strip()
    problems: dict[str, str] = {}
    if not name:
        problems["name"] = _("Required.")
    check_one_line(name, "name", problems)
    email = clean_address(email, "email", problems)
    if problems:
        raise ValidationError(_("Please check the fields marked below."), problems)
    other = find_user_by_email(email)
    if other is not None and other.id != user.id:
        raise ValidationError(
            _("This e-mail address already has an account."), {"email": _("Already in use.")}
        )
    changed = normalise_email(email) != user.email
    user.name, user.email = name, email
    db.session.flush()
    return follow_new_address(addressed_to_user(user.id)) if changed else 0


def set_active(user: User, active: bool) -> None:
    """(De)activate a user. Deactivating ends all their sessions and revokes their API tokens, so
    activating them again brings no old token back."""
    user.is_active = active
    if not active:
        user.end_all_sessions()
        revoke_all_api_tokens(user)


# --- API tokens ---------------------------------------------------------------------

API_TOKEN_PREFIX = "coh_"  # noqa: S105 - a public marker, not a secret # nosec B105
# How many days a token works: chosen at creation, 90 unless the creator says otherwise.
TOKEN_DAYS, MAX_TOKEN_DAYS = 90, 365


def create_api_token(user: User, name: str, days: object = TOKEN_DAYS) -> tuple[ApiToken, str]:
    """Create a token that works `days` days (1 to MAX_TOKEN_DAYS) and return it with its secret,
    which is never stored or shown again."""
    name = name.strip()
    if not name:
        raise ValidationError(_("Give the token a name."), {"name": _("Required.")})
    lifetime = parse_whole_number(days)
    if lifetime is None or not 1 <= lifetime <= MAX_TOKEN_DAYS:
        raise ValidationError(
            _("Choose how long the token works."),
            {"days": _("From 1 to %(n)d days.", n=MAX_TOKEN_DAYS)},
        )
    secret = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    token = ApiToken(
        user=user,
        name=name[:80],
        token_hash=hash_secret(secret),
        prefix=secret[:10],
        created_at=now,
        expires_at=now + timedelta(days=lifetime),
    )
    db.session.add(token)
    db.session.flush()
    return token, secret


def revoke_api_token(token: ApiToken) -> None:
    token.revoked_at = token.revoked_at or utcnow()


def revoke_all_api_tokens(user: User) -> int:
    """Revoke every working token of the user (a new password, deactivation); returns how many."""
    revoked = db.session.execute(
        sa.update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )
    return revoked.rowcount


def other_contacts(user: User) -> list[User]:
    """The active contacts of a municipality contact's municipality besides them: who gets the
    proposals and reminders once they are deactivated."""
    if user.role != Role.MUNICIPALITY or user.municipality_id is None:
        return []
    return db.session.scalars(
        sa.select(User)
        .where(User.municipality_id == user.municipality_id, User.id != user.id, User.is_active)
        .order_by(User.name)
    ).all()


def working_api_tokens(user: User) -> int:
    """How many of the user's tokens work now: the set-password page says they will stop."""
    return db.session.scalar(
        sa.select(sa.func.count(ApiToken.id)).where(
            ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None), ApiToken.expires_at > utcnow()
        )
    )


def user_for_api_token(secret: str) -> User | None:
    """The active user behind a valid token (neither revoked nor expired), or None."""
    token = db.session.scalar(sa.select(ApiToken).filter_by(token_hash=hash_secret(secret)))
    now = utcnow()
    if token is None or not token.works_at(now) or not token.user.is_active:
        return None
    # Touch at most once a minute, so API reads do not all become writes (the caller commits).
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        token.last_used_at = now
    return token.user
