"""The audit log: what is written when a trainee's file is opened or changed (never the values),
and the managers' page that lists it."""

from datetime import date

import pytest
import sqlalchemy as sa

from accounts.models import Role
from cohort.models import Trainee
from cohort.services import CohortInput, default_template, enrol_trainee, save_cohort
from core.audit import SUBJECT_LABELS, AuditAction, AuditEvent, AuditSubject, record
from core.clock import utcnow
from extensions import db
from tests.conftest import post_form
from tests.factories import make_municipality, make_user

NAME, EMAIL, PHONE = "Samira Haddad", "samira.haddad@mail.example", "06 9876 5432"


@pytest.fixture
def manager_en(app):
    return make_user(Role.MANAGER, email="lead@cohort.example", language="en")


@pytest.fixture
def en_client(make_client, manager_en):
    return make_client(manager_en)


@pytest.fixture
def cohort(app):
    cohort, _changes = save_cohort(
        None, CohortInput(name="Najaar", template=default_template(), start_date=date(2026, 9, 7))
    )
    db.session.commit()
    return cohort


@pytest.fixture
def samira(cohort, manager_en):
    trainee = enrol_trainee(cohort, name=NAME, email=EMAIL, phone=PHONE, actor=manager_en)
    db.session.commit()
    return trainee.id


def _events(trainee_id: int) -> list[tuple[str, str, int | None]]:
    query = (
        sa.select(AuditEvent.action, AuditEvent.subject, AuditEvent.actor_id)
        .where(AuditEvent.trainee_id == trainee_id)
        .order_by(AuditEvent.id)
    )
    return [tuple(row) for row in db.session.execute(query)]


def test_enrolling_opening_and_changing_a_file_are_logged(en_client, manager_en, samira):
    en_client.get(f"/trainees/{samira}")
    page = "/account"  # a page with a form, for the CSRF token: opening the file again would log a view
    post_form(
        en_client,
        f"/trainees/{samira}/notes",
        {"note-noted_on": "2026-01-05", "note-text": "Gesprek"},
        page=page,
    )
    post_form(
        en_client,
        f"/trainees/{samira}/outcome",
        {"outcome-outcome": "other", "outcome-outcome_note": f"Werkt nu bij {NAME} BV"},
        page=page,
    )
    post_form(en_client, f"/trainees/{samira}/complete", {"complete-completed_on": "2027-08-27"}, page=page)
    me = manager_en.id
    assert _events(samira) == [
        ("change", "contact details", me),
        ("change", "status", me),
        ("view", "file", me),
        ("change", "note", me),
        ("change", "outcome", me),
        ("change", "status", me),
    ]


def test_a_withdrawal_through_the_file_is_logged(en_client, manager_en, samira):
    post_form(
        en_client,
        f"/trainees/{samira}/withdraw",
        {"withdraw-withdrawn_on": "2026-10-01", "withdraw-reason": "Verhuisd"},
        page=f"/trainees/{samira}",
    )
    assert _events(samira)[-1] == ("change", "status", manager_en.id)


def test_the_log_holds_no_personal_values(en_client, samira):
    en_client.get(f"/trainees/{samira}")
    post_form(
        en_client,
        f"/trainees/{samira}/notes",
        {"note-noted_on": "2026-01-05", "note-text": f"Belde {PHONE} en mailde {EMAIL}"},
        page=f"/trainees/{samira}",
    )
    rows = db.session.execute(sa.select(AuditEvent.__table__)).all()
    assert len(rows) >= 4
    text = " ".join(str(value) for row in rows for value in row).lower()
    for value in (NAME, "Samira", "Haddad", EMAIL, PHONE, "Belde"):
        assert value.lower() not in text


def test_a_refused_change_writes_nothing(en_client, samira):
    before = _events(samira)
    post_form(
        en_client, f"/trainees/{samira}/outcome", {"outcome-outcome": "employed_consultant"}, page="/audit"
    )
    assert _events(samira) == before


# --- The page ---------------------------------------------------------------------------------


def _add_events(trainee_id: int, actor, n: int) -> None:
    db.session.add_all(
        [
            AuditEvent(actor_id=actor.id, trainee_id=trainee_id, action="view", subject="file", at=utcnow())
            for _ in range(n)
        ]
    )
    db.session.commit()


def _rows(html: str) -> int:
    return html.split("<tbody>")[1].split("</tbody>")[0].count("<tr>") if "<tbody>" in html else 0


def test_the_page_lists_events_with_the_name_joined_in_and_erased_trainees_as_erased(
    en_client, cohort, manager_en, samira
):
    other = enrol_trainee(cohort, name="Youssef Amrani", email="youssef@mail.example", actor=manager_en)
    other.erased_at = utcnow()
    db.session.commit()
    html = en_client.get("/audit").get_data(as_text=True)
    assert NAME in html and "contact details" in html and "changed" in html
    assert "Youssef Amrani" not in html and f"erased (#{other.id})" in html
    assert "Lead" in html or "Manager User" in html  # the actor's name


