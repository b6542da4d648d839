"""Fixtures: an app on a fresh database, clients per role, an API client, a query counter, SMTP."""

import os
import re
import socket
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from flask.testing import FlaskClient

os.environ.setdefault("SECRET_KEY", "test-secret-key")
os.environ["APP_ENV"] = "development"

from accounts.models import Role  # noqa: E402
from accounts.services import create_api_token  # noqa: E402
from app import create_app  # noqa: E402
from cohort.services import seed_default_templates  # noqa: E402
from extensions import db  # noqa: E402
from tests.factories import PASSWORD, make_user  # noqa: E402

CSRF_PATTERN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def database_url(tmp_path) -> str:
    """SQLite in a temporary folder, or the server named by TEST_DATABASE_URL (PostgreSQL)."""
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def app_config(tmp_path) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url(tmp_path),
        "BASE_URL": "http://localhost",
        "SMTP_HOST": None,
        "SERVER_NAME": None,
    }


class RequestClient(FlaskClient):
    """Runs each request in its own app context, as a server does.

    Without this, requests would share the test's app context, and with it `g`
    and the database session, hiding bugs that only show across requests.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    app.test_client_class = RequestClient
    with app.app_context():
        db.drop_all()
        db.create_all()
        seed_default_templates()
        db.session.commit()
        yield app
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def make_app():
    """Another app (another "server process") on demand; its connections are closed afterwards."""
    made = []

    def _make(config: dict):
        other = create_app(config)
        other.test_client_class = RequestClient
        made.append(other)
        return other

    yield _make
    for other in made:
        with other.app_context():
            db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


def csrf_token_from(html: str) -> str:
    match = CSRF_PATTERN.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def post_form(client, url: str, data: dict, page: str | None = None, **kwargs):
    """Open the form's page (or `page`) for its CSRF token, then post the form like a browser."""
    html = client.get(page or url).get_data(as_text=True)
    return client.post(url, data={**data, "csrf_token": csrf_token_from(html)}, **kwargs)


def login(client, email: str, password: str = PASSWORD, **extra):
    return post_form(client, "/login", {"email": email, "password": password, **extra})


@pytest.fixture
def make_client(app):
    """A fresh test client logged in as the given user."""

    def _make(user):
        new_client = app.test_client()
        response = login(new_client, user.email)
        assert response.status_code == 302, response.get_data(as_text=True)
        return new_client

    return _make


@pytest.fixture
def manager(app):
    return make_user(Role.MANAGER)


@pytest.fixture
def manager_client(make_client, manager):
    return make_client(manager)


@pytest.fixture
def trainee_user(app):
    return make_user(Role.TRAINEE)


@pytest.fixture
def trainee_client(make_client, trainee_user):
    return make_client(trainee_user)


@pytest.fixture
def municipality_user(app):
    return make_user(Role.MUNICIPALITY)


@pytest.fixture
def municipality_client(make_client, municipality_user):
    return make_client(municipality_user)


@pytest.fixture
def trainer_client(make_client, app):
    return make_client(make_user(Role.TRAINER))


class ApiClient:
    """A test client that sends a bearer token with every request."""

    def __init__(self, client, token: str):
        self.client, self.headers = client, {"Authorization": f"Bearer {token}"}

    def __getattr__(self, method):
        def call(url, **kwargs):
            headers = {**self.headers, **kwargs.pop("headers", {})}
            return getattr(self.client, method)(url, headers=headers, **kwargs)

        return call


@pytest.fixture
def api_client(app):
    """api_client(user) -> a client authenticated with a new personal token of that user."""

    def _make(user):
        _token, secret = create_api_token(user, "tests")
        db.session.commit()
        return ApiClient(app.test_client(), secret)

    return _make


@pytest.fixture
def count_queries(app):
    """`with count_queries() as queries: ...` then `len(queries)` is the number of SQL statements."""

    @contextmanager
    def _count():
        statements = []

        def record(_conn, _cursor, statement, *_args):
            statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", record)

    return _count


class MailSink:
    """Collects what a real SMTP server (aiosmtpd) receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, _server, _session, envelope):
        self.messages.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    sink = MailSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    sink.port = controller.port
    yield sink
    controller.stop()


@pytest.fixture
def smtp_config(app, smtp_server):
    """Point the app at the real SMTP server started for this test."""
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port, SMTP_TLS="none")
    return smtp_server
