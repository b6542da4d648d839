"""Planning cohorts through the pages and the API: holidays, bad input, re-planning, scope."""

import pytest
import sqlalchemy as sa

from accounts.models import Role
from cohort.models import Cohort
from extensions import db
from sessions.models import TrainingSession
from tests.conftest import post_form
from tests.factories import make_user


def create(api, **fields):
    return api.post(
        "/api/v1/cohorts", json={"name": "Utrecht voorjaar", "start_date": "2026-04-20", **fields}
    )


def sessions_of(cohort_id: int) -> list[TrainingSession]:
    return db.session.scalars(
        sa.select(TrainingSession).filter_by(cohort_id=cohort_id).order_by(TrainingSession.date)
    ).all()


@pytest.fixture
def manager_api(api_client, manager):
    return api_client(manager)


def test_a_new_cohort_gets_its_whole_year_planned(manager_api):
    response = create(manager_api, start_date="2026-01-05", location="Utrecht")
    assert response.status_code == 201
    cohort = response.get_json()
    assert cohort["template"] == "inburgeringsconsulent" and cohort["end_date"] == "2027-01-03"
    assert [(p["kind"], p["start_date"], p["end_date"]) for p in cohort["phases"]] == [
        ("training", "2026-01-05", "2026-02-15"),
        ("internship", "2026-02-16", "2026-04-12"),
        ("guided_work", "2026-04-13", "2027-01-03"),
    ]
    kinds = [s.kind for s in sessions_of(cohort["id"])]
    assert kinds.count("training") == 24  # six weeks, Monday to Thursday, no holiday in them
    assert kinds.count("return_day") + len(cohort["attention"]) == 46  # weeks 7 to 52
    assert cohort["session_count"] == len(kinds)


def test_koningsdag_in_the_training_weeks_moves_to_the_friday(manager_api):
    cohort = create(manager_api, start_date="2026-04-20").get_json()  # Koningsdag: Monday 27 April
    sessions = manager_api.get(f"/api/v1/cohorts/{cohort['id']}/sessions").get_json()
    moved = [s for s in sessions if s["moved_from"] == "2026-04-27"]
    assert [(s["date"], s["kind"]) for s in moved] == [("2026-05-01", "training")]
    assert not any(s["date"] == "2026-04-27" for s in sessions)


def test_a_full_week_has_no_free_day_so_the_session_is_left_out_and_listed(manager_api, manager_client):
    cohort = create(
        manager_api,
        start_date="2027-04-26",
        training_weekdays=["mon", "tue", "wed", "thu", "fri"],
        return_weekday="fri",
    ).get_json()
    # Koningsdag 2027 is Tuesday 27 April, in a week with training every weekday.
    assert cohort["attention"][0]["date"] == "2027-04-27"
    assert cohort["attention"][0]["reason"] == "Koningsdag"
    page = manager_client.get(f"/cohorts/{cohort['id']}").get_data(as_text=True)
    assert "Koningsdag; geen vrije werkdag in week 1" in page


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"start_date": "2026-02-30"}, "start_date"),
        ({"start_date": "2026-04-22"}, "start_date"),
        ({"training_weeks": 0}, "training_weeks"),
        ({"programme_weeks": 105}, "programme_weeks"),
        ({"training_weekdays": []}, "training_weekdays"),
        (
            {"return_weekday": "mon", "training_weekdays": ["mon", "tue"], "training_weeks": 10},
            "return_weekday",
        ),
        ({"template": "does-not-exist"}, "template"),
        ({"name": ""}, "name"),
        ({"training_weekdays": ["someday"]}, "training_weekdays"),
        ({"capacity": "many"}, "capacity"),
    ],
)
def test_bad_cohort_input_is_a_400_naming_the_field_and_saves_nothing(manager_api, fields, field):
    response = create(manager_api, **fields)
    assert response.status_code == 400
    assert field in response.get_json()["error"]["fields"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Cohort)) == 0


def test_a_start_date_that_is_not_a_monday_suggests_the_mondays_around_it(manager_client):
    response = post_form(
        manager_client,
        "/cohorts/new",
        {"name": "Zaanstad", "template": "inburgeringsconsulent", "start_date": "2026-04-22", "capacity": 12},
    )
    page = response.get_data(as_text=True)
    assert "maandag 20 april 2026" in page and "maandag 27 april 2026" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Cohort)) == 0


def test_a_manager_plans_a_cohort_in_the_form_and_sees_the_moved_holiday(manager_client):
    response = post_form(
        manager_client,
        "/cohorts/new",
        {
            "name": "Zaanstad voorjaar",
            "template": "inburgeringsconsulent",
            "start_date": "2026-05-11",
            "location": "Zaandam",
            "capacity": 12,
        },
    )
    assert response.status_code == 302
    page = manager_client.get(response.headers["Location"]).get_data(as_text=True)
    # Hemelvaartsdag, Thursday 14 May 2026, moves to Friday 15 May.
    assert "Verplaatst vanwege een feestdag of sluiting" in page
    assert "donderdag 14 mei 2026 → vrijdag 15 mei 2026 (Hemelvaartsdag)" in page


