"""Login sessions kept on the server: logging out ends a copied cookie too, lifetimes, the account
page's list of logins (accounts/login_sessions.py)."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from accounts import services
from accounts.login_sessions import device_label
from accounts.models import LoginSession
from core.clock import utcnow
from extensions import db
from tests.conftest import login, post_form
from tests.factories import age_login_sessions

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Mobile/15E148 Safari/604.1"
)


def logins_of(user) -> list[LoginSession]:
    db.session.expire_all()
    return db.session.scalars(sa.select(LoginSession).filter_by(user_id=user.id)).all()


def copy_cookies(app, source, names=("session", "remember_token")):
    """A second browser with copies of the first one's cookies (as a thief would have them)."""
    thief = app.test_client()
    for name in names:
        cookie = source.get_cookie(name)
        if cookie is not None:
            thief.set_cookie(name, cookie.value)
    return thief


def browser(app, user_agent: str, address: str = "127.0.0.1"):
    client = app.test_client()
    client.environ_base.update(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address)
    return client


def logged_in(client) -> bool:
    return client.get("/dashboard").status_code == 200


def test_a_login_records_the_device_address_and_times(app, manager):
    login(browser(app, FIREFOX, "192.0.2.7"), manager.email)
    [record] = logins_of(manager)
    assert (record.user_agent, record.address, record.remember) == (FIREFOX, "192.0.2.7", False)
    assert record.expires_at - record.created_at == timedelta(hours=12)
    assert device_label(record) == "Firefox op Linux"


def test_logout_ends_a_copied_session_cookie_too(app, client, manager):
    login(client, manager.email)
    thief = copy_cookies(app, client, names=("session",))
    assert logged_in(thief)
    post_form(client, "/logout", {}, page="/dashboard")
    assert logins_of(manager) == []
    assert not logged_in(thief)


def test_logout_ends_a_copied_remember_me_cookie_too(app, client, manager):
    login(client, manager.email, remember="y")
    thief = copy_cookies(app, client, names=("remember_token",))  # without the session cookie
    assert logged_in(thief)  # "remember me" logs the copy in
    response = post_form(client, "/logout", {}, page="/dashboard")
    assert client.get_cookie("remember_token") is None  # the browser is told to forget it
    assert any(c.startswith("remember_token=;") for c in response.headers.getlist("Set-Cookie"))
    assert not logged_in(copy_cookies(app, client, names=()))
    assert not logged_in(thief)


@pytest.mark.parametrize("end", ["new password", "deactivated", "erased"])
def test_a_new_password_deactivation_or_erasure_ends_every_session(
    app, make_client, manager, trainee_user, end
):
    user = trainee_user if end == "erased" else manager
    browsers = [make_client(user), make_client(user)]
    if end == "new password":
        services.set_password(user, "een heel ander wachtwoord 42")
    elif end == "deactivated":
        services.set_active(user, False)
    else:
        from privacy.erasure import erase_trainee

        erase_trainee(user.trainee, actor=None)
    db.session.commit()
    assert logins_of(user) == []
    assert all(browser.get("/account").status_code == 302 for browser in browsers)


def seen_just_now(user) -> None:
    for record in logins_of(user):
        record.last_seen_at = utcnow()
    db.session.commit()


def test_a_session_ends_after_12_hours_however_active(manager_client, manager):
    age_login_sessions(manager, timedelta(hours=12) - timedelta(minutes=1))
    seen_just_now(manager)
    assert logged_in(manager_client)
    age_login_sessions(manager, timedelta(minutes=2))
    seen_just_now(manager)  # just active, yet past the absolute end
    assert not logged_in(manager_client)


def test_a_session_ends_after_30_idle_minutes(manager_client, manager, app):
    age_login_sessions(manager, app.config["IDLE_TIMEOUT"] - timedelta(minutes=1))
    assert logged_in(manager_client)  # and this counts as activity
    age_login_sessions(manager, app.config["IDLE_TIMEOUT"] - timedelta(minutes=1))
    assert logged_in(manager_client)
    age_login_sessions(manager, app.config["IDLE_TIMEOUT"] + timedelta(minutes=1))
    assert not logged_in(manager_client)


def test_remember_me_lasts_30_days_at_most(client, manager):
    login(client, manager.email, remember="y")
    age_login_sessions(manager, timedelta(days=29))  # idle for days: still in
    assert logged_in(client)
    age_login_sessions(manager, timedelta(days=1, minutes=1))
    assert not logged_in(client)


def test_activity_is_written_at_most_once_a_minute(manager_client, manager):
    def last_seen():
        [record] = logins_of(manager)
        return record.last_seen_at

    before = last_seen()
    manager_client.get("/dashboard")
    assert last_seen() == before  # within the minute: no write
    age_login_sessions(manager, timedelta(minutes=2))
    aged = last_seen()
    manager_client.get("/dashboard")
    assert last_seen() - aged >= timedelta(minutes=2)


def test_each_request_reads_its_session_once_and_a_static_file_not_at_all(manager_client, count_queries):
    with count_queries() as queries:
        manager_client.get("/dashboard")
    [session_read] = [statement for statement in queries if "FROM login_sessions" in statement]
    assert "JOIN users" in session_read  # the user comes with it: one read in all
    with count_queries() as queries:
        manager_client.get("/static/css/app.css").close()
    assert queries == []


def test_the_account_page_lists_the_logins_and_ends_another(app, manager):
    client, phone = browser(app, FIREFOX), browser(app, IPHONE)
    login(client, manager.email)
    login(phone, manager.email)
    page = client.get("/account").get_data(as_text=True)
    assert "Firefox op Linux" in page and "Mobile Safari op iOS" in page and "Dit apparaat" in page
    phone_login = next(r for r in logins_of(manager) if r.user_agent == IPHONE)
    response = post_form(client, f"/account/sessions/{phone_login.id}/end", {}, page="/account")
    assert response.status_code == 302
    assert not logged_in(phone) and logged_in(client)


def test_log_out_on_all_other_devices_keeps_this_one(app, make_client, manager):
    here, *others = (make_client(manager) for _ in range(3))
    response = post_form(here, "/account/sessions/end-others", {}, page="/account", follow_redirects=True)
    assert "U bent uitgelogd op 2 andere apparaten." in response.get_data(as_text=True)
    assert logged_in(here) and not any(logged_in(other) for other in others)
    assert len(logins_of(manager)) == 1


def test_another_users_login_or_this_one_cannot_be_ended_from_the_list(make_client, manager, trainee_user):
    trainee_browser = make_client(trainee_user)
    here = make_client(manager)
    [theirs] = logins_of(trainee_user)
    [mine] = logins_of(manager)
    for target in (theirs.id, mine.id, "not-a-session"):
        assert post_form(here, f"/account/sessions/{target}/end", {}, page="/account").status_code == 404
    assert logged_in(here) and trainee_browser.get("/schedule").status_code == 200


def test_old_session_rows_are_pruned_at_the_next_login(app, client, manager, trainee_user):
    login(app.test_client(), trainee_user.email)
    age_login_sessions(trainee_user, timedelta(days=31))
    login(client, manager.email)
    assert logins_of(trainee_user) == []
