"""Fixtures: an app on a database of its own, clients per role, an API client, a query counter, SMTP.

The schema is built once per test run (tests/databases.py says how each test gets its own
data). Passwords are hashed cheaply, except in tests marked `real_hash`; clients of a role are
logged in by setting their session as the login form does (test_auth logs in through the form).
"""

import os
import re
import socket
from contextlib import contextmanager

import flask
import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from flask.testing import FlaskClient

os.environ.setdefault("SECRET_KEY", "test-secret-key")
os.environ["APP_ENV"] = "development"

from accounts.models import Role  # noqa: E402
from accounts.services import create_api_token  # noqa: E402
from accounts.views import start_session  # noqa: E402
from app import create_app  # noqa: E402
from extensions import db  # noqa: E402
from tests import databases  # noqa: E402
from tests.factories import PASSWORD, make_user  # noqa: E402

CSRF_PATTERN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
# One iteration of PBKDF2 instead of scrypt: hashing a password is most of a test's set-up otherwise.
CHEAP_HASH = "pbkdf2:sha256:1"
# The app's own commits and rollbacks inside a test's outer transaction (PostgreSQL) are savepoints.
# Configured before any session exists; it changes nothing for a session on an engine (SQLite).
db.session.session_factory.configure(join_transaction_mode="create_savepoint")
_SAVEPOINT_STATEMENTS = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "committed_db: the test commits for other connections, threads or processes to see"
    )
    config.addinivalue_line("markers", "real_hash: the test needs the production password hash (scrypt)")
    config.addinivalue_line(
        "markers", "serial: times a real server: `make test` runs it alone, after the others, not in parallel"
    )
    config.addinivalue_line(
        "markers", "once: checks what does not depend on the database; `make test` runs it on SQLite only"
    )


def pytest_collection_modifyitems(items):
    """Pure rules, browsers and foreign tools: one run is enough (`-m "not once"` on PostgreSQL)."""
    for item in items:
        path = item.path.as_posix()
        if "/tests/unit/" in path or "/tests/browser/" in path:
            item.add_marker(pytest.mark.once)


def base_config(url: str) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "BASE_URL": "http://localhost",
        "SMTP_HOST": None,
        "SERVER_NAME": None,
        "PASSWORD_HASH_METHOD": CHEAP_HASH,
    }


_databases = None


@pytest.fixture(scope="session")
def test_databases(tmp_path_factory):
    global _databases

    def make_app(url):
        return create_app(base_config(url))

    if databases.on_postgresql():
        _databases = databases.PostgresDatabases(make_app)
        yield _databases
        _databases.drop_all()
    else:
        _databases = databases.SqliteFiles(tmp_path_factory.mktemp("template"), make_app)
        yield _databases
    _databases = None


def database_url(tmp_path) -> str:
    """A new, empty database (no tables) for a caller that builds its own: a SQLite file in
    `tmp_path`, or a new database on the PostgreSQL server (dropped when the test run ends)."""
    if databases.on_postgresql():
        assert _databases is not None, "use the test_databases fixture first"
        return _databases.empty()
    return databases.sqlite_url(tmp_path / "test.db")


def _rolls_back(request) -> bool:
    """On PostgreSQL a test runs in a transaction rolled back at its end, unless it must commit:
    it is marked so, or it starts another app ("server process") that must see its data."""
    return (
        databases.on_postgresql()
        and request.node.get_closest_marker("committed_db") is None
        and "make_app" not in request.fixturenames
    )


@pytest.fixture
def app_config(request, test_databases, tmp_path) -> dict:
    if not databases.on_postgresql():
        url = test_databases.copy(tmp_path)
    elif _rolls_back(request):
        url = test_databases.url(test_databases.shared)
    else:
        url = test_databases.copy()
        request.addfinalizer(lambda: test_databases.drop(url))
    config = base_config(url)
    if request.node.get_closest_marker("real_hash"):
        config["PASSWORD_HASH_METHOD"] = "scrypt"
    return config


class RequestClient(FlaskClient):
    """Runs each request in its own app context, as a server does.

    Without this, requests would share the test's app context, and with it `g`
    and the database session, hiding bugs that only show across requests.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def app(app_config, request):
    app = create_app(app_config)
    app.test_client_class = RequestClient
    with app.app_context():
        if _rolls_back(request):
            with _in_one_rolled_back_transaction(app):
                yield app
        else:
            yield app
            db.session.remove()
        db.engine.dispose()


@contextmanager
def _in_one_rolled_back_transaction(app):
    """Every session of `app` works on one connection, inside a transaction rolled back at the end."""
    engines = db._app_engines[app]  # Flask-SQLAlchemy's map of this app's engines
    engine = engines[None]
    connection = engine.connect()
    outer = connection.begin()
    engines[None] = connection  # the sessions' get_bind() answers this connection
    try:
        yield
    finally:
        db.session.remove()
        engines[None] = engine
        outer.rollback()
        connection.close()


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


def sign_in(client, user) -> None:
    """Log `user` in on `client` as a successful login form does (`start_session`), without the
    form's requests and password check."""
    with client.application.test_request_context():
        start_session(user, remember=False)
        db.session.commit()
        values = dict(flask.session)
    with client.session_transaction() as session:
        session.update(values)


@pytest.fixture
def make_client(app):
    """A fresh test client logged in as the given user."""

    def _make(user):
        new_client = app.test_client()
        sign_in(new_client, user)
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
            if not statement.startswith(_SAVEPOINT_STATEMENTS):  # the test's isolation, not the app's
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


REFUSED = "refused@mail.example"  # 550 for good
BUSY = "busy@mail.example"  # 421 the first time, then accepted
DROPPED = "dropped@mail.example"  # the connection drops mid-DATA the first time, then accepted


class PickyServer:
    """An aiosmtpd handler with a different answer per recipient; it keeps what it accepted."""

    def __init__(self):
        self.received = []
        self.refused_before = set()

    async def handle_RCPT(self, _server, _session, envelope, address, _options):
        if address == REFUSED:
            return "550 5.1.1 Mailbox unavailable"
        if address == BUSY and BUSY not in self.refused_before:
            self.refused_before.add(BUSY)
            return "421 4.3.2 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, _session, envelope):
        if DROPPED in envelope.rcpt_tos and DROPPED not in self.refused_before:
            self.refused_before.add(DROPPED)
            server.transport.close()  # gone in the middle of the message
            return "250 never heard"
        self.received.append(envelope)
        return "250 OK"

    def recipients(self) -> list[str]:
        return [to for envelope in self.received for to in envelope.rcpt_tos]


@pytest.fixture
def picky_smtp(app):
    """The app sends to a real SMTP server that refuses REFUSED for good, BUSY and DROPPED once."""
    handler = PickyServer()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port, SMTP_TLS="none")
    yield handler
    controller.stop()
