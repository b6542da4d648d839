"""Mail sent over SMTP keeps no secret link in the outbox; mail still to send, or kept locally, does."""

import re
from datetime import date
from email import message_from_bytes, policy

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from accounts.models import Role, User
from cohort.services import CohortInput, default_template, enrol_trainee, save_cohort
from core.urls import external_url
from extensions import db
from outbox.dispatch import dispatch_due
from outbox.models import MessageStatus, OutboxMessage
from outbox.queue import queue_message
from outbox.secret_links import find_secret_urls, replace_urls, secret_path_test
from placements.evaluations.services import evaluation_url
from placements.models import InternshipOffer
from tests.conftest import free_port, login, post_form
from tests.factories import make_municipality, make_user

NEW_PASSWORD = "fiets wolk dinsdag"  # holds none of the invited person's own words
SET_PASSWORD = re.compile(r"http://localhost/password/set/([\w-]+)")
ANSWER = re.compile(r"http://localhost/e/placement/([\w.-]+)")


def _plain_text(envelope) -> str:
    return message_from_bytes(envelope.content, policy=policy.default).get_body(("plain",)).get_content()


def _marker(language: str) -> str:
    with force_locale(language):
        return _("[link sent, not kept]")


def _row(kind: str) -> OutboxMessage:
    db.session.expire_all()
    return db.session.scalar(sa.select(OutboxMessage).filter_by(kind=kind))


def _columns_holding(row: OutboxMessage, secret: str) -> list[str]:
    """Every column of the row whose stored value contains `secret`."""
    values = db.session.execute(sa.select(OutboxMessage.__table__).filter_by(id=row.id)).one()._mapping
    return [str(column) for column, value in values.items() if secret in str(value)]


def _invite(manager_client, email="nieuw@gemeente.example"):
    municipality = make_municipality()
    db.session.commit()
    data = {
        "name": "Eva de Boer",
        "email": email,
        "role": "municipality",
        "municipality_id": municipality.id,
        "language": "nl",
    }
    return post_form(manager_client, "/users/new", data)


# --- over SMTP: the recipient gets the link, the outbox forgets it ---------------------------


