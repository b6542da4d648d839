"""Fixtures of the browser tests: the app served by a real HTTP server, and Debian's Chromium.

The server is Werkzeug's threaded WSGI server on a free loopback port, in a thread of the test
process, on a real database: a SQLite file, or the PostgreSQL server named by TEST_DATABASE_URL
(as in tests/conftest.py). Its mail goes to a real SMTP server (aiosmtpd), so a journey reads
the links it was sent. One server serves the whole package and one browser the whole session;
every journey gets a fresh browser context (its own cookies).
"""

import os
import re
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from flask import Flask, got_request_exception
from playwright.sync_api import Browser, sync_playwright
from werkzeug.serving import WSGIRequestHandler, make_server

from app import create_app
from extensions import db
from tests.browser import world
from tests.browser.journey import DESKTOP, Journey
from tests.conftest import MailSink, database_url, free_port

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Without these, Chromium tries to reach Google's services and stalls on this closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Browser:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make setup-test` (it installs Debian's chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        """No access log: the tests read pages, and failures say which."""


@dataclass
class LiveServer:
    url: str
    app: Flask
    mail: MailSink
    errors: list = field(default_factory=list)

    def mail_to(self, address: str, timeout: float = 5.0):
        """The newest e-mail to `address` (an email.message.EmailMessage)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for envelope in reversed(self.mail.messages):
                if address in envelope.rcpt_tos:
                    return message_from_bytes(envelope.content, policy=policy.default)
            time.sleep(0.05)
        raise AssertionError(f"no e-mail to {address}")

    def link_in_mail(self, address: str, path_start: str) -> str:
        text = self.mail_to(address).get_body(preferencelist=("plain",)).get_content()
        match = re.search(re.escape(self.url + path_start) + r"\S+", text)
        assert match, f"no link to {path_start} in the e-mail to {address}:\n{text}"
        return match.group(0)


@pytest.fixture(scope="package")
def live_server(tmp_path_factory, test_databases):
    sink = MailSink()
    smtp = Controller(sink, hostname="127.0.0.1", port=free_port())
    smtp.start()
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url(tmp_path_factory.mktemp("browser-db")),
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": smtp.port,
            "SMTP_TLS": "none",
            "SERVER_NAME": None,
        }
    )
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    live = LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app, mail=sink)
    app.config["BASE_URL"] = live.url  # links in e-mails lead to this server
    got_request_exception.connect(lambda _sender, exception, **_: live.errors.append(exception), app)
    with app.app_context():
        # A fresh schema, as the app fixture makes it (on PostgreSQL the database is shared).
        db.drop_all()
        db.create_all()
        world.seed()
    thread = threading.Thread(target=server.serve_forever, name="browser-test-server", daemon=True)
    thread.start()
    try:
        yield live
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()
        smtp.stop()


@pytest.fixture(autouse=True)
def no_server_errors(live_server):
    """A request that raised in the app fails the test that made it."""
    live_server.errors.clear()
    yield
    assert not live_server.errors, f"the server raised: {live_server.errors!r}"


@pytest.fixture
def data(live_server):
    """Run a world builder in the served app's context: `data(world.trainee_with_login, "nl")`."""

    def _build(builder, *args):
        with live_server.app.app_context():
            return builder(*args)

    return _build


@pytest.fixture
def open_journey(browser, live_server):
    """open_journey(name, lang, viewport=DESKTOP) -> a Journey in a fresh browser context."""
    contexts = []

    def _open(name: str, lang: str, viewport: dict = DESKTOP) -> Journey:
        context = browser.new_context(
            viewport=viewport,
            locale="nl-NL",
            timezone_id="Europe/Amsterdam",
            permissions=["clipboard-read", "clipboard-write"],
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return Journey(context.new_page(), name, lang, live_server)

    yield _open
    for context in contexts:
        context.close()
