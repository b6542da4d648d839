"""Rate limits on password reset, set-password links and invitations: counted in the database,
so they hold across server processes (two apps on one database, and real gunicorn workers)."""

import re
import secrets
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import requests
import sqlalchemy as sa
from flask_babel import force_locale, gettext
from requests.adapters import HTTPAdapter

from accounts.models import Role
from accounts.services import create_user
from core import ratelimit
from core.clock import utcnow
from core.ratelimit import RateLimited, RateLimitHit
from extensions import db
from outbox.models import OutboxMessage
from tests.conftest import csrf_token_from, post_form
from tests.factories import PASSWORD, make_user
from tests.security.conftest import pids_that_served

WAIT_MSGID = "Too many attempts. Try again in %(minutes)s minutes."


def wait_message(app, minutes: int) -> str:
    """The page's text in Dutch (from the catalogue: "Te veel pogingen. Probeer het over ...")."""
    with app.test_request_context(), force_locale("nl"):
        return gettext(WAIT_MSGID, minutes=minutes)


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def ask_reset(client, email: str, address: str = "127.0.0.1"):
    return post_form(client, "/password/forgot", {"email": email}, environ_base={"REMOTE_ADDR": address})


def reset_link(client, email: str) -> str:
    """Ask for a reset (from an address of its own) and return the link from the e-mail."""
    assert ask_reset(client, email, "10.3.3.3").status_code == 302
    body = db.session.scalar(sa.select(OutboxMessage.body_text).order_by(OutboxMessage.id.desc()))
    return re.search(r"/password/set/[\w-]+", body).group()


# --- The limiter itself -----------------------------------------------------------------------


def test_the_limit_th_attempt_passes_and_the_next_is_refused_until_the_oldest_leaves(app):
    start = utcnow()
    window = timedelta(minutes=15)
    for minute in range(5):
        ratelimit.hit("k", 5, window, start + timedelta(minutes=minute))
    with pytest.raises(RateLimited) as refused:
        ratelimit.hit("k", 5, window, start + timedelta(minutes=10))
    assert refused.value.retry_after == timedelta(minutes=5)  # the first hit leaves at minute 15
    assert refused.value.minutes == 5
    assert count(RateLimitHit) == 5  # a refused attempt does not count
    ratelimit.hit("k", 5, window, start + timedelta(minutes=15, seconds=1))
    ratelimit.hit("other", 5, window, start + timedelta(minutes=10))  # keys are separate


def test_old_hits_are_pruned_for_every_key(app):
    start = utcnow() - timedelta(days=2)
    for key in ("a", "b", "c"):
        ratelimit.hit(key, 5, timedelta(minutes=1), start)
    ratelimit.hit("d", 5, timedelta(minutes=1))
    assert db.session.scalars(sa.select(RateLimitHit.key)).all() == ["d"]


def test_a_wait_is_never_shown_as_zero_minutes():
    assert RateLimited(timedelta(seconds=3)).minutes == 1
    assert RateLimited(timedelta(seconds=61)).minutes == 2


def test_keys_store_no_address_or_email_in_plain_text():
    key = ratelimit.limit_key("reset:email", "Amina@Mail.example")
    assert "amina" not in key.lower() and key == ratelimit.limit_key("reset:email", "amina@mail.example")
    assert len(key) <= RateLimitHit.key.type.length


# --- Password reset ----------------------------------------------------------------------------


def test_the_sixth_reset_request_from_one_address_gets_a_clear_429(app, client, manager):
    for n in range(5):
        assert ask_reset(client, f"someone{n}@mail.example").status_code == 302
    response = ask_reset(client, manager.email)
    assert response.status_code == 429
    body = response.get_data(as_text=True)
    assert wait_message(app, 15) in body
    assert int(response.headers["Retry-After"]) > 14 * 60
    assert count(OutboxMessage) == 0  # nothing was sent to the manager


def test_reset_requests_for_one_email_are_limited_whatever_the_address(client, manager):
    for n in range(5):
        assert ask_reset(client, manager.email, f"10.0.0.{n}").status_code == 302
    assert count(OutboxMessage) == 5
    assert ask_reset(client, manager.email, "10.0.1.1").status_code == 429
    assert ask_reset(client, "other@mail.example", "10.0.1.1").status_code == 302
    assert count(OutboxMessage) == 5


