"""Private pages are never stored by a browser or proxy; feeds keep their own caching. And an
invitation goes again only to an account that never set a password."""

from accounts.models import Role
from extensions import db
from sessions.feed_service import trainee_feed_url
from tests.conftest import post_form
from tests.factories import make_trainee, make_user


def test_a_logged_in_users_pages_are_not_stored(manager_client, trainee_client):
    for client, path in (
        (manager_client, "/dashboard"),
        (manager_client, "/account"),
        (trainee_client, "/schedule"),
    ):
        assert client.get(path).headers["Cache-Control"] == "no-store"


def test_e_mail_link_pages_are_not_stored_even_when_the_link_is_wrong(client):
    for path in ("/password/set/nope", "/e/placement/nope", "/e/evaluation/nope", "/afmelden/nope"):
        assert client.get(path).headers.get("Cache-Control") == "no-store", path


def test_public_pages_and_feeds_keep_their_own_caching(client, app):
    assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")
    trainee = make_trainee()
    db.session.commit()
    feed = client.get(trainee_feed_url(trainee).removeprefix("http://localhost"))
    assert feed.status_code == 200 and "private" in feed.headers["Cache-Control"]
    assert "no-store" not in feed.headers["Cache-Control"]


def test_only_an_account_without_a_password_is_invited_again(manager_client, smtp_config):
    has_password = make_user(Role.TRAINER)
    response = post_form(
        manager_client,
        f"/users/{has_password.id}/invite",
        {},
        page="/users",
        follow_redirects=True,
    )
    assert "heeft al een wachtwoord" in response.get_data(as_text=True)
    assert smtp_config.messages == []
    invited = make_user(Role.TRAINER, password=None)
    post_form(manager_client, f"/users/{invited.id}/invite", {}, page="/users")
    assert any(invited.email in m.rcpt_tos for m in smtp_config.messages)
