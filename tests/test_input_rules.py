"""The address rule and the single-line rule at every way in: the API, the forms' services, the
import, the public offer form and the CLI. A bad value is a field error (or a 400 naming the
field), and nothing is saved."""

from datetime import date

import pytest
import sqlalchemy as sa

from accounts.models import Role, User
from cohort.importing import services as importing
from cohort.models import Cohort, Trainee
from cohort.services import CohortInput, default_template, enrol_trainee, save_cohort
from core.errors import ValidationError
from extensions import db
from placements.models import Placement
from placements.municipalities import services as municipality_services
from sessions.models import TrainingSession
from tests.factories import make_municipality, make_user, registered

BAD_ADDRESSES = [
    "eva@gemeente.example\r\nBcc: iedereen@mail.example",
    "eva@gemeente.example\nBcc: iedereen@mail.example",
    "eva@gemeente.example, jan@gemeente.example",
    "Eva de Boer <eva@gemeente.example>",
    "e" * 250 + "@gemeente.example",
]
NOT_ONE_LINE = ["Lesdag\rBcc", "Lesdag\nBcc", "Lesdag\tBcc", "Lesdag\u0085Bcc"]


@pytest.fixture
def world(app, manager, api_client):
    cohort, _ = save_cohort(
        None, CohortInput(name="Utrecht", template=default_template(), start_date=date(2027, 3, 29))
    )
    trainee = enrol_trainee(cohort, name="Amal", email="amal@mail.example")
    db.session.commit()
    api = api_client(manager)
    municipality = registered(api, "GM0344")
    offer = api.post(
        f"/api/v1/municipalities/{municipality['id']}/offers", json={"cohort_id": cohort.id, "places": 1}
    ).get_json()
    contact = make_user(Role.MUNICIPALITY, municipality_id=municipality["id"])
    placement = api.post("/api/v1/placements", json={"trainee_id": trainee.id, "offer_id": offer["id"]})
    assert placement.status_code == 201
    return {
        "api": api,
        "contact": api_client(contact),
        "cohort_id": cohort.id,
        "municipality_id": municipality["id"],
        "placement_id": placement.get_json()["id"],
    }


def field_errors(response) -> dict:
    assert response.status_code == 400, response.get_data(as_text=True)
    return response.get_json()["error"]["fields"]


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.mark.parametrize("address", BAD_ADDRESSES)
def test_the_api_refuses_a_bad_trainee_address_and_enrols_no_one(world, address):
    before = count(Trainee)
    response = world["api"].post(
        f"/api/v1/cohorts/{world['cohort_id']}/trainees", json={"name": "Noor", "email": address}
    )
    assert "email" in field_errors(response)
    assert count(Trainee) == before


@pytest.mark.parametrize("address", BAD_ADDRESSES)
def test_a_bad_supervisor_address_leaves_the_proposal_unanswered(world, address):
    response = world["contact"].post(
        f"/api/v1/placements/{world['placement_id']}/confirm",
        json={"supervisor_name": "Eva de Boer", "supervisor_email": address, "weekdays": ["mon"]},
    )
    assert "supervisor_email" in field_errors(response)
    db.session.expire_all()
    placement = db.session.get(Placement, world["placement_id"])
    assert placement.status == "proposed" and placement.supervisor_email == ""


@pytest.mark.parametrize("address", BAD_ADDRESSES)
def test_an_offer_with_a_bad_supervisor_address_is_not_saved(world, address):
    response = world["api"].post(
        f"/api/v1/municipalities/{world['municipality_id']}/offers",
        json={"cohort_id": world["cohort_id"], "places": 1, "supervisor_email": address},
    )
    assert "supervisor_email" in field_errors(response)


@pytest.mark.parametrize("text", NOT_ONE_LINE)
@pytest.mark.parametrize("field", ["title", "location"])
def test_a_session_title_or_location_is_one_line(world, field, text):
    session_id = db.session.scalar(
        sa.select(TrainingSession.id).where(TrainingSession.cohort_id == world["cohort_id"]).limit(1)
    )
    response = world["api"].patch(f"/api/v1/sessions/{session_id}", json={field: text})
    assert field in field_errors(response)
    db.session.expire_all()
    assert getattr(db.session.get(TrainingSession, session_id), field) != text


@pytest.mark.parametrize("text", NOT_ONE_LINE)
def test_a_cohort_name_is_one_line(world, text):
    before = count(Cohort)
    response = world["api"].post(
        "/api/v1/cohorts",
        json={"name": text, "template": "inburgeringsconsulent", "start_date": "2027-09-06"},
    )
    assert "name" in field_errors(response)
    assert count(Cohort) == before


@pytest.mark.parametrize("address", BAD_ADDRESSES)
def test_the_cli_creates_no_account_for_a_bad_address(app, address):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "--email", address, "--name", "Pieter", "--role", "manager"]
    )
    assert result.exit_code != 0
    assert count(User) == 0


@pytest.mark.parametrize("address", BAD_ADDRESSES)
def test_an_import_row_with_a_bad_address_is_named(app, address):
    assert importing.normalised_email(address) is None


@pytest.mark.parametrize("address", BAD_ADDRESSES)
def test_an_offer_sent_in_with_a_bad_contact_address_is_refused(app, address):
    values = {
        "organisation": "Gemeente Zeist",
        "contact_name": "Eva",
        "contact_email": address,
        "places": "1",
    }
    with pytest.raises(ValidationError) as refused:
        municipality_services.submit_offer(values, "127.0.0.1")
    assert "contact_email" in refused.value.fields


@pytest.mark.parametrize("text", NOT_ONE_LINE)
def test_a_municipality_name_is_one_line(app, text):
    make_municipality()  # an existing record, to show that nothing is added next to it
    with pytest.raises(ValidationError) as refused:
        municipality_services.create_municipality({"name": text, "cbs_code": "GM0999", "province": "Utrecht"})
    assert refused.value.fields == {"name": "Schrijf alles op één regel, zonder enter of tab."}  # Dutch first