def test_the_page_filters_on_one_trainee(en_client, cohort, manager_en, samira):
    other = enrol_trainee(cohort, name="Youssef Amrani", email="youssef@mail.example", actor=manager_en)
    db.session.commit()
    html = en_client.get(f"/audit?trainee={samira}").get_data(as_text=True)
    assert f"Only {NAME}." in html and "Youssef Amrani" not in html
    assert _rows(html) == 2  # her enrolment: contact details and status
    assert en_client.get(f"/audit?trainee={other.id}").status_code == 200
    assert en_client.get("/audit?trainee=abc").status_code == 400
    assert en_client.get("/audit?page=0").status_code == 400
    assert en_client.get("/audit?trainee=%C2%B2").status_code == 400  # "²" is a digit, not a number
    assert en_client.get("/audit?trainee=99999999999999999999").status_code == 400


def test_the_page_shows_50_a_page_newest_first(en_client, manager_en, samira):
    _add_events(samira, manager_en, 118)  # 120 with the enrolment's two
    first = en_client.get("/audit").get_data(as_text=True)
    third = en_client.get("/audit?page=3").get_data(as_text=True)
    assert _rows(first) == 50 and _rows(third) == 20
    assert "Older" in first and "Newer" not in first
    assert "Older" not in third and "Newer" in third
    assert "contact details" in third and "contact details" not in first  # the oldest come last


def test_the_page_costs_the_same_queries_for_3_and_for_50_events(
    en_client, manager_en, samira, count_queries
):
    en_client.get("/audit")  # warm up
    with count_queries() as few:
        en_client.get(f"/audit?trainee={samira}")
    _add_events(samira, manager_en, 48)
    with count_queries() as many:
        html = en_client.get(f"/audit?trainee={samira}").get_data(as_text=True)
    assert _rows(html) == 50
    assert len(many) == len(few), "\n".join(many)


@pytest.mark.parametrize("client_name", ["trainee_client", "municipality_client", "trainer_client"])
def test_only_managers_read_the_log(request, samira, client_name):
    assert request.getfixturevalue(client_name).get("/audit").status_code == 403


def test_managers_find_the_log_in_their_menu(en_client, samira):
    html = en_client.get("/dashboard").get_data(as_text=True)
    assert 'href="/audit"' in html


def test_an_outcome_municipality_is_an_id_not_a_name(en_client, samira):
    town = make_municipality("Deventer")
    db.session.commit()
    post_form(
        en_client,
        f"/trainees/{samira}/outcome",
        {
            "outcome-outcome": "employed_consultant",
            "outcome-outcome_municipality_id": str(town.id),
            "outcome-outcome_date": "2027-09-01",
        },
        page=f"/trainees/{samira}",
    )
    assert db.session.scalar(sa.select(Trainee.outcome).filter_by(id=samira)) == "employed_consultant"
    text = " ".join(str(v) for row in db.session.execute(sa.select(AuditEvent.__table__)) for v in row)
    assert "Deventer" not in text and "2027-09-01" not in text


# --- The API and the subjects ------------------------------------------------------------------


def test_reading_a_trainee_through_the_api_is_logged(api_client, manager_en, samira):
    api = api_client(manager_en)
    before = _events(samira)
    response = api.get(f"/api/v1/trainees/{samira}")
    assert response.status_code == 200 and response.get_json()["email"] == EMAIL
    assert _events(samira) == [*before, ("view", "api record", manager_en.id)]
    # Outside the caller's scope: nothing is read, nothing is logged.
    assert api.get(f"/api/v1/trainees/{samira + 999}").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).filter_by(trainee_id=samira + 999)) == 0


def test_a_cohorts_trainee_list_in_the_api_logs_each_trainee_in_a_constant_number_of_queries(
    api_client, count_queries, cohort, manager_en, samira
):
    api = api_client(manager_en)
    url = f"/api/v1/cohorts/{cohort.id}/trainees"
    api.get(url)  # warm up: the first request loads more
    with count_queries() as few:
        assert len(api.get(url).get_json()) == 1
    for n in range(3):
        enrol_trainee(cohort, name=f"Extra {n}", email=f"extra{n}@mail.example", actor=manager_en)
    db.session.commit()
    with count_queries() as more:
        listed = api.get(url).get_json()
    assert len(listed) == 4 and len(more) == len(few)
    views = db.session.execute(
        sa.select(AuditEvent.trainee_id, sa.func.count(AuditEvent.id))
        .filter_by(action="view", subject="api record", actor_id=manager_en.id)
        .group_by(AuditEvent.trainee_id)
    ).all()
    assert dict(views) == {samira: 3, **{row["id"]: 1 for row in listed if row["id"] != samira}}


def test_every_subject_has_a_label_on_the_audit_page(en_client, samira, manager_en):
    assert set(SUBJECT_LABELS) == set(AuditSubject)
    for subject in (AuditSubject.ATTENDANCE_EXPORT, AuditSubject.TRAINEE_EXPORT, AuditSubject.ENROLMENT):
        record(manager_en, samira, AuditAction.EXPORT, subject)
    db.session.commit()
    html = en_client.get(f"/audit?trainee={samira}").get_data(as_text=True)
    assert "attendance export" in html and "trainee export" in html and "enrolment in a group" in html
