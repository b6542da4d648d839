"""The managers' message log (filters, pages, the message as sent, trying again) and mail preferences."""

import itertools
import re
from datetime import UTC, datetime, timedelta

import pytest

from accounts.models import Role, User
from core.clock import utcnow
from extensions import db
from outbox.models import OutboxMessage
from tests.conftest import post_form
from tests.factories import make_user

_keys = itertools.count(1)
MESSAGE_LINK = re.compile(r'href="/outbox/(\d+)"')


def make_message(**fields) -> OutboxMessage:
    n = next(_keys)
    now = utcnow()
    values = {
        "key": f"test:{n}",
        "kind": "invitation",
        "recipient": f"person{n}@mail.example",
        "subject": f"Onderwerp {n}",
        "body_text": f"Tekst van bericht {n}",
        "status": "sent",
        "due_at": now,
        "created_at": now,
        **fields,
    }
    message = OutboxMessage(**values)
    db.session.add(message)
    db.session.commit()
    return message


def listed_ids(client, query: str = "") -> list[int]:
    response = client.get(f"/outbox{query}")
    assert response.status_code == 200
    return [int(found) for found in MESSAGE_LINK.findall(response.get_data(as_text=True))]


def reloaded(message: OutboxMessage) -> OutboxMessage:
    """The row as the database has it now (the requests ran in sessions of their own)."""
    db.session.expire_all()
    return db.session.get(OutboxMessage, message.id)


# --- The list and its filters ---------------------------------------------------------


def test_the_log_filters_by_kind(manager_client):
    invitation = make_message(kind="invitation")
    reminder = make_message(kind="session_reminder")
    assert listed_ids(manager_client, "?kind=session_reminder") == [reminder.id]
    assert listed_ids(manager_client, "?kind=invitation") == [invitation.id]
    page = manager_client.get("/outbox").get_data(as_text=True)
    assert '<option value="session_reminder">' in page  # the kinds present are the choices


def test_the_log_filters_by_status_including_skipped(manager_client):
    sent = make_message(status="sent")
    failed = make_message(status="failed")
    skipped = make_message(status="skipped")
    assert listed_ids(manager_client, "?status=failed") == [failed.id]
    assert listed_ids(manager_client, "?status=skipped") == [skipped.id]
    assert listed_ids(manager_client, "?status=sent") == [sent.id]


def test_the_log_filters_by_part_of_the_recipient_whatever_the_case(manager_client):
    eva = make_message(recipient="Eva.de.Boer@Gemeente-Utrecht.example")
    make_message(recipient="jan@mail.example")
    make_message(recipient="evaXdeXboer@elders.example")  # "_" or "%" must not act as a wildcard
    assert listed_ids(manager_client, "?recipient=GEMEENTE-utrecht") == [eva.id]
    assert listed_ids(manager_client, "?recipient=eva.de.boer") == [eva.id]
    assert listed_ids(manager_client, "?recipient=eva_de%25boer") == []


def test_the_log_filters_by_date_in_local_time(manager_client):
    # 22:30 UTC on 1 March is 23:30 in Amsterdam (still 1 March); 23:30 UTC is 00:30 on 2 March.
    late_on_first = make_message(created_at=datetime(2026, 3, 1, 22, 30, tzinfo=UTC))
    early_on_second = make_message(created_at=datetime(2026, 3, 1, 23, 30, tzinfo=UTC))
    in_february = make_message(created_at=datetime(2026, 2, 20, 12, 0, tzinfo=UTC))
    assert listed_ids(manager_client, "?date_from=2026-03-02") == [early_on_second.id]
    assert listed_ids(manager_client, "?date_from=2026-03-01&date_to=2026-03-01") == [late_on_first.id]
    assert listed_ids(manager_client, "?date_to=2026-02-28") == [in_february.id]


def test_a_wrong_filter_value_shows_the_page_with_an_error(manager_client):
    make_message()
    response = manager_client.get("/outbox?date_from=2026-03-05&date_to=2026-03-01&kind=unknown")
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.get_data(as_text=True)


def test_the_log_shows_50_messages_a_page_newest_first(manager_client):
    start = utcnow() - timedelta(days=1)
    messages = [make_message(created_at=start + timedelta(minutes=i)) for i in range(55)]
    newest_first = [m.id for m in reversed(messages)]
    assert listed_ids(manager_client) == newest_first[:50]
    assert listed_ids(manager_client, "?page=2") == newest_first[50:]
    first_page = manager_client.get("/outbox").get_data(as_text=True)
    assert "/outbox?page=2" in first_page


def test_the_page_links_keep_the_filters(manager_client):
    for _ in range(51):
        make_message(status="failed")
    page = manager_client.get("/outbox?status=failed").get_data(as_text=True)
    assert re.search(r'href="/outbox\?(page=2&amp;status=failed|status=failed&amp;page=2)"', page)
    # Only the filters go into the links, not url_for's own options.
    planted = manager_client.get("/outbox?status=failed&_anchor=planted").get_data(as_text=True)
    assert "#planted" not in planted