def _edit_form(cohort: Cohort, **changes) -> dict:
    return {
        "name": cohort.name,
        "template": "inburgeringsconsulent",
        "start_date": cohort.start_date.isoformat(),
        "location": cohort.location,
        "capacity": cohort.capacity,
        **changes,
    }


def test_replanning_keeps_hand_edits_unless_discarded(manager_api, manager_client):
    cohort_id = create(manager_api, start_date="2027-01-04").get_json()["id"]
    cohort = db.session.get(Cohort, cohort_id)
    edited = sessions_of(cohort_id)[3]
    manager_api.patch(f"/api/v1/sessions/{edited.id}", json={"start_time": "10:00", "title": "Het PIP"})
    before = len(sessions_of(cohort_id))

    preview = post_form(manager_client, f"/cohorts/{cohort_id}/edit", _edit_form(cohort, programme_weeks=40))
    assert "Controleer de wijzigingen" in preview.get_data(as_text=True)
    assert len(sessions_of(cohort_id)) == before  # nothing saved by the preview

    post_form(
        manager_client,
        f"/cohorts/{cohort_id}/edit",
        _edit_form(cohort, programme_weeks=40, confirmed="yes"),
        page=f"/cohorts/{cohort_id}/edit",
    )
    db.session.expire_all()
    assert len(sessions_of(cohort_id)) == before - 12  # weeks 41..52 lose their return day
    kept = db.session.get(TrainingSession, edited.id)
    assert (kept.start_time.strftime("%H:%M"), kept.title, kept.is_edited) == ("10:00", "Het PIP", True)

    post_form(
        manager_client,
        f"/cohorts/{cohort_id}/edit",
        _edit_form(cohort, programme_weeks=40, discard_edits="y", confirmed="yes"),
        page=f"/cohorts/{cohort_id}/edit",
    )
    db.session.expire_all()
    reverted = db.session.get(TrainingSession, edited.id)
    assert (reverted.start_time.strftime("%H:%M"), reverted.is_edited) == ("09:30", False)


def test_patching_a_session_changes_it_and_raises_its_sequence(manager_api):
    cohort_id = create(manager_api).get_json()["id"]
    sess = sessions_of(cohort_id)[0]
    response = manager_api.patch(
        f"/api/v1/sessions/{sess.id}", json={"location": "Stadhuis", "status": "cancelled"}
    )
    assert response.status_code == 200
    assert (response.get_json()["location"], response.get_json()["status"]) == ("Stadhuis", "cancelled")
    db.session.refresh(sess)
    assert sess.sequence == 1
    bad = manager_api.patch(f"/api/v1/sessions/{sess.id}", json={"end_time": "08:00"})
    assert bad.status_code == 400 and "end_time" in bad.get_json()["error"]["fields"]
    bad = manager_api.patch(f"/api/v1/sessions/{sess.id}", json={"date": "2026-13-01"})
    assert bad.status_code == 400 and "date" in bad.get_json()["error"]["fields"]


def test_enrolling_a_trainee_by_api_invites_them_and_refuses_a_duplicate(manager_api):
    cohort_id = create(manager_api).get_json()["id"]
    body = {"name": "Amina Yusuf", "email": "amina@mail.example", "languages": ["Somali", "Dutch"]}
    response = manager_api.post(f"/api/v1/cohorts/{cohort_id}/trainees", json=body)
    assert response.status_code == 201
    trainee = response.get_json()
    assert trainee["status"] == "enrolled" and trainee["user_id"]
    assert trainee["calendar_url"].startswith("http://localhost/calendar/trainee/")
    again = manager_api.post(
        f"/api/v1/cohorts/{cohort_id}/trainees", json={**body, "email": "AMINA@mail.example"}
    )
    assert again.status_code == 409 and "email" in again.get_json()["error"]["fields"]
    missing = manager_api.post(f"/api/v1/cohorts/{cohort_id}/trainees", json={"email": "x@mail.example"})
    assert missing.status_code == 400 and "name" in missing.get_json()["error"]["fields"]


def test_attendance_is_registered_for_a_whole_session(manager_api):
    cohort_id = create(manager_api).get_json()["id"]
    trainee = manager_api.post(
        f"/api/v1/cohorts/{cohort_id}/trainees", json={"name": "Dawit", "email": "dawit@mail.example"}
    ).get_json()
    sess = sessions_of(cohort_id)[0]
    url = f"/api/v1/sessions/{sess.id}/attendance"
    ok = manager_api.put(url, json=[{"trainee_id": trainee["id"], "status": "late", "note": "bus"}])
    assert ok.status_code == 200
    bad = manager_api.put(url, json=[{"trainee_id": trainee["id"], "status": "sleeping"}])
    assert bad.status_code == 400 and "0.status" in bad.get_json()["error"]["fields"]
    stranger = manager_api.put(url, json=[{"trainee_id": 999, "status": "present"}])
    assert stranger.status_code == 400


