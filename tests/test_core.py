"""Site-wide behaviour: health, language, error pages, headers, the scheduler's place."""

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from app import create_app
from core.clock import utcnow
from extensions import db
from jobs import run_tick
from reminders.heartbeat import record_heartbeat, scheduler_status
from tests.conftest import post_form

ROOT = Path(__file__).resolve().parent.parent


def test_healthz_reports_a_working_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_is_gone(app_config, make_app, tmp_path):
    gone = {**app_config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/dir/x.db"}
    response = make_app(gone).test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unavailable"


def test_creating_the_app_never_starts_a_scheduler():
    """In a clean interpreter: no scheduler module loaded, no extra thread running."""
    probe = (
        "import sys, threading\n"
        "from app import create_app\n"
        "app = create_app()\n"
        "app.test_client().get('/healthz')\n"
        "print(any(name.startswith('apscheduler') for name in sys.modules), threading.active_count())\n"
    )
    env = {"SECRET_KEY": "x", "DATABASE_URL": "sqlite://", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "1"]


def test_the_scheduler_job_stamps_a_heartbeat_that_the_manager_sees(app, manager_client):
    assert "De planner draait niet" in manager_client.get("/dashboard").get_data(as_text=True)
    run_tick(app)
    assert scheduler_status().is_alive
    assert "De planner draait." in manager_client.get("/dashboard").get_data(as_text=True)


def test_a_heartbeat_older_than_two_minutes_means_not_alive(app):
    record_heartbeat(utcnow() - timedelta(minutes=3))
    db.session.commit()
    assert not scheduler_status().is_alive
    assert scheduler_status(now=utcnow() - timedelta(minutes=2)).is_alive


def test_the_interface_is_dutch_first_and_english_on_request(client):
    assert "<h1>Inloggen</h1>" in client.get("/login").get_data(as_text=True)
    response = post_form(client, "/language", {"language": "en", "next": "/login"}, page="/login")
    assert response.headers["Location"] == "/login"
    assert "<h1>Log in</h1>" in client.get("/login").get_data(as_text=True)


def test_a_users_language_choice_is_kept_on_their_account(app, trainee_client, trainee_user):
    post_form(trainee_client, "/language", {"language": "en"}, page="/schedule")
    db.session.refresh(trainee_user)
    assert trainee_user.language == "en"
    fresh = app.test_client()  # another browser, no language cookie
    post_form(fresh, "/login", {"email": trainee_user.email, "password": "correct horse battery"})
    assert "<h1>My schedule</h1>" in fresh.get("/schedule").get_data(as_text=True)


def test_a_missing_page_is_friendly_and_in_dutch(client):
    response = client.get("/does-not-exist")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.get_data(as_text=True)


def test_an_unexpected_error_shows_a_friendly_page_without_a_trace(app_config, make_app):
    app = make_app({**app_config, "TESTING": False})

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    with app.app_context():
        db.create_all()
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Er ging bij ons iets mis" in body
    assert "secret internals" not in body and "Traceback" not in body


def test_responses_carry_security_headers(client):
    headers = client.get("/login").headers
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers  # only over HTTPS
    assert "Strict-Transport-Security" in client.get("/login", base_url="https://localhost").headers


def test_the_css_foundation_is_served_by_the_app(client):
    page = client.get("/login").get_data(as_text=True)
    assert "/static/vendor/pico.min.css" in page and "//cdn" not in page
    response = client.get("/static/vendor/pico.min.css")
    assert response.status_code == 200 and b"Pico CSS" in response.data
    response.close()


@pytest.mark.parametrize("variable", ["SECRET_KEY"])
def test_production_refuses_to_start_without_a_secret_key(monkeypatch, variable):
    from settings import SettingsError

    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.delenv(variable)
    with pytest.raises(SettingsError):
        create_app()


def test_behind_a_proxy_the_forwarded_https_and_address_are_trusted(app_config, make_app):
    proxied = make_app({**app_config, "PROXY_COUNT": 1})
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    response = proxied.test_client().get("/login", headers=headers)
    assert "Strict-Transport-Security" in response.headers
    direct = make_app(app_config).test_client().get("/login", headers=headers)
    assert "Strict-Transport-Security" not in direct.headers  # forwarded headers are not trusted


def test_static_files_cost_no_database_query(manager_client, count_queries):
    with count_queries() as queries:
        response = manager_client.get("/static/css/app.css")
        assert response.status_code == 200
        response.close()
    assert queries == []


def test_the_managers_home_costs_the_same_queries_for_1_and_6_cohorts(manager_client, count_queries):
    from tests.factories import make_cohort, make_trainee

    def queries() -> int:
        with count_queries() as statements:
            assert manager_client.get("/dashboard").status_code == 200
        return len(statements)

    make_trainee(make_cohort())
    db.session.commit()
    one = queries()
    for _ in range(5):
        make_trainee(make_cohort())
    db.session.commit()
    assert queries() == one
