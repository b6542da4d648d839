"""The placements API: the whole flow, conflicts, and scope for two municipalities."""

from datetime import date, timedelta

import pytest

from accounts.models import Role
from cohort.services import CohortInput, default_template, enrol_trainee, save_cohort
from extensions import db
from tests.factories import make_user, registered


@pytest.fixture
def flow(app, manager, api_client):
    cohort, _ = save_cohort(
        None, CohortInput(name="Utrecht", template=default_template(), start_date=date(2027, 3, 29))
    )
    trainees = [enrol_trainee(cohort, name=f"D{n}", email=f"d{n}@mail.example") for n in range(2)]
    db.session.commit()
    api = api_client(manager)
    municipality = registered(api, "GM0344")
    other = registered(api, "GM0355")
    offer = api.post(
        f"/api/v1/municipalities/{municipality['id']}/offers",
        json={"cohort_id": cohort.id, "places": 1, "department": "Inburgering"},
    ).get_json()
    contact = make_user(Role.MUNICIPALITY, municipality_id=municipality["id"])
    stranger = make_user(Role.MUNICIPALITY, municipality_id=other["id"])
    return {
        "api": api,
        "cohort": cohort,
        "trainees": trainees,
        "offer": offer,
        "municipality": municipality,
        "contact": api_client(contact),
        "stranger": api_client(stranger),
    }


def test_the_whole_flow_through_the_api(flow):
    api, offer = flow["api"], flow["offer"]
    assert offer["places_free"] == 1
    proposal = api.post(
        "/api/v1/placements", json={"trainee_id": flow["trainees"][0].id, "offer_id": offer["id"]}
    )
    assert proposal.status_code == 201 and proposal.get_json()["status"] == "proposed"
    assert proposal.get_json()["municipality_asked"] is True
    placement_id = proposal.get_json()["id"]
    confirmed = flow["contact"].post(
        f"/api/v1/placements/{placement_id}/confirm",
        json={
            "supervisor_name": "Eva de Boer",
            "supervisor_email": "eva@gemeente.example",
            "weekdays": ["mon", "tue"],
        },
    )
    assert confirmed.status_code == 200 and confirmed.get_json()["status"] == "confirmed"
    assert api.get(f"/api/v1/offers/{offer['id']}").get_json()["places_free"] == 0
    status = api.get(f"/api/v1/cohorts/{flow['cohort'].id}/placement-status").get_json()
    assert status == {
        "trainees": 2,
        "confirmed": 1,
        "proposed": 0,
        "unplaced": 1,
        "places_offered": 1,
        "places_free": 0,
    }
    start = flow["cohort"].start_date
    year = f"from={start.isoformat()}&to={(start + timedelta(days=399)).isoformat()}"
    schedule = api.get(f"/api/v1/trainees/{flow['trainees'][0].id}/schedule?{year}").get_json()
    internship = [item for item in schedule if item["kind"] == "internship"]
    assert internship and internship[0]["municipality"] == "Utrecht"
    assert internship[0]["supervisor"] == "Eva de Boer"


def test_a_confirm_without_a_free_place_or_twice_is_409_and_changes_nothing(flow):
    api, offer = flow["api"], flow["offer"]
    first = api.post(
        "/api/v1/placements", json={"trainee_id": flow["trainees"][0].id, "offer_id": offer["id"]}
    )
    second = api.post(
        "/api/v1/placements", json={"trainee_id": flow["trainees"][1].id, "offer_id": offer["id"]}
    )
    body = {"supervisor_name": "Eva", "supervisor_email": "eva@gemeente.example"}
    assert api.post(f"/api/v1/placements/{first.get_json()['id']}/confirm", json=body).status_code == 200
    full = api.post(f"/api/v1/placements/{second.get_json()['id']}/confirm", json=body)
    assert full.status_code == 409 and full.get_json()["error"]["code"] == "conflict"
    assert api.get(f"/api/v1/placements/{second.get_json()['id']}").get_json()["status"] == "proposed"
    again = api.post(f"/api/v1/placements/{first.get_json()['id']}/confirm", json=body)
    assert again.status_code == 409
    assert (
        api.post(
            "/api/v1/placements", json={"trainee_id": flow["trainees"][0].id, "offer_id": offer["id"]}
        ).status_code
        == 409
    )


