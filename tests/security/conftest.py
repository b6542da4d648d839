"""Real gunicorn servers for the security tests that concern the transport: production's
configuration (deploy/gunicorn.conf.py) over one database with the test's tables."""

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from extensions import db
from tests.conftest import database_url, free_port

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Server:
    base: str  # http://127.0.0.1:port
    log: Path  # the access log: each line starts with the pid of the worker that served it
    url: str  # the database's URL


@contextmanager
def _tables(make_app, url: str):
    """The tables, made as the app fixture makes them and dropped afterwards, so the shared
    PostgreSQL test database is left as the other tests expect (migrations: test_migrations.py)."""
    app = make_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        db.create_all()
    try:
        yield
    finally:
        with app.app_context():
            db.drop_all()


@contextmanager
def gunicorn(
    tmp_path: Path, make_app, *, workers: int, worker_args: tuple[str, ...] = ()
) -> Iterator[Server]:
    """gunicorn with production's settings (plus `worker_args`), until every worker has booted."""
    url = database_url(tmp_path)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "gunicorn-test",
        "APP_ENV": "development",
        "SMTP_HOST": "",
        "BASE_URL": "http://127.0.0.1",
    }
    port = free_port()
    log = tmp_path / "access.log"
    stack = ExitStack()
    stack.enter_context(_tables(make_app, url))
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            *("-c", str(ROOT / "deploy/gunicorn.conf.py")),
            *("--workers", str(workers), *worker_args, "--bind", f"127.0.0.1:{port}"),
            *("--access-logfile", str(log), "--access-logformat", "%(p)s %(m)s %(U)s %(s)s"),
            "app:create_app()",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60  # two cores shared by the whole suite: be patient
        while len(pids_that_served(log, "GET /healthz")) < workers:
            with ThreadPoolExecutor(max_workers=4) as pool:
                list(pool.map(lambda _n: _healthz(base), range(4)))
            assert server.poll() is None, server.stderr.read().decode()
            assert time.monotonic() < deadline, f"gunicorn's {workers} workers did not start within 60 s"
            time.sleep(0.2)
        yield Server(base, log, url)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        server.stderr.close()
        stack.close()


@pytest.fixture
def gunicorn_two_workers(tmp_path, make_app, test_databases):
    """Two gunicorn worker processes serving one database (a SQLite file, or the PostgreSQL server
    the suite runs on), one request at a time each, so that twelve at once must reach both (a
    threaded worker can take all twelve itself); yields base URL, access log and database URL."""
    with gunicorn(tmp_path, make_app, workers=2, worker_args=("--worker-class", "sync")) as server:
        yield server.base, server.log, server.url


def _healthz(base: str) -> None:
    with contextlib.suppress(requests.ConnectionError, requests.Timeout):
        requests.get(f"{base}/healthz", timeout=10)


def pids_that_served(log: Path, request_line: str) -> set[str]:
    """The worker pids in the access log that served `request_line` ("METHOD /path")."""
    if not log.exists():
        return set()
    return {line.split()[0] for line in log.read_text().splitlines() if f" {request_line} " in line}