def test_the_log_needs_the_same_number_of_queries_for_3_or_30_messages(manager_client, count_queries):
    def queries_for_the_log() -> int:
        with count_queries() as queries:
            assert manager_client.get("/outbox").status_code == 200
        return len(queries)

    for _ in range(3):
        make_message(kind="invitation")
    with_three = queries_for_the_log()
    for i in range(27):
        make_message(kind=f"kind_{i % 5}", status="failed")
    assert queries_for_the_log() == with_three


# --- One message --------------------------------------------------------------------


def test_the_message_page_shows_the_message_as_sent(manager_client):
    message = make_message(
        subject="Uw rooster",
        body_text="Beste Eva,\nmorgen is er les.",
        body_html="<p>Beste Eva, <b>morgen</b> is er les.</p>",
        attempts=2,
        last_error="SMTPServerDisconnected: lost",
    )
    page = manager_client.get(f"/outbox/{message.id}").get_data(as_text=True)
    assert "Beste Eva,\nmorgen is er les." in page
    assert message.recipient in page and "SMTPServerDisconnected: lost" in page
    assert "&lt;b&gt;morgen&lt;/b&gt;" in page  # the HTML version is shown as code
    assert "<b>morgen</b>" not in page


def test_a_missing_message_is_404(manager_client):
    assert manager_client.get("/outbox/999").status_code == 404


# --- Trying again -------------------------------------------------------------------


def test_trying_a_failed_message_again_puts_it_back_in_the_queue(manager_client):
    message = make_message(status="failed", attempts=6, last_error="ConnectionRefusedError", sent_at=None)
    detail = f"/outbox/{message.id}"
    assert f'action="{detail}/retry"' in manager_client.get(detail).get_data(as_text=True)

    response = post_form(manager_client, f"{detail}/retry", {}, page=detail)
    assert response.status_code == 302
    sent = reloaded(message)  # back in the queue as new, and sent right after the commit
    assert (sent.status, sent.attempts, sent.transport) == ("sent", 1, "local")
    assert sent.due_at <= utcnow()


def test_a_sent_message_cannot_be_tried_again(manager_client):
    sent_at = utcnow() - timedelta(hours=1)
    message = make_message(status="sent", attempts=0, transport="local", sent_at=sent_at)
    detail = f"/outbox/{message.id}"
    assert "/retry" not in manager_client.get(detail).get_data(as_text=True)

    response = post_form(manager_client, f"{detail}/retry", {}, page=detail, follow_redirects=True)
    assert "flash-error" in response.get_data(as_text=True)
    unchanged = reloaded(message)
    assert (unchanged.status, unchanged.attempts, unchanged.sent_at) == ("sent", 0, sent_at)


def test_trying_again_without_the_csrf_token_is_refused(manager_client):
    message = make_message(status="failed", attempts=6)
    assert manager_client.post(f"/outbox/{message.id}/retry").status_code == 400
    assert reloaded(message).status == "failed"


@pytest.mark.parametrize("role", [Role.TRAINEE, Role.MUNICIPALITY, Role.TRAINER])
def test_only_managers_see_the_log_and_try_again(make_client, role):
    message = make_message(status="failed", attempts=6)
    other = make_client(make_user(role))
    assert other.get("/outbox").status_code == 403
    assert other.get(f"/outbox/{message.id}").status_code == 403
    response = post_form(other, f"/outbox/{message.id}/retry", {}, page="/account")
    assert response.status_code == 403
    assert reloaded(message).status == "failed"


# --- Preferences ----------------------------------------------------------------------


def stored(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def test_a_trainee_turns_off_session_reminders(trainee_client, trainee_user):
    page = trainee_client.get("/account").get_data(as_text=True)
    assert 'name="wants_session_reminders"' in page
    response = post_form(trainee_client, "/account", {"language": "en"})  # the box left empty
    assert response.status_code == 302
    user = stored(trainee_user)
    assert (user.wants_session_reminders, user.language) == (False, "en")

    post_form(trainee_client, "/account", {"language": "nl", "wants_session_reminders": "y"})
    assert stored(trainee_user).wants_session_reminders is True


def test_a_trainee_has_no_digest_to_turn_off(trainee_client, trainee_user):
    page = trainee_client.get("/account").get_data(as_text=True)
    assert 'name="wants_digest"' not in page
    post_form(trainee_client, "/account", {"language": "nl", "wants_session_reminders": "y"})
    assert stored(trainee_user).wants_digest is True


def test_a_manager_turns_off_the_digest(manager_client, manager):
    page = manager_client.get("/account").get_data(as_text=True)
    assert 'name="wants_digest"' in page and 'name="wants_session_reminders"' not in page
    assert post_form(manager_client, "/account", {"language": "nl"}).status_code == 302
    user = stored(manager)
    assert (user.wants_digest, user.wants_session_reminders, user.language) == (False, True, "nl")


def test_a_municipality_contact_only_chooses_the_language(municipality_client, municipality_user):
    page = municipality_client.get("/account").get_data(as_text=True)
    assert 'name="wants_digest"' not in page and 'name="wants_session_reminders"' not in page
    post_form(municipality_client, "/account", {"language": "en"})
    user = stored(municipality_user)
    assert (user.language, user.wants_digest, user.wants_session_reminders) == ("en", True, True)