def test_bad_input_names_the_field(flow):
    api = flow["api"]
    bad = api.post("/api/v1/municipalities", json={"name": "X", "cbs_code": "12", "province": "Utrecht"})
    assert bad.status_code == 400 and "cbs_code" in bad.get_json()["error"]["fields"]
    duplicate = api.post(
        "/api/v1/municipalities", json={"name": "X", "cbs_code": "GM0344", "province": "Utrecht"}
    )
    assert duplicate.status_code == 409  # in the register already: the answer names it
    assert duplicate.get_json()["error"]["existing_id"] == flow["municipality"]["id"]
    assert api.post("/api/v1/placements", json={"trainee_id": "x"}).status_code == 400
    proposal = api.post(
        "/api/v1/placements", json={"trainee_id": flow["trainees"][0].id, "offer_id": flow["offer"]["id"]}
    ).get_json()
    decline = api.post(f"/api/v1/placements/{proposal['id']}/decline", json={})
    assert decline.status_code == 400 and "reason" in decline.get_json()["error"]["fields"]
    confirm = api.post(f"/api/v1/placements/{proposal['id']}/confirm", json={"supervisor_email": "nope"})
    assert set(confirm.get_json()["error"]["fields"]) >= {"supervisor_name", "supervisor_email"}


def test_scope_for_two_municipalities(flow):
    proposal = (
        flow["api"]
        .post(
            "/api/v1/placements", json={"trainee_id": flow["trainees"][0].id, "offer_id": flow["offer"]["id"]}
        )
        .get_json()
    )
    contact, stranger = flow["contact"], flow["stranger"]
    assert [m["id"] for m in contact.get("/api/v1/municipalities").get_json()] == [flow["municipality"]["id"]]
    assert contact.get(f"/api/v1/offers/{flow['offer']['id']}").status_code == 200
    assert contact.get(f"/api/v1/placements/{proposal['id']}").status_code == 200
    assert stranger.get(f"/api/v1/offers/{flow['offer']['id']}").status_code == 404
    assert stranger.get(f"/api/v1/placements/{proposal['id']}").status_code == 404
    assert (
        stranger.post(f"/api/v1/placements/{proposal['id']}/decline", json={"reason": "x"}).status_code == 404
    )
    assert contact.post("/api/v1/placements", json={}).status_code == 403
    assert (
        contact.post(
            f"/api/v1/municipalities/{flow['municipality']['id']}/offers",
            json={"cohort_id": flow["cohort"].id, "places": 1},
        ).status_code
        == 403
    )
    assert contact.get(f"/api/v1/cohorts/{flow['cohort'].id}/placement-status").status_code == 404


def test_a_proposal_to_a_municipality_without_a_contact_says_nobody_was_asked(flow):
    api = flow["api"]
    lonely = registered(api, "GM0321")
    offer = api.post(
        f"/api/v1/municipalities/{lonely['id']}/offers", json={"cohort_id": flow["cohort"].id, "places": 1}
    ).get_json()
    proposal = api.post(
        "/api/v1/placements", json={"trainee_id": flow["trainees"][1].id, "offer_id": offer["id"]}
    )
    assert proposal.status_code == 201
    assert (proposal.get_json()["status"], proposal.get_json()["municipality_asked"]) == ("proposed", False)


def test_the_api_schedule_answers_a_range_and_links_the_next(flow):
    api, trainee, cohort = flow["api"], flow["trainees"][0], flow["cohort"]
    url = f"/api/v1/trainees/{trainee.id}/schedule"
    first = cohort.start_date
    response = api.get(f"{url}?from={first.isoformat()}&to={(first + timedelta(days=13)).isoformat()}")
    days = {date.fromisoformat(item["date"]) for item in response.get_json()}
    assert days and all(first <= day <= first + timedelta(days=13) for day in days)
    following = first + timedelta(days=14)
    assert response.headers["Link"] == (
        f'<{url}?from={following.isoformat()}&to={(following + timedelta(days=13)).isoformat()}>; rel="next"'
    )
    default = api.get(url)  # today and 27 days on
    assert default.status_code == 200 and 'rel="next"' in default.headers["Link"]
    for query, field in (
        ("from=2027-02-30", "from"),
        ("from=2027-03-10&to=2027-03-01", "to"),
        ("to=2099-01-01", "to"),
    ):
        refused = api.get(f"{url}?{query}")
        assert refused.status_code == 400 and field in refused.get_json()["error"]["fields"], query