def test_scope_of_the_cohort_endpoints(api_client, manager_api):
    cohort_id = create(manager_api).get_json()["id"]
    other_id = create(manager_api, name="Ander", start_date="2026-06-01").get_json()["id"]
    first = manager_api.post(
        f"/api/v1/cohorts/{cohort_id}/trainees", json={"name": "A", "email": "a@mail.example"}
    ).get_json()
    second = manager_api.post(
        f"/api/v1/cohorts/{cohort_id}/trainees", json={"name": "B", "email": "b@mail.example"}
    ).get_json()
    trainer = make_user(Role.TRAINER)
    sess = sessions_of(cohort_id)[0]
    sess.trainer_id = trainer.id
    db.session.commit()
    trainee_user = db.session.get(__import__("accounts.models").models.User, first["user_id"])
    trainee_api, trainer_api = api_client(trainee_user), api_client(trainer)
    municipality_api = api_client(make_user(Role.MUNICIPALITY))

    assert [c["id"] for c in manager_api.get("/api/v1/cohorts").get_json()] == [cohort_id, other_id]
    assert [c["id"] for c in trainer_api.get("/api/v1/cohorts").get_json()] == [cohort_id]
    assert trainer_api.get(f"/api/v1/cohorts/{other_id}").status_code == 404
    assert trainee_api.get(f"/api/v1/trainees/{first['id']}").status_code == 200
    assert trainee_api.get(f"/api/v1/trainees/{second['id']}").status_code == 404
    assert trainee_api.get(f"/api/v1/trainees/{second['id']}/schedule").status_code == 404
    assert [t["id"] for t in trainee_api.get(f"/api/v1/cohorts/{cohort_id}/trainees").get_json()] == [
        first["id"]
    ]
    assert trainee_api.patch(f"/api/v1/sessions/{sess.id}", json={"title": "x"}).status_code == 403
    assert trainee_api.post(f"/api/v1/cohorts/{cohort_id}/trainees", json={}).status_code == 403
    assert (
        trainer_api.put(
            f"/api/v1/sessions/{sess.id}/attendance", json=[{"trainee_id": first["id"], "status": "present"}]
        ).status_code
        == 200
    )
    other_session = sessions_of(other_id)[0]
    assert trainer_api.put(f"/api/v1/sessions/{other_session.id}/attendance", json=[]).status_code == 404
    assert municipality_api.get(f"/api/v1/cohorts/{cohort_id}").status_code == 404
    assert municipality_api.get("/api/v1/cohorts").get_json() == []
    assert municipality_api.post("/api/v1/cohorts", json={}).status_code == 403


def test_the_schedule_api_lists_sessions_in_date_order_and_a_withdrawn_trainee_keeps_only_history(
    manager_api, manager_client
):
    cohort_id = create(manager_api, start_date="2026-01-05").get_json()["id"]
    trainee = manager_api.post(
        f"/api/v1/cohorts/{cohort_id}/trainees", json={"name": "A", "email": "a@mail.example"}
    ).get_json()
    year = f"/api/v1/trainees/{trainee['id']}/schedule?from=2026-01-05&to=2026-12-31"
    schedule = manager_api.get(year).get_json()
    assert [item["date"] for item in schedule] == sorted(item["date"] for item in schedule)
    assert schedule[0] == {
        "date": "2026-01-05",
        "kind": "training",
        "start_time": "09:30",
        "end_time": "16:00",
        "title": "",
        "location": "",
        "description": "",
        "status": "scheduled",
    }
    withdrawn = post_form(
        manager_client,
        f"/trainees/{trainee['id']}/withdraw",
        {"withdraw-withdrawn_on": "2026-03-01", "withdraw-reason": "Werk gevonden"},
        page=f"/trainees/{trainee['id']}",
    )
    assert withdrawn.status_code == 302
    after = manager_api.get(year).get_json()
    assert after and max(item["date"] for item in after) <= "2026-03-01"


def test_the_edit_form_starts_from_the_cohorts_own_settings(manager_api, manager_client):
    cohort_id = create(manager_api, template="wet-inburgering", training_weekdays=["tue", "thu"]).get_json()[
        "id"
    ]
    page = manager_client.get(f"/cohorts/{cohort_id}/edit").get_data(as_text=True)
    assert '<option selected value="wet-inburgering">' in page
    assert 'checked id="training_weekdays-3" name="training_weekdays" type="checkbox" value="thu"' in page
    assert (
        'id="training_weekdays-2" name="training_weekdays" type="checkbox" value="wed"' in page
    )  # unchecked
