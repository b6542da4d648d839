"""Input that costs little and ends in a 400, never a 500: deep or unstorable JSON is refused by
the API's body reader only, a page reads no body it does not use, and numbers stay bounded."""

import json
from datetime import date

import pytest
import sqlalchemy as sa

from cohort.models import Cohort, Trainee
from cohort.services import CohortInput, default_template, save_cohort
from extensions import db
from sessions.models import Attendance, TrainingSession
from tests.factories import make_trainee


@pytest.fixture
def manager_api(api_client, manager):
    return api_client(manager)


def _nested(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


@pytest.mark.parametrize("depth", [40, 900, 100_000])
def test_deep_json_is_a_400_naming_the_field(manager_api, depth):
    body = '{"name": "Utrecht", "start_date": "2026-09-07", "location": ' + _nested(depth) + "}"
    response = manager_api.post("/api/v1/cohorts", data=body, content_type="application/json")
    assert response.status_code == 400
    fields = response.get_json()["error"]["fields"]
    # Python's parser gives up on the deepest (RecursionError): then the body as a whole is refused.
    assert fields in ({"location": "too deep"}, {"body": "invalid JSON"})
    assert db.session.scalar(sa.select(sa.func.count(Cohort.id))) == 0


def test_a_lone_surrogate_in_json_text_is_a_400(manager_api):
    body = '{"name": "Utrecht \\ud800", "start_date": "2026-09-07"}'
    response = manager_api.post("/api/v1/cohorts", data=body, content_type="application/json")
    assert response.status_code == 400 and response.get_json()["error"]["fields"] == {
        "name": "unstorable text"
    }
    pair = '{"name": "Utrecht \\ud83d\\ude00", "start_date": "2026-09-07"}'  # a real pair is a character
    assert manager_api.post("/api/v1/cohorts", data=pair, content_type="application/json").status_code == 201


def test_a_page_never_reads_a_body_it_does_not_use(client, manager_client):
    deep = json.dumps({"x": "\x00"}) + _nested(100_000)
    assert client.get("/healthz", data=deep, content_type="application/json").status_code == 200
    assert manager_client.get("/dashboard", data=deep, content_type="application/json").status_code == 200


def test_the_same_trainee_twice_in_one_attendance_put_is_a_400(app, manager_api):
    cohort, _ = save_cohort(
        None, CohortInput(name="Utrecht", template=default_template(), start_date=date(2027, 3, 1))
    )
    trainee = make_trainee(cohort)
    db.session.commit()
    session_id = db.session.scalar(sa.select(TrainingSession.id).filter_by(cohort_id=cohort.id).limit(1))
    twice = [{"trainee_id": trainee.id, "status": "present"}, {"trainee_id": trainee.id, "status": "absent"}]
    response = manager_api.put(f"/api/v1/sessions/{session_id}/attendance", json=twice)
    assert response.status_code == 400 and "1.trainee_id" in response.get_json()["error"]["fields"]
    assert db.session.scalar(sa.select(sa.func.count(Attendance.id))) == 0
    assert db.session.get(Trainee, trainee.id) is not None


@pytest.mark.parametrize("page", ["99999999999999999999", "-1", "0", "abc", "1e3"])
def test_a_page_number_beyond_any_page_is_a_400(manager_client, page):
    assert manager_client.get(f"/outbox?page={page}").status_code == 400
    assert manager_client.get("/outbox?page=2").status_code == 200
