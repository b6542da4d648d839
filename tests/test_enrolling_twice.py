"""Enrolling someone who is already a trainee (same e-mail or phone): the form and the file import
offer to move them instead of making a second trainee and account."""

import pytest
import sqlalchemy as sa

from accounts.models import User
from cohort.models import Trainee, TraineeStatusChange
from cohort.services import enrol_trainee
from core.text_rules import phone_key
from extensions import db
from tests.conftest import post_form
from tests.factories import make_cohort
from tests.test_trainee_import import DUTCH_HEADER, csv_bytes, table_row, upload


@pytest.fixture
def amina(app):
    """Amina, enrolled in an earlier group, and the new group she might be enrolled in again."""
    old, new = make_cohort("Utrecht najaar"), make_cohort("Amersfoort voorjaar")
    trainee = enrol_trainee(old, name="Amina Yusuf", email="amina@mail.example", phone="06-12345678")
    db.session.commit()
    return trainee, new


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.mark.parametrize(
    "phone, key",
    [
        ("06-12345678", "612345678"),
        ("+31 6 1234 5678", "612345678"),
        ("0031612345678", "612345678"),
        ("112", None),
    ],
)
def test_phone_numbers_compare_by_their_last_nine_digits(phone, key):
    assert phone_key(phone) == key


def test_the_same_email_offers_a_move_and_the_move_leaves_a_history_row(manager_client, amina):
    trainee, new = amina
    form = {"name": "Amina Y.", "email": "AMINA@mail.example", "phone": ""}
    page = post_form(manager_client, f"/cohorts/{new.id}/trainees/new", form).get_data(as_text=True)
    assert "Deze persoon is al deelnemer" in page and "Utrecht najaar" in page
    assert f'action="/trainees/{trainee.id}/move"' in page
    assert "Toch inschrijven als nieuwe deelnemer" not in page  # one address, one account
    assert count(Trainee) == 1 and count(User) == 2  # the manager and Amina
    moved = post_form(
        manager_client,
        f"/trainees/{trainee.id}/move",
        {"move-cohort_id": str(new.id), "move-reason": "Verhuisd naar Amersfoort"},
        page=f"/cohorts/{new.id}/trainees/new",
    )
    assert moved.status_code == 302
    db.session.refresh(trainee)
    assert trainee.cohort_id == new.id
    step = db.session.scalar(sa.select(TraineeStatusChange).filter_by(status="moved"))
    assert (step.reason, step.to_cohort_id) == ("Verhuisd naar Amersfoort", new.id)


def test_the_same_phone_in_another_format_asks_and_a_new_person_can_be_enrolled_after_all(
    manager_client, amina
):
    _trainee, new = amina
    form = {"name": "Rasha Haddad", "email": "rasha@mail.example", "phone": "+31 6 1234 5678"}
    page = post_form(manager_client, f"/cohorts/{new.id}/trainees/new", form).get_data(as_text=True)
    assert "met hetzelfde telefoonnummer" in page and "Toch inschrijven als nieuwe deelnemer" in page
    assert count(Trainee) == 1
    response = post_form(manager_client, f"/cohorts/{new.id}/trainees/new", {**form, "new_person": "yes"})
    assert response.status_code == 302
    assert count(Trainee) == 2


def test_a_file_row_of_someone_in_another_group_is_not_enrolled_and_names_the_group(manager_client, amina):
    trainee, new = amina
    content = csv_bytes(
        [
            DUTCH_HEADER,
            ["Amina Yusuf", "amina.y@mail.example", "0612 345 678", "", ""],
            ["Nieuw", "n@mail.example", "", "", ""],
        ]
    )
    page = upload(manager_client, new, content).get_data(as_text=True)
    row = table_row(page, 2)  # the header is row 1
    assert "Utrecht najaar" in row and f'href="/trainees/{trainee.id}#status"' in row
    assert "Wordt niet ingeschreven" in row
    assert "Wordt niet ingeschreven" not in table_row(page, 3)
