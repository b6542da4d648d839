"""User management by managers, deactivation, and who may see what."""

import pytest
import sqlalchemy as sa

from accounts.models import Role, User
from extensions import db
from tests.conftest import post_form
from tests.factories import make_user


def test_deactivating_a_user_ends_their_session_at_once(manager_client, trainee_client, trainee_user):
    assert trainee_client.get("/schedule").status_code == 200
    response = post_form(manager_client, f"/users/{trainee_user.id}/active", {}, page="/users")
    assert response.status_code == 302
    assert trainee_client.get("/schedule").headers["Location"].startswith("/login")
    db.session.refresh(trainee_user)
    assert not trainee_user.is_active


def test_deactivating_ends_a_remembered_login_too(app, manager_client):
    user = make_user(Role.TRAINER)
    remembered = app.test_client()
    post_form(
        remembered, "/login", {"email": user.email, "password": "correct horse battery", "remember": "y"}
    )
    with remembered.session_transaction() as sess:
        sess.clear()  # browser closed: only the remember cookie is left
    assert remembered.get("/teaching").status_code == 200
    post_form(manager_client, f"/users/{user.id}/active", {}, page="/users")
    with remembered.session_transaction() as sess:
        sess.clear()
    assert remembered.get("/teaching").status_code == 302


def test_a_deactivated_user_cannot_log_in(client, app):
    user = make_user(Role.TRAINER)
    user.is_active = False
    db.session.commit()
    assert (
        post_form(client, "/login", {"email": user.email, "password": "correct horse battery"}).status_code
        == 400
    )


def test_a_manager_cannot_deactivate_themself(manager_client, manager):
    post_form(manager_client, f"/users/{manager.id}/active", {}, page="/users")
    db.session.refresh(manager)
    assert manager.is_active


@pytest.mark.parametrize("url", ["/users", "/users/new", "/outbox", "/dashboard"])
def test_pages_for_managers_are_refused_to_other_roles(trainee_client, municipality_client, url):
    assert trainee_client.get(url).status_code == 403
    assert municipality_client.get(url).status_code == 403


@pytest.mark.parametrize("url", ["/users", "/schedule", "/portal", "/teaching", "/account", "/outbox"])
def test_anonymous_visitors_are_sent_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_a_contact_sees_only_their_own_municipality(app, make_client):
    first, second = make_user(Role.MUNICIPALITY), make_user(Role.MUNICIPALITY)
    page = make_client(first).get("/portal").get_data(as_text=True)
    assert first.municipality.name in page
    assert second.municipality.name not in page


def test_the_user_list_costs_the_same_queries_for_2_and_20_users(manager_client, count_queries):
    def queries_for_user_list():
        with count_queries() as queries:
            assert manager_client.get("/users").status_code == 200
        return len(queries)

    make_user(Role.TRAINEE)
    few = queries_for_user_list()
    for role in [Role.TRAINEE, Role.MUNICIPALITY] * 9:
        make_user(role)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 20
    assert queries_for_user_list() == few


def test_deactivating_asks_first_and_says_who_takes_over_a_contacts_mail(manager_client, app):
    from tests.factories import make_municipality

    town = make_municipality("Zwolle")
    leaving = make_user(Role.MUNICIPALITY, name="Eva de Boer", municipality_id=town.id)
    make_user(Role.MUNICIPALITY, name="Joris Bakker", municipality_id=town.id)
    page = manager_client.get(f"/users/{leaving.id}/active").get_data(as_text=True)
    assert "Joris Bakker" in page and "kan niet meer inloggen" in page
    db.session.refresh(leaving)
    assert leaving.is_active  # asking changed nothing
    post_form(manager_client, f"/users/{leaving.id}/active", {"active": "no"}, page="/users")
    alone = make_user(Role.MUNICIPALITY, municipality_id=make_municipality().id)
    assert "heeft dan geen contactpersoon" in manager_client.get(f"/users/{alone.id}/active").get_data(
        as_text=True
    )
    # Said, not toggled: deactivating twice leaves the account deactivated; activating is explicit.
    post_form(manager_client, f"/users/{leaving.id}/active", {"active": "no"}, page="/users")
    db.session.refresh(leaving)
    assert not leaving.is_active
    post_form(manager_client, f"/users/{leaving.id}/active", {"active": "yes"}, page="/users")
    db.session.refresh(leaving)
    assert leaving.is_active


def test_the_account_page_says_je_to_a_trainee_and_u_to_staff(trainee_client, manager_client):
    assert "Waar je bent ingelogd" in trainee_client.get("/account").get_data(as_text=True)
    assert "Waar u bent ingelogd" in manager_client.get("/account").get_data(as_text=True)
