"""Input that cannot exhaust the server, tried on a real one: production's gunicorn worker gets
deeply nested JSON, bodies far over the limit (declared and chunked), a body on a route that
reads none, the XLSX bomb and a zip whose header lies. Each is answered with a clear refusal
within 2 s, and the worker that served them all peaked under 200 MB of memory."""

import time
from functools import partial
from pathlib import Path

import pytest
import requests

from accounts.models import Role
from accounts.services import create_api_token
from extensions import db
from tests.conftest import csrf_token_from
from tests.factories import PASSWORD, make_cohort, make_user
from tests.security.conftest import gunicorn, pids_that_served
from tests.security.test_upload_cost import BOMB, TOO_LARGE, UNREADABLE, _lying_zip

pytestmark = pytest.mark.serial  # timed, against a real server: run alone

MB = 1024 * 1024
ANSWER_WITHIN = 2.0  # seconds
PEAK_MEMORY = 200 * MB


@pytest.fixture
def served(tmp_path, make_app, test_databases):
    """One production worker (threads as in production), a manager logged in to it and holding
    an API token, and a cohort to import trainees into."""
    with gunicorn(tmp_path, make_app, workers=1) as server:
        app = make_app({"SQLALCHEMY_DATABASE_URI": server.url, "TESTING": True})
        with app.app_context():
            manager = make_user(Role.MANAGER, email="manager@cohort.example")
            _token, secret = create_api_token(manager, "memory test")
            cohort_id = make_cohort().id
            db.session.commit()
        browser = requests.Session()
        csrf = csrf_token_from(browser.get(f"{server.base}/login", timeout=30).text)
        login = {"email": "manager@cohort.example", "password": PASSWORD, "csrf_token": csrf}
        assert (
            browser.post(f"{server.base}/login", data=login, allow_redirects=False, timeout=30).status_code
            == 302
        )
        yield server, browser, {"Authorization": f"Bearer {secret}"}, cohort_id
        browser.close()


def _timed(send) -> requests.Response:
    started = time.perf_counter()
    response = send()
    seconds = time.perf_counter() - started
    assert seconds < ANSWER_WITHIN, f"answered in {seconds:.2f} s"
    return response


def _peak_memory(pid: str) -> int:
    """The process's peak resident memory so far (VmHWM, the high-water mark), in bytes."""
    for line in Path(f"/proc/{pid.strip('<>')}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no VmHWM for {pid}")


def _chunks(total: int, size: int = MB):
    for _ in range(total // size):
        yield b"x" * size


def test_costly_input_is_refused_quickly_and_the_worker_stays_small(served):
    server, browser, api, cohort_id = served
    cohorts = f"{server.base}/api/v1/cohorts"
    as_json = {**api, "Content-Type": "application/json"}

    nested = '{"name": "Utrecht", "start_date": "2027-03-01", "location": ' + '{"a":' * 100_000 + "1"
    nested += "}" * 100_001
    response = _timed(lambda: requests.post(cohorts, data=nested, headers=as_json, timeout=30))
    assert response.status_code == 400 and "fields" in response.json()["error"]

    long_name = '{"name": "' + "a" * (4 * MB) + '", "start_date": "2027-03-01"}'
    response = _timed(lambda: requests.post(cohorts, data=long_name, headers=as_json, timeout=30))
    assert response.status_code == 400 and "name" in response.json()["error"]["fields"]

    huge = b'{"name": "' + b"a" * (60 * MB) + b'"}'  # over the 5 MB limit: refused by its length
    response = _timed(lambda: requests.post(cohorts, data=huge, headers=as_json, timeout=30))
    assert response.status_code == 413

    # No length given (chunked): the server stops reading at the limit.
    response = _timed(lambda: requests.post(cohorts, data=_chunks(60 * MB), headers=as_json, timeout=30))
    assert response.status_code == 413

    # A form of 60 MB to the login page, and a JSON body on a route that reads none.
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    response = _timed(
        lambda: requests.post(
            f"{server.base}/login", data=b"email=" + b"a" * (60 * MB), headers=form, timeout=30
        )
    )
    assert response.status_code == 413
    response = _timed(
        lambda: requests.get(
            f"{server.base}/healthz",
            data=b"[" * (4 * MB),
            headers={"Content-Type": "application/json"},
            timeout=30,
        )
    )
    assert response.status_code == 200

    upload_page = f"{server.base}/cohorts/{cohort_id}/trainees/import"
    for content, message in ((BOMB.read_bytes(), TOO_LARGE), (_lying_zip(), UNREADABLE)):
        form = {"csrf_token": csrf_token_from(browser.get(upload_page, timeout=30).text)}
        files = {"file": ("lijst.xlsx", content)}
        response = _timed(partial(browser.post, upload_page, data=form, files=files, timeout=30))
        assert response.status_code == 200 and message in response.text

    time.sleep(0.5)  # the access log is written after the response
    [worker] = pids_that_served(server.log, f"POST /cohorts/{cohort_id}/trainees/import")
    peak = _peak_memory(worker)
    assert peak < PEAK_MEMORY, f"the worker peaked at {peak / MB:.0f} MB"
