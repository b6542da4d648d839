"""What the fuzzing found, pinned down: NUL characters, ids beyond any column, digits that are no
digits to int(), and JSON values of the wrong type all get a clear 4xx, never a 500."""

import pytest
import sqlalchemy as sa

from accounts.models import Role
from api.validation import body_problems
from cohort.models import Cohort
from extensions import db
from placements.evaluations.rules import score_value
from reminders.rules import parse_number
from sessions.models import TrainingSession
from tests.conftest import post_form
from tests.factories import make_cohort, make_user


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.fixture
def manager_api(api_client, manager):
    return api_client(manager)


def test_a_form_with_a_nul_character_is_refused_with_a_clear_page(manager_client):
    response = post_form(
        manager_client, "/cohorts/new", {"name": "Utrecht\x00najaar", "start_date": "2026-09-07"}
    )
    assert response.status_code == 400
    assert "(NUL)" in response.get_data(as_text=True)
    assert count(Cohort) == 0


def test_a_nul_in_a_query_string_or_path_is_refused_too(manager_client):
    assert manager_client.get("/outbox?status=failed%00").status_code == 400
    assert manager_client.get("/password/set/abc%00def").status_code == 400


def test_the_api_names_each_field_with_a_nul(manager_api):
    body = {"name": "Utrecht\x00", "start_date": "2026-09-07", "location": ["a\x00"]}
    response = manager_api.post("/api/v1/cohorts", json=body)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid" and set(error["fields"]) == {"name", "location"}
    assert count(Cohort) == 0


def test_ordinary_odd_text_is_kept_as_it_is(manager_api):
    name = "שלום e\u0301 😀 \u202eRTL"
    response = manager_api.post("/api/v1/cohorts", json={"name": name, "start_date": "2026-09-07"})
    assert response.status_code == 201 and response.get_json()["name"] == name


@pytest.mark.parametrize("path", ["/cohorts/99999999999999999999", "/api/v1/cohorts/9223372036854775808"])
def test_an_id_beyond_any_column_is_a_404_not_a_500(manager_client, manager_api, path):
    client = manager_api if path.startswith("/api/") else manager_client
    assert client.get(path).status_code == 404
    # The same path with a rule for another method (POST /cohorts/<id>/trainees) is no 405 either.
    assert client.get(path + "/trainees").status_code == 404


def test_digits_that_int_cannot_read_are_no_number():
    # "²".isdigit() is True but int("²") raises: the checks use isdecimal().
    assert score_value("²") is None and parse_number("²") is None
    assert score_value("4") == 4 and parse_number("12") == 12


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": True, "email": "a@mail.example"}, "name"),
        ({"name": "A", "email": ["a@mail.example"]}, "email"),
        ({"name": "A", "email": "a@mail.example", "home_municipality_id": 10**20}, "home_municipality_id"),
        ({"name": "A", "email": "a@mail.example", "languages": ["nl", 3]}, "languages.1"),
        ({"name": "x" * 121, "email": "a@mail.example"}, "name"),
    ],
)
def test_api_fields_of_the_wrong_type_or_size_are_named(app, manager_api, body, field):
    cohort = make_cohort()
    db.session.commit()
    response = manager_api.post(f"/api/v1/cohorts/{cohort.id}/trainees", json=body)
    assert response.status_code == 400
    assert field in response.get_json()["error"]["fields"]


def test_the_body_check_follows_the_openapi_schema():
    schema = {
        "type": "object",
        "properties": {
            "n": {"type": "integer", "minimum": 1, "maximum": 5},
            "tags": {"type": "array", "items": {"type": "string", "maxLength": 3}},
            "maybe": {"type": "string", "nullable": True},
        },
    }
    assert body_problems({"n": 3, "tags": ["abc"], "maybe": None, "other": object()}, schema) == {}
    assert body_problems({"n": True}, schema) == {"n": "must be a whole number"}
    assert body_problems({"n": 6}, schema) == {"n": "must be between 1 and 5"}
    assert body_problems({"tags": ["abcd"]}, schema) == {"tags.0": "must be at most 3 characters"}
    assert body_problems([], schema) == {"body": "must be an object"}


def test_a_session_patch_with_an_impossible_trainer_is_a_400(app, manager_api):
    response = manager_api.post("/api/v1/cohorts", json={"name": "P", "start_date": "2026-09-07"})
    session_id = db.session.scalar(
        sa.select(TrainingSession.id).filter_by(cohort_id=response.get_json()["id"]).limit(1)
    )
    for trainer_id in (10**20, "99999999999999999999", "²"):
        answer = manager_api.patch(f"/api/v1/sessions/{session_id}", json={"trainer_id": trainer_id})
        assert answer.status_code == 400, trainer_id
    trainer = make_user(Role.TRAINER)
    db.session.commit()
    ok = manager_api.patch(f"/api/v1/sessions/{session_id}", json={"trainer_id": trainer.id})
    assert ok.status_code == 200