def test_resets_are_allowed_again_when_the_window_has_passed(client, manager):
    for _ in range(5):
        ask_reset(client, manager.email)
    db.session.execute(sa.update(RateLimitHit).values(at=utcnow() - timedelta(minutes=16)))
    db.session.commit()
    assert ask_reset(client, manager.email).status_code == 302


def test_the_reset_limit_holds_across_server_processes(app_config, make_app, client, manager):
    for _ in range(5):
        ask_reset(client, manager.email)
    other_process = make_app(app_config).test_client()
    assert ask_reset(other_process, manager.email).status_code == 429


def test_an_invalid_reset_form_does_not_count(client, manager):
    for _ in range(8):
        assert ask_reset(client, "not an address").status_code == 200
    assert ask_reset(client, manager.email).status_code == 302


# --- Set-password links --------------------------------------------------------------------------


def test_guessing_set_password_links_is_stopped_per_address(app, client, manager):
    real_link = reset_link(client, manager.email)
    for n in range(10):
        assert client.get(f"/password/set/guess-{n}").status_code == 404
    response = client.get("/password/set/guess-11")
    assert response.status_code == 429 and wait_message(app, 15) in response.get_data(as_text=True)
    # Stopped even with a real link now, so a lucky guess is no use; other addresses go on.
    assert client.get(real_link).status_code == 429
    assert client.get(real_link, environ_base={"REMOTE_ADDR": "10.1.1.1"}).status_code == 200


def test_a_valid_link_is_not_counted_as_a_guess(client, manager):
    link = reset_link(client, manager.email)
    for _ in range(12):
        assert client.get(link).status_code == 200
    assert count(RateLimitHit) == 2  # the reset request's two keys, no guess


# --- Invitations sent again ------------------------------------------------------------------------


def test_a_manager_can_send_an_invitation_again_three_times_an_hour(app, manager_client):
    user = make_user(Role.TRAINER, email="invitee@mail.example", password=None)  # never set one
    db.session.commit()
    before = count(OutboxMessage)
    for _ in range(3):
        response = post_form(manager_client, f"/users/{user.id}/invite", {}, page="/users")
        assert response.status_code == 302
    response = post_form(manager_client, f"/users/{user.id}/invite", {}, page="/users")
    assert response.status_code == 429
    assert wait_message(app, 60) in response.get_data(as_text=True)
    assert count(OutboxMessage) == before + 3


# --- Real worker processes ------------------------------------------------------------------------


def _reset_request(base: str, email: str) -> int:
    """One browser: open the form (session cookie and CSRF token), then send it."""
    with requests.Session() as browser:
        token = csrf_token_from(browser.get(f"{base}/password/forgot", timeout=30).text)
        response = browser.post(
            f"{base}/password/forgot",
            data={"email": email, "csrf_token": token},
            allow_redirects=False,
            timeout=30,
        )
        return response.status_code


def test_the_reset_limit_holds_across_two_gunicorn_workers(gunicorn_two_workers):
    """Twelve browsers at once, spread over both workers: exactly five resets get through."""
    base, log, _url = gunicorn_two_workers
    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(lambda _n: _reset_request(base, "amina@mail.example"), range(12)))
    assert sorted(answers) == [302] * 5 + [429] * 7, answers
    # And the next one, whichever worker serves it.
    assert _reset_request(base, "amina@mail.example") == 429
    time.sleep(0.5)  # the access log is written after the response
    posts = [line for line in log.read_text().splitlines() if " POST /password/forgot " in line]
    served_by = pids_that_served(log, "POST /password/forgot")
    assert len(posts) == 13 and len(served_by) == 2, f"the posts were served by {served_by}"


def _form_post(base: str, path: str, fields: dict) -> int:
    """One browser: open the form (session cookie and CSRF token), then send it."""
    with requests.Session() as browser:
        token = csrf_token_from(browser.get(f"{base}{path}", timeout=30).text)
        response = browser.post(
            f"{base}{path}", data={**fields, "csrf_token": token}, allow_redirects=False, timeout=60
        )
        return response.status_code


def _all_at_once(count: int, send) -> list[int]:
    with ThreadPoolExecutor(max_workers=count) as pool:
        return sorted(pool.map(lambda _n: send(), range(count)))


