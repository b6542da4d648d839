"""Copied credentials against real gunicorn workers: a session cookie and a "remember me"
cookie copied before logout, and an API token and a browser login from before a password
reset, stop working at once, whichever worker answers (the state is in the database)."""

import re

import pytest
import requests
import sqlalchemy as sa

from accounts.models import Role
from accounts.services import create_api_token, create_user
from extensions import db
from outbox.models import OutboxMessage
from tests.conftest import csrf_token_from
from tests.factories import PASSWORD

EMAIL = "eva@cohort.example"
NEW_PASSWORD = "fiets wolk dinsdag regen"


@pytest.fixture
def server(gunicorn_two_workers, make_app):
    """The served app with a manager, their API token, and a way into its database."""
    base, _log, url = gunicorn_two_workers
    app = make_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        manager = create_user(email=EMAIL, name="Eva de Boer", role=Role.MANAGER, password=PASSWORD)
        _token, secret = create_api_token(manager, "replay test")
        db.session.commit()
    return base, app, secret


def _logged_in(base: str, remember: bool = False) -> requests.Session:
    browser = requests.Session()
    form = {"email": EMAIL, "password": PASSWORD, "csrf_token": _csrf(browser, f"{base}/login")}
    if remember:
        form["remember"] = "y"
    assert browser.post(f"{base}/login", data=form, allow_redirects=False, timeout=30).status_code == 302
    return browser


def _csrf(browser: requests.Session, url: str) -> str:
    return csrf_token_from(browser.get(url, timeout=30).text)


def _copy(browser: requests.Session, *names: str) -> requests.Session:
    thief = requests.Session()
    for name in names:
        thief.cookies.set(name, browser.cookies[name])
    return thief


def _is_in(browser: requests.Session, base: str) -> bool:
    """Whether the browser's cookies still open "Mijn account" (else: sent to log in)."""
    response = browser.get(f"{base}/account", allow_redirects=False, timeout=30)
    assert response.status_code in (200, 302)
    return response.status_code == 200


def test_cookies_copied_before_logout_open_nothing_after_it(server):
    base, _app, _secret = server
    owner = _logged_in(base, remember=True)
    with_session = _copy(owner, "session")
    with_remember_me = _copy(owner, "remember_token")  # without a session cookie
    assert _is_in(with_session, base) and _is_in(with_remember_me, base)
    csrf = _csrf(owner, f"{base}/account")
    assert owner.post(f"{base}/logout", data={"csrf_token": csrf}, timeout=30).status_code == 200
    for _ in range(4):  # whichever worker answers
        assert not _is_in(with_session, base) and not _is_in(with_remember_me, base)


def test_a_password_reset_ends_the_token_and_the_logins_made_before_it(server):
    base, app, secret = server
    bearer = {"Authorization": f"Bearer {secret}"}
    assert requests.get(f"{base}/api/v1/me", headers=bearer, timeout=30).status_code == 200
    elsewhere = _logged_in(base)
    assert _is_in(elsewhere, base)

    reset = requests.Session()
    form = {"email": EMAIL, "csrf_token": _csrf(reset, f"{base}/password/forgot")}
    assert (
        reset.post(f"{base}/password/forgot", data=form, allow_redirects=False, timeout=30).status_code == 302
    )
    with app.app_context():  # queued for the scheduler: the link is in the row until it is sent
        body = db.session.scalar(sa.select(OutboxMessage.body_text).filter_by(kind="reset"))
    link = re.search(r"/password/set/[\w-]+", body).group()
    form = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "csrf_token": _csrf(reset, f"{base}{link}")}
    assert reset.post(f"{base}{link}", data=form, allow_redirects=False, timeout=30).status_code == 302

    for _ in range(4):
        assert requests.get(f"{base}/api/v1/me", headers=bearer, timeout=30).status_code == 401
        assert not _is_in(elsewhere, base)
