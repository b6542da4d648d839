"""Invitations and password resets, through a real SMTP server."""

import re
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
import sqlalchemy as sa

from accounts.models import OneTimeLink, Role, User
from core.clock import utcnow
from extensions import db
from outbox.dispatch import dispatch_due
from outbox.models import OutboxMessage
from tests.conftest import login, post_form
from tests.factories import make_municipality, make_user

NEW_PASSWORD = "fiets wolk dinsdag"  # holds none of the invited person's own words
LINK = re.compile(r"http://localhost(/password/set/[\w-]+)")


def _link_in(envelope) -> str:
    mail = message_from_bytes(envelope.content, policy=policy.default)
    text = mail.get_body(("plain",)).get_content()
    return LINK.search(text).group(1)


def _invite(manager_client, email="nieuw@gemeente.example", **fields):
    municipality = make_municipality()
    db.session.commit()
    data = {
        "name": "Eva de Boer",
        "email": email,
        "role": "municipality",
        "municipality_id": municipality.id,
        "language": "nl",
        **fields,
    }
    return post_form(manager_client, "/users/new", data)


def test_manager_invites_a_user_who_sets_a_password_and_logs_in(manager_client, client, smtp_config):
    response = _invite(manager_client)
    assert response.status_code == 302
    [envelope] = smtp_config.messages
    assert envelope.rcpt_tos == ["nieuw@gemeente.example"]
    mail = message_from_bytes(envelope.content, policy=policy.default)
    assert mail["Subject"] == "Uw account voor Cohort"
    assert mail["Message-ID"].startswith("<") and "@localhost>" in mail["Message-ID"]
    link = _link_in(envelope)

    assert client.get(link).status_code == 200
    response = post_form(client, link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.headers["Location"] == "/"
    assert client.get("/").headers["Location"] == "/portal"
    assert login(client.application.test_client(), "nieuw@gemeente.example", NEW_PASSWORD).status_code == 302


def test_an_invitation_link_works_once(manager_client, client, smtp_config):
    _invite(manager_client)
    link = _link_in(smtp_config.messages[0])
    post_form(client, link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    again = client.application.test_client()
    assert again.get(link).status_code == 404
    response = again.post(link, data={"password": "x" * 12, "confirm": "x" * 12})
    assert response.status_code in (400, 404)
    assert login(again, "nieuw@gemeente.example", "x" * 12).status_code == 400


def test_an_invitation_link_expires_after_seven_days(manager_client, client, smtp_config):
    _invite(manager_client)
    link = _link_in(smtp_config.messages[0])
    invitation = db.session.scalar(sa.select(OneTimeLink))
    assert timedelta(days=6, hours=23) < invitation.expires_at - utcnow() <= timedelta(days=7)
    invitation.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = client.get(link)
    assert response.status_code == 404
    assert "Deze link werkt niet" in response.get_data(as_text=True)


def test_inviting_an_address_in_use_shows_the_error_and_saves_nothing(manager_client, manager):
    response = _invite(manager_client, email=manager.email.upper())
    assert response.status_code == 200
    assert "Al in gebruik." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def test_a_municipality_contact_needs_a_municipality(manager_client):
    response = _invite(manager_client, municipality_id="")
    assert "Verplicht voor deze rol." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(User).filter_by(email="nieuw@gemeente.example")) is None


def test_without_smtp_the_mail_is_kept_in_the_local_outbox(manager_client):
    _invite(manager_client)
    message = db.session.scalar(sa.select(OutboxMessage))
    assert (message.status, message.transport) == ("sent", "local")
    assert "/password/set/" in message.body_text  # kept, to be read in the log of what was "sent"
    page = manager_client.get(f"/outbox/{message.id}").get_data(as_text=True)
    assert "/password/set/" not in page and "[link niet getoond]" in page


def test_when_smtp_is_down_the_invitation_waits_in_the_outbox(manager_client, app):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=1, SMTP_TLS="none")  # nothing listens
    assert _invite(manager_client).status_code == 302
    message = db.session.scalar(sa.select(OutboxMessage))
    assert message.status == "pending" and message.attempts == 1 and message.due_at > utcnow()


def ask_reset(client, email: str, **kwargs):
    """Ask for a reset link; the request only queues it, so send what waits, as the scheduler does."""
    response = post_form(client, "/password/forgot", {"email": email}, **kwargs)
    dispatch_due()
    return response


def test_password_reset_never_says_whether_an_address_exists(client, manager, smtp_config):
    known = ask_reset(client, manager.email, follow_redirects=True)
    unknown = ask_reset(client, "nobody@mail.example", follow_redirects=True)
    text = "Als dit adres een account heeft, hebben we een e-mail met een link gestuurd."
    assert text in known.get_data(as_text=True) and text in unknown.get_data(as_text=True)
    assert [m.rcpt_tos for m in smtp_config.messages] == [[manager.email]]


def test_the_reset_request_only_queues_its_mail(client, manager, smtp_config):
    """Sending in the request would make a known address answer slower than an unknown one."""
    post_form(client, "/password/forgot", {"email": manager.email})
    assert smtp_config.messages == []
    assert db.session.scalar(sa.select(OutboxMessage.recipient)) == manager.email
    dispatch_due()
    assert [m.rcpt_tos for m in smtp_config.messages] == [[manager.email]]


def test_password_reset_sets_a_new_password_and_ends_other_sessions(
    client, manager, manager_client, smtp_config
):
    ask_reset(client, manager.email)
    link = _link_in(smtp_config.messages[0])
    post_form(client, link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert manager_client.get("/dashboard").status_code == 302  # the old session has ended
    fresh = client.application.test_client()
    assert login(fresh, manager.email).status_code == 400
    assert login(fresh, manager.email, NEW_PASSWORD).status_code == 302


def test_a_too_short_password_is_refused_next_to_the_field(client, manager, smtp_config):
    ask_reset(client, manager.email)
    link = _link_in(smtp_config.messages[0])
    response = post_form(client, link, {"password": "kort", "confirm": "kort"})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert client.get(link).status_code == 200  # the link is still usable


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Amsterdam2026", "Veel mensen gebruiken dit wachtwoord, of het is makkelijk te raden."),
        ("manager-wachtwoord-38", "Anderen kennen uw naam en e-mailadres"),
    ],
)
def test_a_common_or_personal_password_is_refused_with_the_reason_in_words(
    client, manager, smtp_config, password, reason
):
    ask_reset(client, manager.email)
    link = _link_in(smtp_config.messages[0])
    response = post_form(client, link, {"password": password, "confirm": password})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'aria-invalid="true"' in page and reason in page
    fresh = client.application.test_client()
    assert login(fresh, manager.email, password).status_code == 400  # not set


def test_a_deactivated_user_gets_no_reset_mail(client, smtp_config):
    user = make_user(Role.TRAINER)
    user.is_active = False
    db.session.commit()
    ask_reset(client, user.email)
    assert smtp_config.messages == []
