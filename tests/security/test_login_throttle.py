"""Login throttling that tells nothing and locks nobody out (accounts/services.py, core/ratelimit.py):
per account and address with a growing wait, per address across accounts, and a lock on an
account with very many failures that a manager lifts."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from accounts import services
from core import ratelimit
from core.clock import utcnow
from core.ratelimit import Backoff, RateLimitHit
from extensions import db
from tests.conftest import login, post_form

THROTTLED = "Te veel mislukte pogingen"
LOCKED = "Dit account is op slot gezet"


def browser(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def age_hits(by: timedelta) -> None:
    for hit in db.session.scalars(sa.select(RateLimitHit)):
        hit.at -= by
    db.session.commit()


def test_the_wait_after_five_failures_doubles_up_to_an_hour():
    rule = Backoff("k", free=5, first=timedelta(minutes=1), longest=timedelta(hours=1))
    now = utcnow()
    assert rule.wait([now] * 4, now) is None
    waits = [rule.wait([now] * n, now) for n in range(5, 13)]
    assert waits == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60, 60)]
    assert rule.wait([now - timedelta(minutes=2)] * 6, now) is None  # 2 minutes waited: go


def test_failures_from_one_address_never_lock_the_user_out_from_another(app, manager):
    attacker, owner = browser(app, "127.0.0.2"), browser(app, "127.0.0.3")
    for _ in range(5):
        assert login(attacker, manager.email, "wrong").status_code == 400
    response = login(attacker, manager.email)  # even the right password waits now
    assert response.status_code == 429 and THROTTLED in response.get_data(as_text=True)
    assert login(owner, manager.email).status_code == 302


def test_the_wait_grows_with_each_further_failure(app, manager):
    attacker = browser(app, "127.0.0.2")
    for _ in range(5):
        login(attacker, manager.email, "wrong")
    age_hits(timedelta(minutes=1, seconds=1))
    assert login(attacker, manager.email, "wrong").status_code == 400  # the 1-minute wait is over
    age_hits(timedelta(minutes=1, seconds=1))
    assert login(attacker, manager.email, "wrong").status_code == 429  # now it is 2 minutes
    age_hits(timedelta(minutes=1))
    assert login(attacker, manager.email).status_code == 302


def test_a_successful_login_starts_the_address_afresh(app, manager):
    owner = browser(app, "127.0.0.3")
    for _ in range(4):
        login(owner, manager.email, "wrong")
    assert login(owner, manager.email).status_code == 302
    post_form(owner, "/logout", {}, page="/dashboard")
    for _ in range(4):
        assert login(owner, manager.email, "wrong").status_code == 400
    assert login(owner, manager.email).status_code == 302


def test_one_address_is_limited_across_accounts(app, manager):
    sprayer = browser(app, "127.0.0.2")
    for n in range(20):
        assert login(sprayer, f"someone{n}@mail.example", "wrong").status_code == 400
    assert login(sprayer, manager.email).status_code == 429
    assert login(browser(app, "127.0.0.3"), manager.email).status_code == 302


def test_fifty_failures_lock_the_account_until_a_manager_unlocks_it(app, manager_client, trainee_user):
    for n in range(10):  # ten addresses, five failures each: no address alone is held up
        attacker = browser(app, f"10.0.0.{n}")
        for _ in range(5):
            assert login(attacker, trainee_user.email, "wrong").status_code == 400
    response = login(browser(app, "127.0.0.3"), trainee_user.email)
    assert response.status_code == 429 and LOCKED in response.get_data(as_text=True)
    # The same answer for an address without an account: the lock tells nothing.
    for n in range(10):
        for _ in range(5):
            login(browser(app, f"10.0.1.{n}"), "nobody@mail.example", "wrong")
    assert LOCKED in login(browser(app, "127.0.0.3"), "nobody@mail.example").get_data(as_text=True)

    users_page = manager_client.get("/users").get_data(as_text=True)
    assert "Op slot" in users_page
    post_form(manager_client, f"/users/{trainee_user.id}/unlock", {}, page="/users")
    assert "Op slot" not in manager_client.get("/users").get_data(as_text=True)
    assert login(browser(app, "127.0.0.3"), trainee_user.email).status_code == 302


@pytest.mark.parametrize("who", ["unknown", "deactivated", "without password", "known"])
def test_every_login_checks_one_password_hash(app, manager, monkeypatch, who):
    """An unknown address is checked against a dummy hash, so it takes as long as a known one."""
    checked = []
    real_check = services.check_password_hash
    monkeypatch.setattr(services, "check_password_hash", lambda *a: checked.append(a[0]) or real_check(*a))
    email = manager.email
    if who == "unknown":
        email = "nobody@mail.example"
    elif who == "deactivated":
        manager.is_active = False
    elif who == "without password":
        manager.password_hash = None
    db.session.commit()
    with pytest.raises(services.InvalidCredentials):
        services.authenticate(email, "wrong password", "127.0.0.2")
    assert len(checked) == 1 and checked[0].startswith(app.config["PASSWORD_HASH_METHOD"].split(":")[0])


def test_the_keys_hold_no_address_in_plain_text(app, manager):
    login(browser(app, "127.0.0.2"), manager.email, "wrong")
    keys = db.session.scalars(sa.select(RateLimitHit.key)).all()
    assert len(keys) == 3 and not any("127.0.0.2" in key or "manager" in key for key in keys)
    assert ratelimit.limit_key("login:account", manager.email) in keys


def test_throttling_holds_across_server_processes(app_config, make_app, manager):
    """The counter lives in the database: a second app on the same database sees it."""
    for _ in range(5):
        login(make_app(app_config).test_client(), manager.email, "wrong")
    assert login(make_app(app_config).test_client(), manager.email).status_code == 429
