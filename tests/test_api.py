"""The JSON API's base: token authentication, the error shape, the OpenAPI document."""

import os
import re
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from accounts.models import ApiToken, Role
from accounts.services import create_api_token, set_active, set_password
from core.clock import utcnow
from core.errors import ValidationError
from extensions import db
from outbox.dispatch import dispatch_due
from tests.conftest import post_form
from tests.factories import PASSWORD, make_user


def assert_error(response, status: int, code: str):
    assert response.status_code == status
    assert response.is_json
    body = response.get_json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["fields"], dict)


def test_me_answers_with_the_caller(api_client):
    user = make_user(Role.TRAINER)
    response = api_client(user).get("/api/v1/me")
    assert response.status_code == 200
    assert response.get_json() == {"id": user.id, "name": user.name, "email": user.email, "role": "trainer"}


def test_without_or_with_a_wrong_token_the_api_answers_401(client, manager_client):
    assert_error(client.get("/api/v1/me"), 401, "unauthorized")
    assert_error(client.get("/api/v1/me", headers={"Authorization": "Bearer coh_nope"}), 401, "unauthorized")
    assert_error(client.get("/api/v1/me", headers={"Authorization": "Basic abc"}), 401, "unauthorized")
    # A logged-in browser session is no API credential (so CSRF cannot reach the API).
    assert_error(manager_client.get("/api/v1/me"), 401, "unauthorized")


def test_unknown_routes_and_methods_answer_in_the_error_shape(api_client, manager):
    api = api_client(manager)
    assert_error(api.get("/api/v1/nothing-here"), 404, "not_found")
    assert_error(api.post("/api/v1/me"), 405, "method_not_allowed")


def test_a_revoked_token_or_a_deactivated_user_is_refused(api_client, manager):
    api = api_client(manager)
    assert api.get("/api/v1/me").status_code == 200
    manager.is_active = False
    db.session.commit()
    assert_error(api.get("/api/v1/me"), 401, "unauthorized")
    manager.is_active = True
    db.session.execute(sa.update(ApiToken).values(revoked_at=sa.func.current_timestamp()))
    db.session.commit()
    assert_error(api.get("/api/v1/me"), 401, "unauthorized")


def test_a_user_creates_a_token_in_the_ui_sees_it_once_and_revokes_it(app, manager_client, manager):
    form = {"name": "Rapportage", "days": "30", "password": PASSWORD}
    page = post_form(manager_client, "/account/tokens", form).get_data(as_text=True)
    secret = page.split('id="new-token">')[1].split("<")[0]
    token = db.session.scalar(sa.select(ApiToken))
    assert token.token_hash != secret and secret.startswith(token.prefix)
    api = app.test_client()
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    assert secret not in manager_client.get("/account/tokens").get_data(as_text=True)

    post_form(manager_client, f"/account/tokens/{token.id}/revoke", {}, page="/account/tokens")
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_making_a_token_in_the_browser_asks_for_the_password_again(manager_client, manager):
    refused = post_form(
        manager_client, "/account/tokens", {"name": "Rapportage", "days": "90", "password": "fout"}
    )
    assert refused.status_code == 400 and "Dit is niet uw wachtwoord." in refused.get_data(as_text=True)
    too_long = post_form(
        manager_client, "/account/tokens", {"name": "R", "days": "3650", "password": PASSWORD}
    )
    assert too_long.status_code == 200 and 'aria-invalid="true"' in too_long.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(ApiToken.id))) == 0


def test_a_token_works_until_it_expires(app, manager):
    token, secret = create_api_token(manager, "kort", days=1)
    db.session.commit()
    api = app.test_client()
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    assert token.expires_at - token.created_at == timedelta(days=1)
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    with pytest.raises(ValidationError):
        create_api_token(manager, "te lang", days=366)


def test_a_new_password_or_deactivation_ends_every_token_for_good(app, manager):
    _first, first = create_api_token(manager, "een")
    db.session.commit()
    api = app.test_client()
    set_password(manager, "fiets wolk dinsdag")
    db.session.commit()
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {first}"}).status_code == 401
    _second, second = create_api_token(manager, "twee")
    db.session.commit()
    set_active(manager, False)
    set_active(manager, True)  # activating again brings no old token back
    db.session.commit()
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {second}"}).status_code == 401


def test_the_set_password_page_says_the_tokens_will_stop(client, manager, smtp_config):
    create_api_token(manager, "een")
    db.session.commit()
    post_form(client, "/password/forgot", {"email": manager.email})
    dispatch_due()  # the request only queued it
    link = re.search(r"http://localhost(/password/set/\S+)", smtp_config.messages[0].content.decode()).group(
        1
    )
    assert "U heeft 1 API-sleutel." in client.get(link).get_data(as_text=True)


def test_nobody_revokes_another_users_token(make_client, api_client, manager):
    other = make_user(Role.TRAINER)
    api_client(other)
    token = db.session.scalar(sa.select(ApiToken))
    response = post_form(make_client(manager), f"/account/tokens/{token.id}/revoke", {}, page="/account")
    assert response.status_code == 404
    db.session.refresh(token)
    assert token.revoked_at is None


def test_the_openapi_document_lists_every_api_route(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    documented = {
        (path, method.upper())
        for path, item in document["paths"].items()
        for method in item
        if method != "parameters"
    }
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method) in documented, f"{method} {path} is missing from openapi.json"


REDOCLY = Path(__file__).resolve().parents[1] / "node_modules" / ".bin" / "redocly"


def test_every_operation_has_an_operation_id_a_tag_and_a_summary(client):
    document = client.get("/api/v1/openapi.json").get_json()
    operations = [
        operation
        for item in document["paths"].values()
        for method, operation in item.items()
        if method != "parameters"
    ]
    ids = [operation["operationId"] for operation in operations]
    assert len(ids) == len(set(ids)) and all(
        operation["tags"] and operation["summary"] for operation in operations
    )
    assert {tag for operation in operations for tag in operation["tags"]} == {
        tag["name"] for tag in document["tags"]
    }


def test_redocly_lint_finds_nothing_in_the_served_document(app, client, tmp_path, monkeypatch):
    """Redocly's own rules (redocly.yaml: recommended-strict), on the document as the API serves it
    where it is deployed (a test's BASE_URL is localhost, which one rule rightly refuses)."""
    monkeypatch.setitem(app.config, "BASE_URL", "https://cohort.opleider.nl")
    served = tmp_path / "openapi.json"
    served.write_text(client.get("/api/v1/openapi.json").get_data(as_text=True))
    config = Path(__file__).resolve().parents[1] / "redocly.yaml"
    result = subprocess.run(
        [str(REDOCLY), "lint", str(served), "--config", str(config), "--format=stylish"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
