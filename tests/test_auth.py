"""Logging in and out: credentials, throttling, redirects, CSRF, session lifetime."""

from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest

from accounts.models import LoginSession, Role, hash_secret
from core.clock import utcnow
from extensions import db
from tests.conftest import csrf_token_from, login, post_form
from tests.factories import age_login_sessions, make_user


@pytest.mark.real_hash
@pytest.mark.parametrize(
    ("role", "home"),
    [
        (Role.MANAGER, "/dashboard"),
        (Role.MUNICIPALITY, "/portal"),
        (Role.TRAINEE, "/schedule"),
        (Role.TRAINER, "/teaching"),
    ],
)
def test_each_role_lands_on_its_own_home_page(client, role, home):
    user = make_user(role)
    response = login(client, user.email)
    assert response.status_code == 302
    assert client.get("/").headers["Location"] == home
    assert client.get(home).status_code == 200


@pytest.mark.real_hash
def test_passwords_are_stored_with_scrypt_as_in_production(app):
    """The test suite hashes cheaply; a `real_hash` test, like production, uses scrypt."""
    assert app.config["PASSWORD_HASH_METHOD"] == "scrypt"
    assert make_user(Role.TRAINEE).password_hash.startswith("scrypt:")


def test_login_is_case_insensitive_for_the_email_address(client):
    user = make_user(email="Amina.Yusuf@Mail.example")
    assert user.email == "amina.yusuf@mail.example"
    assert login(client, "AMINA.YUSUF@mail.EXAMPLE").status_code == 302


def test_wrong_password_is_refused_with_a_message_next_to_the_field(client, manager):
    response = login(client, manager.email, "not the password")
    assert response.status_code == 400
    assert "E-mailadres of wachtwoord klopt niet." in response.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302  # still anonymous


def test_logout_ends_the_session(manager_client):
    assert manager_client.get("/dashboard").status_code == 200
    response = post_form(manager_client, "/logout", {}, page="/dashboard")
    assert response.status_code == 302
    assert manager_client.get("/dashboard").headers["Location"].startswith("/login")


def test_login_and_logout_refuse_a_post_without_csrf_token(client, manager):
    assert client.post("/login", data={"email": manager.email, "password": "x"}).status_code == 400
    assert client.post("/logout").status_code == 400


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "/\\evil.example",
        "https://evil.example",
        "javascript:alert(1)",
        "/\x0d/evil.example",
        "http:/evil.example",
    ],
)
def test_next_never_leads_off_the_site(client, manager, target):
    response = post_form(
        client,
        f"/login?next={target}",
        {"email": manager.email, "password": "correct horse battery"},
        page="/login",
    )
    assert response.headers["Location"] == "/"


def test_next_leads_to_a_path_on_the_site(client, manager):
    response = post_form(
        client,
        "/login?next=/account",
        {"email": manager.email, "password": "correct horse battery"},
        page="/login",
    )
    assert response.headers["Location"] == "/account"


def test_login_starts_a_fresh_session(client, manager):
    with client.session_transaction() as before:
        before["planted"] = "by someone else"
    login(client, manager.email)
    with client.session_transaction() as after:
        assert "planted" not in after
        # The cookie holds the login's random secret, not the user's id; the table its hash.
        secret = after["_user_id"]
    assert len(secret) >= 43 and str(manager.id) != secret
    assert db.session.get(LoginSession, hash_secret(secret)).user_id == manager.id


def test_remember_me_survives_the_idle_timeout_and_has_hardened_cookie(client, manager, app):
    response = login(client, manager.email, remember="y")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # served over plain HTTP in this test
    expires = parsedate_to_datetime(cookie.split("Expires=")[1].split(";")[0])
    assert timedelta(days=29) < expires - utcnow() <= timedelta(days=30)
    age_login_sessions(manager, app.config["IDLE_TIMEOUT"] + timedelta(minutes=1))
    assert client.get("/dashboard").status_code == 200


def test_cookies_are_secure_when_served_over_https(app_config, make_app, monkeypatch):
    monkeypatch.setenv("BASE_URL", "https://cohort.example")
    app = make_app({k: v for k, v in app_config.items() if k != "BASE_URL"})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]


def test_login_page_carries_a_csrf_token_and_labels(client):
    html = client.get("/login").get_data(as_text=True)
    assert csrf_token_from(html)
    assert '<label for="email">' in html and '<label for="password">' in html