@pytest.mark.serial
def test_thirty_logins_at_once_get_no_more_tries_than_the_limit(gunicorn_two_workers):
    """Counted before the password is checked: five wrong passwords are tried, 25 wait."""
    base, _log, _url = gunicorn_two_workers
    attempt = {"email": "amina@mail.example", "password": "een gok van iemand"}
    answers = _all_at_once(30, lambda: _form_post(base, "/login", attempt))
    assert answers == [400] * 5 + [429] * 25, answers


@pytest.mark.serial
def test_twenty_offers_at_once_save_no_more_than_the_limit(gunicorn_two_workers):
    base, _log, _url = gunicorn_two_workers
    offer = {
        "organisation": "Gemeente Houten",
        "contact_name": "Eva de Boer",
        "contact_email": "eva@houten.example",
        "places": "2",
        "cohort_id": "",
        "period": "maart tot mei 2027",
        "website": "",
    }
    answers = _all_at_once(20, lambda: _form_post(base, "/stageplek-aanbieden", offer))
    assert answers == [302] * 5 + [429] * 15, answers


class FromAddress(HTTPAdapter):
    """Connect from this loopback address (127.0.0.2, …), as a client elsewhere would."""

    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, source_address=(self.address, 0), **kwargs)


def _login_from(base: str, address: str, email: str, password: str) -> tuple[int, float]:
    """Log in from `address`; the status and the seconds the server took to answer the post."""
    with requests.Session() as browser:
        browser.mount("http://", FromAddress(address))
        token = csrf_token_from(browser.get(f"{base}/login", timeout=30).text)
        started = time.perf_counter()
        response = browser.post(
            f"{base}/login",
            data={"email": email, "password": password, "csrf_token": token},
            allow_redirects=False,
            timeout=60,
        )
        return response.status_code, time.perf_counter() - started


@pytest.fixture
def known_account(gunicorn_two_workers, make_app):
    """A user in the served database, its password hashed with scrypt as in production."""
    _base, _log, url = gunicorn_two_workers
    app = make_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        create_user(email="amina@mail.example", name="Amina Yusuf", role=Role.TRAINER, password=PASSWORD)
        db.session.commit()
    return "amina@mail.example"


@pytest.mark.serial
def test_an_unknown_address_takes_as_long_as_a_known_one(gunicorn_two_workers, known_account):
    """Median of 20 each, interleaved; spread over addresses so that no throttle answers instead."""
    base, _log, _url = gunicorn_two_workers
    known, unknown = [], []
    for n in range(20):
        address = f"127.0.0.{2 + n // 5}"  # five tries per address and account: no wait yet
        status, seconds = _login_from(base, address, known_account, "een verkeerd wachtwoord")
        assert status == 400
        known.append(seconds)
        status, seconds = _login_from(base, f"127.0.1.{2 + n // 5}", f"nobody{n}@mail.example", "gok")
        assert status == 400
        unknown.append(seconds)
    slower, faster = sorted((statistics.median(known), statistics.median(unknown)), reverse=True)
    assert slower / faster < 1.5, (statistics.median(known), statistics.median(unknown))


@pytest.mark.serial
def test_failures_from_one_address_do_not_stop_the_owner_at_another(gunicorn_two_workers, known_account):
    base, _log, _url = gunicorn_two_workers
    for _ in range(5):
        assert _login_from(base, "127.0.0.2", known_account, "een gok")[0] == 400
    assert _login_from(base, "127.0.0.2", known_account, PASSWORD)[0] == 429
    assert _login_from(base, "127.0.0.3", known_account, PASSWORD)[0] == 302


def test_the_access_log_masks_the_secrets_of_links(gunicorn_two_workers):
    """Production's gunicorn logger (deploy/gunicorn.conf.py): a link's secret never reaches the log."""
    base, log, _url = gunicorn_two_workers
    secret = secrets.token_urlsafe(32)
    for path in (f"/password/set/{secret}", f"/afmelden/{secret}"):
        assert requests.get(f"{base}{path}", timeout=30).status_code == 404
    time.sleep(0.5)  # the access log is written after the response
    text = log.read_text()
    assert secret not in text and f" GET /password/set/{secret[:4]}… 404" in text
