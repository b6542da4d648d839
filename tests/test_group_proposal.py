""" "Stel voor voor de hele groep": the computed proposal on the page and in the API, the manager's
changes, and the proposals sent through the ordinary flow, all or nothing."""

from collections import Counter
from datetime import date

import pytest
import sqlalchemy as sa

from accounts.models import Role
from cohort.services import CohortInput, default_template, enrol_trainee, save_cohort
from extensions import db
from outbox.models import OutboxMessage
from placements import services
from placements.group_proposal import group_proposal, open_places
from placements.models import InternshipOffer, Placement
from tests.conftest import post_form
from tests.factories import make_municipality, make_user


@pytest.fixture
def setting(app, manager):
    """Three trainees (Utrecht, Zeist, Maastricht); a place in Utrecht and one in Houten (about
    10 km from Zeist), each municipality with a contact; nothing near Maastricht."""
    cohort, _ = save_cohort(
        None, CohortInput(name="Utrecht", template=default_template(), start_date=date(2027, 3, 29))
    )
    homes = {name: make_municipality(name) for name in ("Utrecht", "Zeist", "Maastricht", "Houten")}
    trainees = {
        home: enrol_trainee(cohort, name=f"Uit {home}", email=f"{home.lower()}@mail.example")
        for home in ("Utrecht", "Zeist", "Maastricht")
    }
    for home, trainee in trainees.items():
        trainee.home_municipality = homes[home]
    offers = {}
    for host in ("Utrecht", "Houten"):
        offers[host] = InternshipOffer(municipality=homes[host], cohort_id=cohort.id, places=1)
        make_user(Role.MUNICIPALITY, municipality_id=homes[host].id)
    db.session.add_all(offers.values())
    db.session.commit()
    return {"cohort": cohort, "trainees": trainees, "offers": offers, "manager": manager}


def url(setting) -> str:
    return f"/cohorts/{setting['cohort'].id}/placements/group"


def lines_by_home(proposal) -> dict[str, tuple]:
    return {
        line.trainee.home_municipality.name: (
            line.offer.municipality.name if line.offer else None,
            line.reason,
        )
        for line in proposal.lines
    }


def test_the_proposal_places_at_home_then_nearby_and_says_why_not(setting):
    proposal = group_proposal(setting["cohort"])
    assert lines_by_home(proposal) == {
        "Utrecht": ("Utrecht", "home"),
        "Zeist": ("Houten", "nearby"),
        "Maastricht": (None, "too_far"),
    }
    [zeist] = [line for line in proposal.lines if line.trainee.home_municipality.name == "Zeist"]
    assert 5 < zeist.distance_km < 15
    assert lines_by_home(group_proposal(setting["cohort"], max_km=3))["Zeist"] == (None, "too_far")


def test_the_manager_sees_it_changes_nothing_until_sent_then_each_municipality_is_asked(
    setting, manager_client
):
    page = manager_client.get(url(setting)).get_data(as_text=True)
    assert "Uit Maastricht" in page and "Geen vrije plek binnen 25 km." in page
    assert "In de eigen woongemeente." in page and "ongeveer" in page
    assert db.session.scalar(sa.select(sa.func.count(Placement.id))) == 0
    t, o = setting["trainees"], setting["offers"]
    form = {f"offer-{t['Utrecht'].id}": o["Utrecht"].id, f"offer-{t['Zeist'].id}": o["Houten"].id}
    response = post_form(manager_client, url(setting), {**form, f"offer-{t['Maastricht'].id}": ""})
    assert response.status_code == 302
    placed = dict(db.session.execute(sa.select(Placement.trainee_id, Placement.offer_id)).all())
    assert placed == {t["Utrecht"].id: o["Utrecht"].id, t["Zeist"].id: o["Houten"].id}
    kinds = Counter(db.session.scalars(sa.select(OutboxMessage.kind).filter_by(kind="placement_proposal")))
    assert kinds["placement_proposal"] == 2  # one per municipality's contact, as a single proposal
    assert [line.trainee.name for line in group_proposal(setting["cohort"]).lines] == ["Uit Maastricht"]


def test_a_change_that_asks_more_than_an_offer_has_sends_nothing(setting, manager_client):
    t, utrecht = setting["trainees"], setting["offers"]["Utrecht"]
    form = {f"offer-{t['Utrecht'].id}": utrecht.id, f"offer-{t['Zeist'].id}": utrecht.id}
    response = post_form(manager_client, url(setting), form)
    assert response.status_code == 400
    assert "Utrecht heeft 1 vrije plekken voor deze groep" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Placement.id))) == 0


def test_a_waiting_proposal_takes_its_place_out_of_the_computation(setting):
    services.propose(setting["trainees"]["Maastricht"], setting["offers"]["Utrecht"], setting["manager"])
    db.session.commit()
    assert open_places(list(setting["offers"].values())) == {
        setting["offers"]["Utrecht"].id: 0,
        setting["offers"]["Houten"].id: 1,
    }
    # Houten's one place: both reach it; Zeist's trainee lives nearer, so it goes to them.
    assert lines_by_home(group_proposal(setting["cohort"])) == {
        "Utrecht": (None, "no_capacity"),
        "Zeist": ("Houten", "nearby"),
    }


def test_the_api_computes_without_saving_and_refuses_a_bad_distance(setting, api_client):
    api = api_client(setting["manager"])
    path = f"/api/v1/cohorts/{setting['cohort'].id}/placement-proposal"
    body = api.post(path, json={"max_km": 25}).get_json()
    assert (body["at_home"], body["nearby"], body["unplaced"]) == (1, 1, 1)
    assert {line["trainee"]: line["reason"] for line in body["lines"]} == {
        "Uit Utrecht": "home",
        "Uit Zeist": "nearby",
        "Uit Maastricht": "too_far",
    }
    assert db.session.scalar(sa.select(sa.func.count(Placement.id))) == 0
    for bad in (0, 301, "ver"):
        response = api.post(path, json={"max_km": bad})
        assert response.status_code == 400 and "max_km" in response.get_json()["error"]["fields"]
