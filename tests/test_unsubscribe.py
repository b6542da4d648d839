"""Optional mail carries a one-click unsubscribe (RFC 8058) that mail providers read: checked on the
bytes a real SMTP server received, and with a real HTTP POST as a provider sends it."""

import threading
import urllib.request
from email import message_from_bytes, policy
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from accounts.models import Role, User
from accounts.unsubscribe import ONE_CLICK, OPTIONAL_KINDS, unsubscribe_url
from extensions import db
from outbox.dispatch import dispatch_due
from outbox.models import OutboxMessage
from outbox.queue import insert_messages
from reminders import rules
from tests.factories import make_user


def test_the_optional_kinds_are_the_reminders_that_may_be_turned_off():
    assert set(OPTIONAL_KINDS) == {rules.SESSION_REMINDER, rules.WEEKLY_DIGEST}


def _queue(kind: str, user: User, n: int = 1) -> None:
    insert_messages(
        [
            {
                "kind": kind,
                "key": f"{kind}:{user.id}:{n}",
                "recipient": user.email,
                "recipient_user_id": user.id,
                "subject": "Morgen les",
                "body_text": "Hallo",
            }
        ]
    )
    db.session.commit()


def test_optional_mail_carries_a_one_click_link_that_providers_read(app, smtp_config):
    app.config["BASE_URL"] = "https://cohort.gemeente-voorbeeld.example"
    trainee = make_user(Role.TRAINEE)
    _queue(rules.SESSION_REMINDER, trainee)
    _queue("change_notice", trainee)  # not optional: no unsubscribe

    assert dispatch_due()["sent"] == 2
    received = [
        (envelope.original_content, message_from_bytes(envelope.original_content, policy=policy.default))
        for envelope in smtp_config.messages
    ]
    with_link = [(raw, parsed) for raw, parsed in received if "List-Unsubscribe" in parsed]
    assert len(received) == 2 and len(with_link) == 1  # the change notice has none
    ((raw, reminder),) = with_link
    link = unsubscribe_url(trainee.id, rules.SESSION_REMINDER)
    assert link.startswith("https://cohort.gemeente-voorbeeld.example/afmelden/")
    assert reminder["List-Unsubscribe"] == f"<{link}>"
    assert reminder["List-Unsubscribe-Post"] == ONE_CLICK
    # Written plainly on one line, never as encoded words (which providers do not read).
    assert f"List-Unsubscribe: <{link}>\r\n".encode() in raw
    assert b"=?" not in raw.partition(b"List-Unsubscribe:")[2].partition(b"\r\n")[0]


@pytest.fixture
def served(app):
    """The app on a real HTTP server (another thread, so a committed database)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    yield app.config["BASE_URL"]
    server.shutdown()


def _post(url: str, body: str) -> tuple[int, str]:
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    request = urllib.request.Request(url, data=body.encode(), method="POST", headers=form)  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - our own test server
        return response.status, response.read().decode()


def _wants(user_id: int, column: str) -> bool:
    db.session.expire_all()
    return getattr(db.session.get(User, user_id), column)


@pytest.mark.committed_db
def test_a_providers_one_click_post_turns_that_kind_off_and_the_page_turns_it_on_again(app, served):
    trainee = make_user(Role.TRAINEE)
    db.session.commit()
    link = unsubscribe_url(trainee.id, rules.SESSION_REMINDER)

    # As a mail provider sends it: no cookie, no CSRF token, just the RFC 8058 body.
    status, page = _post(link, ONE_CLICK)
    assert status == 200 and "Je krijgt geen herinnering meer voor elke les." in page
    assert _wants(trainee.id, "wants_session_reminders") is False
    assert _wants(trainee.id, "wants_digest") is True  # only this kind

    _queue(rules.SESSION_REMINDER, trainee, n=2)  # one that was already waiting is not sent
    assert dispatch_due()["skipped"] == 1
    skipped = db.session.scalars(sa.select(OutboxMessage)).one()
    assert skipped.last_error == "recipient turned this kind of mail off"

    status, page = _post(link, "choice=on")
    assert status == 200 and "Je krijgt een herinnering voor elke les." in page
    assert _wants(trainee.id, "wants_session_reminders") is True


def test_opening_the_link_asks_first_and_changes_nothing(client, app):
    manager = make_user(Role.MANAGER)
    db.session.commit()
    path = urlsplit(unsubscribe_url(manager.id, rules.WEEKLY_DIGEST)).path
    page = client.get(path).get_data(as_text=True)  # link checkers open links too
    assert 'value="off"' in page and _wants(manager.id, "wants_digest") is True


@pytest.mark.parametrize("path", ["/afmelden/nonsense", "/afmelden/WzEsInJlc2V0Il0.forged"])
def test_a_link_that_is_not_ours_answers_404_and_changes_nothing(client, path):
    assert client.get(path).status_code == 404
    assert client.post(path, data=ONE_CLICK).status_code == 404