def test_an_invitation_sent_over_smtp_keeps_no_token_and_its_link_still_works(
    manager_client, client, smtp_config
):
    assert _invite(manager_client).status_code == 302
    [envelope] = smtp_config.messages
    token = SET_PASSWORD.search(_plain_text(envelope)).group(1)

    row = _row("invitation")
    assert row.status == MessageStatus.SENT and row.transport == "smtp"
    assert _columns_holding(row, token) == []
    assert "/password/set/" not in row.body_text + row.body_html
    assert _marker("nl") in row.body_text and _marker("nl") in row.body_html
    assert "Eva de Boer" in row.body_text  # only the link is gone, not the message

    # The link from the e-mail still sets the password: the database keeps the token's hash.
    link = f"/password/set/{token}"
    assert client.get(link).status_code == 200
    response = post_form(client, link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert login(client.application.test_client(), "nieuw@gemeente.example", NEW_PASSWORD).status_code == 302


def test_a_reset_sent_over_smtp_keeps_no_token_and_says_so_in_the_users_language(client, smtp_config):
    user = make_user(Role.MANAGER, email="reader@cohort.example")
    user.language = "en"
    db.session.commit()
    response = post_form(client, "/password/forgot", {"email": "reader@cohort.example"})
    assert response.status_code == 302
    dispatch_due()  # the request only queued it
    [envelope] = smtp_config.messages
    token = SET_PASSWORD.search(_plain_text(envelope)).group(1)

    row = _row("reset")
    assert row.language == "en" and row.transport == "smtp"
    assert _columns_holding(row, token) == []
    assert "[link sent, not kept]" in row.body_text and "[link sent, not kept]" in row.body_html

    link = f"/password/set/{token}"
    response = post_form(client, link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert login(client.application.test_client(), "reader@cohort.example", NEW_PASSWORD).status_code == 302


def test_a_placement_proposal_sent_over_smtp_keeps_no_answer_link(
    manager, manager_client, client, smtp_config
):
    cohort, _changes = save_cohort(
        None, CohortInput(name="Utrecht", template=default_template(), start_date=date(2027, 3, 29))
    )
    trainee = enrol_trainee(cohort, name="Amal Yusuf", email="amal@mail.example")
    municipality = make_municipality("Utrecht")
    contact = make_user(Role.MUNICIPALITY, municipality_id=municipality.id)
    offer = InternshipOffer(municipality_id=municipality.id, places=1, address="Stadsplateau 1")
    db.session.add(offer)
    db.session.commit()
    response = post_form(
        manager_client,
        f"/cohorts/{trainee.cohort_id}/placements",
        {"trainee_id": trainee.id, "offer_id": offer.id},
    )
    assert response.status_code == 302
    [envelope] = smtp_config.messages
    assert envelope.rcpt_tos == [contact.email]
    token = ANSWER.search(_plain_text(envelope)).group(1)

    row = _row("placement_proposal")
    assert row.language == contact.language and row.transport == "smtp"
    assert _columns_holding(row, token) == []
    assert _marker(contact.language) in row.body_text
    assert "Voorgestelde stagiair: Amal" in client.get(f"/e/placement/{token}").get_data(as_text=True)


def _secret_links() -> dict[str, str]:
    """One link of every kind that lets its reader act as the recipient."""
    user = db.session.scalar(sa.select(User))
    return {
        "set password": external_url("accounts.set_password", token="abcDEF_-123"),
        "placement answer": external_url("placements.answer", token="signed.answer-token"),
        "evaluation": evaluation_url(41, "midterm", supervisor_id=7, generation=0),
        "trainee feed": external_url("feeds.trainee_feed", trainee_id=3, token="feedtoken"),
        "cohort feed": external_url("feeds.cohort_feed", cohort_id=2, user_id=user.id, token="c0h0rt"),
        "municipality feed": external_url("feeds.municipality_feed", user_id=user.id, token="m-un1"),
    }


def test_every_kind_of_secret_link_is_forgotten_and_ordinary_links_stay(manager, smtp_config):
    secrets = _secret_links()
    ordinary = [external_url("accounts.login"), external_url("sessions.my_schedule")]
    lines = [f"{name}: {url}." for name, url in secrets.items()] + ordinary
    html = "".join(f'<p><a href="{url}">{url}</a></p>' for url in [*secrets.values(), *ordinary])
    queue_message(
        kind="evaluation_due",
        key="secrets:1",
        recipient="eva@gemeente.example",
        subject="Links",
        body_text="\n".join(lines),
        body_html=html,
    )
    db.session.commit()
    assert dispatch_due()["sent"] == 1

    row = _row("evaluation_due")
    assert len(smtp_config.messages) == 1
    sent = _plain_text(smtp_config.messages[0])
    for url in secrets.values():
        assert url in sent
        assert url not in row.body_text and url not in row.body_html
    assert all(url in row.body_text and url in row.body_html for url in ordinary)
    marker = _marker("nl")
    assert row.body_text.count(marker) == len(secrets)
    assert row.body_html.count(f'href="{marker}"') == len(secrets)
    assert "set password: " + marker + "." in row.body_text  # the sentence's full stop stays


def test_the_message_page_never_shows_a_link_that_went_out_over_smtp(manager_client, smtp_config):
    _invite(manager_client)
    token = SET_PASSWORD.search(_plain_text(smtp_config.messages[0])).group(1)
    page = manager_client.get(f"/outbox/{_row('invitation').id}").get_data(as_text=True)
    assert token not in page and "/password/set/" not in page
    assert _marker("nl") in page


# --- not sent over SMTP: the link stays --------------------------------------------------------


def _hidden_marker(language: str = "nl") -> str:
    with force_locale(language):
        return _("[link not shown]")


def test_the_local_outbox_keeps_the_link_but_its_page_does_not_show_it(manager_client, client):
    _invite(manager_client)
    row = _row("invitation")
    assert row.status == MessageStatus.SENT and row.transport == "local"
    token = SET_PASSWORD.search(row.body_text).group(1)
    assert f"/password/set/{token}" in row.body_html
    page = manager_client.get(f"/outbox/{row.id}").get_data(as_text=True)
    assert token not in page and "/password/set/" not in page
    assert page.count(_hidden_marker()) == 2  # the text and the HTML version
    assert client.get(f"/password/set/{token}").status_code == 200  # the row's link still works


def test_a_message_that_could_not_be_sent_keeps_its_link_but_shows_none(app, manager_client):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), SMTP_TLS="none", SMTP_TIMEOUT=2)
    _invite(manager_client)
    row = _row("invitation")
    assert row.status == MessageStatus.PENDING and row.attempts == 1 and row.transport is None
    assert SET_PASSWORD.search(row.body_text) and "/password/set/" in row.body_html
    page = manager_client.get(f"/outbox/{row.id}").get_data(as_text=True)
    assert "/password/set/" not in page and _hidden_marker() in page


