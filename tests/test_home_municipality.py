"""Any municipality of the register as a trainee's home, by form, import and API: typed as people
type it ("Den Haag", a CBS code), resolved to the register's record, and an ambiguous or unknown
name refused with the choices or the nearest names, nothing saved."""

import csv
import html

import pytest
import sqlalchemy as sa

from cohort.models import Trainee
from extensions import db
from placements.models import Municipality
from placements.municipalities.register import REGISTER_FILE
from tests.conftest import post_form
from tests.factories import make_cohort
from tests.test_trainee_import import DUTCH_HEADER, csv_bytes, preview_and_confirm, table_row, upload

with REGISTER_FILE.open(encoding="utf-8") as _file:
    REGISTER = [(row["code"], row["name"]) for row in csv.DictReader(_file)]


@pytest.fixture
def cohort(app):
    cohort = make_cohort()
    db.session.commit()
    return cohort


def home_of(email: str) -> Municipality | None:
    trainee = db.session.scalar(sa.select(Trainee).filter_by(email=email))
    return trainee.home_municipality if trainee else None


def enrol_page(client, cohort, home: str):
    data = {"name": "Amal Yusuf", "email": "amal@mail.example", "home_municipality": home}
    return post_form(client, f"/cohorts/{cohort.id}/trainees/new", data)


# --- the form --------------------------------------------------------------------------------


def test_the_form_offers_every_municipality_and_takes_den_haag(manager_client, cohort):
    page = manager_client.get(f"/cohorts/{cohort.id}/trainees/new").get_data(as_text=True)
    assert 'list="municipality-names"' in page and page.count("<option value=") == len(REGISTER) == 342
    assert enrol_page(manager_client, cohort, "Den Haag").status_code == 302
    assert home_of("amal@mail.example").cbs_code == "GM0518"


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("Bergen", "Welke bedoelt u: Bergen (L.), Bergen (NH.)? Typ de hele naam."),
        ("Hengelo", "Bedoelt u Hengelo (O.)? Typ die naam."),
        ("Amsterdm", "We kennen geen gemeente met deze naam. Bedoelt u Amsterdam"),
    ],
)
def test_the_form_offers_a_choice_or_the_nearest_names_and_saves_nothing(manager_client, cohort, typed, says):
    response = enrol_page(manager_client, cohort, typed)
    assert response.status_code in (200, 400)
    assert says in html.unescape(response.get_data(as_text=True))
    assert db.session.scalar(sa.select(sa.func.count(Trainee.id))) == 0


# --- the API ---------------------------------------------------------------------------------


def test_the_api_takes_a_code_or_a_name_and_answers_what_it_resolved_to(api_client, manager, cohort):
    api = api_client(manager)
    url = f"/api/v1/cohorts/{cohort.id}/trainees"
    for n, typed in enumerate(("GM0599", "den haag", "SÚDWEST-FRYSLAN")):
        response = api.post(
            url, json={"name": f"D{n}", "email": f"d{n}@mail.example", "home_municipality": typed}
        )
        assert response.status_code == 201, response.get_json()
    names = [t["home_municipality"] for t in api.get(url).get_json()]
    assert sorted(names) == ["'s-Gravenhage", "Rotterdam", "Súdwest-Fryslân"]


def test_the_api_refuses_an_ambiguous_or_unknown_name_or_both_fields_naming_the_field(
    api_client, manager, cohort
):
    api = api_client(manager)
    url = f"/api/v1/cohorts/{cohort.id}/trainees"
    utrecht = db.session.scalar(sa.select(Municipality.id).filter_by(cbs_code="GM0344"))
    for body, says in (
        ({"home_municipality": "Alphen"}, "Alphen aan den Rijn, Alphen-Chaam"),
        ({"home_municipality": "Atlantis"}, "We kennen geen gemeente"),
        ({"home_municipality": "Utrecht", "home_municipality_id": utrecht}, "niet allebei"),
        ({"home_municipality": "x" * 121}, ""),
    ):
        response = api.post(url, json={"name": "A", "email": "a@mail.example", **body})
        assert response.status_code == 400
        assert says in response.get_json()["error"]["fields"]["home_municipality"]
    assert db.session.scalar(sa.select(sa.func.count(Trainee.id))) == 0


# --- the import ------------------------------------------------------------------------------


def test_every_municipality_of_the_register_can_be_a_home_by_import(manager_client, cohort):
    """342 rows, one per municipality, by its name as CBS writes it: all enrolled at their own."""
    rows = [[f"D{n}", f"d{n}@mail.example", "", name, ""] for n, (_code, name) in enumerate(REGISTER)]
    response = preview_and_confirm(manager_client, cohort, csv_bytes([DUTCH_HEADER, *rows]))
    assert response.status_code == 302
    homes = dict(
        db.session.execute(
            sa.select(Trainee.email, Municipality.cbs_code).join(Municipality, Trainee.home_municipality)
        ).all()
    )
    assert homes == {f"d{n}@mail.example": code for n, (code, _name) in enumerate(REGISTER)}


def test_the_preview_shows_what_a_name_resolved_to_and_why_not(manager_client, cohort):
    rows = [
        ["Amal", "amal@mail.example", "", "Den Haag", ""],
        ["Bilal", "bilal@mail.example", "", "Hengelo", ""],
        ["Cem", "cem@mail.example", "", "gm0363", ""],
    ]
    page = html.unescape(
        upload(manager_client, cohort, csv_bytes([DUTCH_HEADER, *rows])).get_data(as_text=True)
    )
    assert "Den Haag → 's-Gravenhage" in table_row(page, 2)
    assert "Bedoelt u Hengelo (O.)? Typ die naam." in table_row(page, 3)
    assert "gm0363 → Amsterdam" in table_row(page, 4)