@pytest.mark.parametrize("status", list(MessageStatus))
def test_no_status_or_transport_shows_a_stored_link(manager, manager_client, status):
    """Every status the log can show, local and SMTP, on the message page and in the data export."""
    cohort, _changes = save_cohort(
        None, CohortInput(name="Utrecht", template=default_template(), start_date=date(2027, 3, 29))
    )
    trainee = enrol_trainee(cohort, name="Amal Yusuf", email="amal@mail.example")
    for transport in ("local", "smtp", None):
        queue_message(
            kind="evaluation_due",
            key=f"shown:{transport or ''}",
            recipient=trainee.email,
            subject="Links",
            body_text="\n".join(_secret_links().values()),
            body_html="".join(f'<a href="{u}">{u}</a>' for u in _secret_links().values()),
        )
    db.session.flush()
    for row in db.session.scalars(sa.select(OutboxMessage).filter(OutboxMessage.key.like("shown:%"))):
        row.status, row.transport = status, row.key.removeprefix("shown:") or None
    db.session.commit()
    pages = [manager_client.get(f"/outbox/{row.id}") for row in db.session.scalars(sa.select(OutboxMessage))]
    pages.append(manager_client.get(f"/trainees/{trainee.id}/data"))
    pages.append(manager_client.get(f"/trainees/{trainee.id}/data.json"))
    for page in pages:
        text = page.get_data(as_text=True)
        assert page.status_code == 200
        shown = [
            name for name, url in _secret_links().items() if url in text or url.replace("&", "&amp;") in text
        ]
        assert shown == [], f"{page.request.path} shows {shown}"


# --- messages sent before links were forgotten ----------------------------------------------


# --- recognising secret links -------------------------------------------------------------------


def test_the_routes_taking_a_token_are_the_secret_links(app):
    """A new secret link must call its argument `token`; renaming one would leave it stored."""
    with_token = {rule.endpoint for rule in app.url_map.iter_rules() if "token" in rule.arguments}
    assert with_token == {
        "accounts.set_password",
        "accounts.unsubscribe",
        "placements.answer",
        "evaluations.by_link",
        "follow_ups.answer",
        "follow_ups.confirm",
        "feeds.trainee_feed",
        "feeds.cohort_feed",
        "feeds.municipality_feed",
        "feeds.supervisor_feed",
    }


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("http://localhost/password/set/abc", ["http://localhost/password/set/abc"]),
        ("(see http://localhost/password/set/abc).", ["http://localhost/password/set/abc"]),
        ('<a href="http://localhost/password/set/abc">', ["http://localhost/password/set/abc"]),
        ("http://localhost/password/set/abc?x=1&amp;y=2", ["http://localhost/password/set/abc?x=1&amp;y=2"]),
        ("http://localhost/calendar/trainee/3/tok.ics.", ["http://localhost/calendar/trainee/3/tok.ics"]),
        ("http://localhost/login http://localhost/password/set", []),  # no token: not secret
        ("http://localhost/password/set/abc/extra", []),  # no such page
        ("https://elsewhere.example/password/set/abc", []),  # not this site
        ("http://localhost.evil.example/password/set/abc", []),
        ("", []),
    ],
)
def test_finding_secret_links(app, text, found):
    assert find_secret_urls(text, "http://localhost", secret_path_test(app.url_map)) == found


def test_a_link_that_begins_with_another_is_replaced_whole(app):
    short, long = "http://localhost/password/set/ab", "http://localhost/password/set/abcd"
    text = f"{short} {long}"
    urls = find_secret_urls(text, "http://localhost", secret_path_test(app.url_map))
    assert urls == [long, short]
    assert replace_urls(text, urls, "[x]") == "[x] [x]"
