"""Supervisors as people: the register per municipality, confirming with a record, one address
changed once for every placement, and each supervisor's own calendar feed."""

from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes, policy

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from icalendar import Calendar

from accounts.models import Role
from cohort.services import CohortInput, default_template, enrol_trainee, save_cohort
from core.errors import ValidationError
from extensions import db
from outbox.dispatch import dispatch_due
from outbox.models import OutboxMessage
from placements import services, supervisors
from placements.models import InternshipOffer, Placement, Supervisor
from placements.supervisor_feed import supervisor_feed_url
from tests.conftest import post_form
from tests.factories import make_municipality, make_supervisor, make_user

EVA = {"supervisor_name": "Eva de Boer", "supervisor_email": "eva@utrecht.example"}


@pytest.fixture
def host(app, manager):
    """A cohort whose internship starts 10 May 2027, a host with a contact and one offer, two trainees."""
    cohort, _ = save_cohort(
        None, CohortInput(name="Utrecht", template=default_template(), start_date=date(2027, 3, 29))
    )
    municipality = make_municipality("Utrecht")
    contact = make_user(Role.MUNICIPALITY, municipality_id=municipality.id)
    offer = InternshipOffer(
        municipality_id=municipality.id, cohort_id=cohort.id, places=2, address="Stadsplateau 1"
    )
    db.session.add(offer)
    trainees = [enrol_trainee(cohort, name=f"Stagiair {n}", email=f"s{n}@mail.example") for n in range(2)]
    db.session.commit()
    return {
        "cohort": cohort,
        "municipality": municipality,
        "contact": contact,
        "offer": offer,
        "trainees": trainees,
        "manager": manager,
    }


def confirmed(host, n=0, values=EVA) -> Placement:
    placement = services.propose(host["trainees"][n], host["offer"], host["manager"])
    services.confirm(placement, values, host["contact"])
    db.session.commit()
    return placement


def feed_path(supervisor) -> str:
    return supervisor_feed_url(supervisor).removeprefix("http://localhost")


# --- The register and confirming ------------------------------------------------------------


def test_confirming_adds_the_supervisor_once_and_a_known_address_keeps_its_name(host):
    first = confirmed(host, 0)
    second = confirmed(host, 1, {"supervisor_name": "E. de Boer", "supervisor_email": "EVA@utrecht.example"})
    [record] = supervisors.register(host["municipality"].id)
    assert first.supervisor_id == second.supervisor_id == record.id
    assert (record.name, record.email) == ("Eva de Boer", "eva@utrecht.example")  # never renamed
    assert len(db.session.scalars(sa.select(OutboxMessage).filter_by(kind="supervisor_confirmed")).all()) == 2


def test_confirming_chooses_from_the_register_but_not_from_another_municipality(host):
    sanne = make_supervisor(host["municipality"].id, "Sanne de Vries", "sanne@utrecht.example")
    stranger = make_supervisor(make_municipality("Breda").id, "Piet", "piet@breda.example")
    db.session.commit()
    placement = services.propose(host["trainees"][0], host["offer"], host["manager"])
    db.session.commit()
    with pytest.raises(ValidationError) as refused:
        services.confirm(placement, {"supervisor_id": stranger.id}, host["contact"])
    assert "supervisor_id" in refused.value.fields
    db.session.rollback()
    placement = db.session.get(Placement, placement.id)
    services.confirm(placement, {"supervisor_id": str(sanne.id)}, host["contact"])
    db.session.commit()
    assert placement.supervisor_record == sanne and placement.supervisor_address == "sanne@utrecht.example"


def test_the_confirm_page_offers_the_register_and_works_without_javascript(host, make_client):
    sanne = make_supervisor(host["municipality"].id, "Sanne de Vries", "sanne@utrecht.example")
    db.session.commit()
    placement = services.propose(host["trainees"][0], host["offer"], host["manager"])
    db.session.commit()
    contact = make_client(host["contact"])
    url = f"/portal/placements/{placement.id}"
    page = contact.get(url).get_data(as_text=True)
    assert f'<option value="{sanne.id}">Sanne de Vries (sanne@utrecht.example)</option>' in page
    form = {"action": "confirm", "confirm-supervisor_id": str(sanne.id), "confirm-weekdays": ["mon", "tue"]}
    response = post_form(contact, url, form)
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(Placement, placement.id).supervisor_id == sanne.id


def test_a_contact_keeps_the_register_of_their_own_municipality_only(host, make_client):
    contact = make_client(host["contact"])
    municipality_id = host["municipality"].id
    response = post_form(
        contact,
        f"/municipalities/{municipality_id}/supervisors",
        {"name": "Sanne de Vries", "email": "Sanne@Utrecht.example", "phone": "030 123", "is_active": "y"},
    )
    assert response.status_code == 302
    [sanne] = supervisors.register(municipality_id)
    assert sanne.email == "sanne@utrecht.example"
    twice = post_form(
        contact, f"/municipalities/{municipality_id}/supervisors", {"name": "S", "email": sanne.email}
    )
    assert twice.status_code == 200 and "staat al in de lijst" in twice.get_data(as_text=True)
    for bad in ("geen-adres", "a@b@c.example", "x" * 300 + "@x.example"):
        refused = post_form(contact, f"/supervisors/{sanne.id}", {"name": "Sanne", "email": bad})
        assert refused.status_code == 200 and 'aria-invalid="true"' in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Supervisor, sanne.id).email == "sanne@utrecht.example"  # nothing half-saved
    other = make_user(Role.MUNICIPALITY, municipality_id=make_municipality("Breda").id)
    assert make_client(other).get(f"/supervisors/{sanne.id}").status_code == 404
    assert make_client(other).get(f"/municipalities/{municipality_id}/supervisors").status_code == 404


def test_a_changed_address_is_changed_once_for_every_placement(host, make_client):
    first, second = confirmed(host, 0), confirmed(host, 1)
    record = first.supervisor_record
    response = post_form(
        make_client(host["contact"]),
        f"/supervisors/{record.id}",
        {"name": "Eva de Boer", "email": "eva.deboer@utrecht.example", "is_active": "y"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    for placement_id in (first.id, second.id):
        assert db.session.get(Placement, placement_id).supervisor_address == "eva.deboer@utrecht.example"
    waiting = db.session.scalars(
        sa.select(OutboxMessage).filter_by(kind=services.SUPERVISOR_CONFIRMED_KIND, status="pending")
    ).all()
    assert len(waiting) == 2 and {m.recipient for m in waiting} == {"eva.deboer@utrecht.example"}


# --- The API -------------------------------------------------------------------------------


def test_the_api_lists_adds_and_confirms_with_a_supervisor_id(host, api_client):
    contact_api = api_client(host["contact"])
    base = f"/api/v1/municipalities/{host['municipality'].id}/supervisors"
    added = contact_api.post(base, json={"name": "Sanne de Vries", "email": "sanne@utrecht.example"})
    assert added.status_code == 201
    sanne = added.get_json()
    assert [s["id"] for s in contact_api.get(base).get_json()] == [sanne["id"]]
    assert contact_api.post(base, json={"name": "S"}).get_json()["error"]["fields"].keys() == {"email"}
    placement = services.propose(host["trainees"][0], host["offer"], host["manager"])
    db.session.commit()
    answer = contact_api.post(
        f"/api/v1/placements/{placement.id}/confirm", json={"supervisor_id": sanne["id"]}
    )
    assert answer.status_code == 200 and answer.get_json()["supervisor_id"] == sanne["id"]
    other = services.propose(host["trainees"][1], host["offer"], host["manager"])
    db.session.commit()
    by_address = contact_api.post(
        f"/api/v1/placements/{other.id}/confirm",
        json={"supervisor_name": "Iemand Anders", "supervisor_email": "SANNE@utrecht.example"},
    )
    assert by_address.get_json()["supervisor_id"] == sanne["id"]
    assert by_address.get_json()["supervisor_name"] == "Sanne de Vries"


# --- The supervisor's feed ------------------------------------------------------------------


def test_the_confirmation_mail_brings_the_feed_and_the_feed_shows_the_interns_days(host, client, smtp_config):
    placement = confirmed(host, 0)
    assert dispatch_due(datetime.now(UTC) + timedelta(minutes=1))["sent"] >= 1
    [envelope] = [m for m in smtp_config.messages if m.rcpt_tos == ["eva@utrecht.example"]]
    mail = message_from_bytes(envelope.content, policy=policy.default)
    text = mail.get_body(preferencelist=("plain",)).get_content()
    url = supervisor_feed_url(placement.supervisor_record)
    assert url in text and "Stagiair 0" in text and "Stagiair 0" not in mail["Subject"]
    response = client.get(url.removeprefix("http://localhost"))
    assert response.status_code == 200
    events = Calendar.from_ical(response.data).walk("VEVENT")
    internship = [e for e in events if str(e["UID"]).startswith("internship-")]
    away = [e for e in events if str(e["UID"]).startswith("return-day-")]
    assert internship and away and all("Stagiair 0" in str(e["SUMMARY"]) for e in events)
    assert date(2027, 5, 14) in {e.decoded("DTSTART").date() for e in away}  # the first Friday return day
    assert b"URL:" not in response.data and b"BEGIN:VALARM" not in response.data
    assert (
        client.get(
            feed_path(placement.supervisor_record), headers={"If-None-Match": response.headers["ETag"]}
        ).status_code
        == 304
    )


def test_the_feed_loses_an_ended_internship_and_dies_with_the_last_one(host, client):
    first, second = confirmed(host, 0), confirmed(host, 1)
    record = first.supervisor_record
    services.activate_started(date(2027, 5, 10))
    services.end(first, completed=False, reason="Verhuisd", actor=host["manager"])
    db.session.commit()
    body = client.get(feed_path(record)).data
    assert b"Stagiair 0" not in body and b"Stagiair 1" in body
    services.end(second, completed=True, reason="", actor=host["manager"])
    db.session.commit()
    assert client.get(feed_path(record)).status_code == 404


def test_the_feed_dies_on_deactivation_and_on_a_new_link(host, client, make_client):
    record = confirmed(host, 0).supervisor_record
    old = feed_path(record)
    assert client.get(old).status_code == 200
    post_form(
        make_client(host["contact"]),
        f"/supervisors/{record.id}/feed/reset",
        {},
        page=f"/supervisors/{record.id}",
    )
    db.session.refresh(record)
    assert client.get(old).status_code == 404 and client.get(feed_path(record)).status_code == 200
    supervisors.update(record, {"name": record.name, "email": record.email, "is_active": False})
    db.session.commit()
    assert client.get(feed_path(record)).status_code == 404
    assert client.get(feed_path(record).replace(".ics", "x.ics")).status_code == 404


# --- The migration ---------------------------------------------------------------------------


@pytest.mark.committed_db
def test_the_migration_makes_one_record_per_address_and_lists_two_names(app, capfd):
    """Offers and placements with text supervisors, as the schema before the register held them."""
    db.drop_all()
    upgrade()
    cohort, _ = save_cohort(
        None, CohortInput(name="Oud", template=default_template(), start_date=date(2026, 9, 7))
    )
    utrecht, breda = make_municipality("Utrecht"), make_municipality("Breda")
    offers = [
        InternshipOffer(municipality_id=m.id, cohort_id=cohort.id, places=5)
        for m in (utrecht, utrecht, breda)
    ]
    db.session.add_all(offers)
    trainees = [enrol_trainee(cohort, name=f"T{n}", email=f"t{n}@mail.example") for n in range(4)]
    db.session.flush()
    placements = [
        Placement(trainee_id=t.id, offer_id=o.id, cohort_id=cohort.id, status="completed")
        for t, o in zip(trainees, (offers[0], offers[0], offers[0], offers[2]), strict=True)
    ]
    db.session.add_all(placements)
    db.session.commit()
    ids = [p.id for p in placements]
    offer_ids = [o.id for o in offers]
    db.session.remove()

    downgrade(revision="7c41d2e8b5a0")
    texts = {  # placement: (name, address, answered)
        ids[0]: ("Eva de Boer", "eva@utrecht.example", "2027-01-10 09:00:00"),
        ids[1]: ("Eva Boer-de Vries", "EVA@utrecht.example", "2027-02-01 09:00:00"),
        ids[2]: ("Piet Zonder Adres", "", "2027-02-02 09:00:00"),
        ids[3]: ("Eva de Boer", "eva@utrecht.example", "2027-01-10 09:00:00"),  # the same address in Breda
    }
    with db.engine.begin() as connection:
        for placement_id, (name, email, answered) in texts.items():
            connection.execute(
                sa.text(
                    "UPDATE placements SET supervisor_name = :n, supervisor_email = :e, answered_at = :a "
                    "WHERE id = :i"
                ),
                {"n": name, "e": email, "a": answered, "i": placement_id},
            )
        connection.execute(
            sa.text(
                "UPDATE internship_offers SET supervisor_name = 'Sanne', "
                "supervisor_email = 'sanne@utrecht.example', created_at = '2026-01-01 00:00:00' WHERE id = :i"
            ),
            {"i": offer_ids[1]},
        )
        connection.execute(  # a name without an address, as offers "if known" often had
            sa.text("UPDATE internship_offers SET supervisor_name = 'eva de boer' WHERE id = :i"),
            {"i": offer_ids[2]},
        )
    capfd.readouterr()
    upgrade()  # Alembic's own logging set-up writes the migration's log to stderr
    log = capfd.readouterr().err

    with db.engine.connect() as connection:
        records = connection.execute(
            sa.text("SELECT id, municipality_id, name, email FROM supervisors ORDER BY id")
        ).all()
        linked = dict(connection.execute(sa.text("SELECT id, supervisor_id FROM placements")).all())
        offer_links = dict(
            connection.execute(sa.text("SELECT id, supervisor_id FROM internship_offers")).all()
        )
    by_key = {(r.municipality_id, r.email): r for r in records}
    assert len(records) == 3  # Eva in Utrecht, Sanne in Utrecht, Eva in Breda; no record without an address
    eva = by_key[(utrecht.id, "eva@utrecht.example")]
    assert eva.name == "Eva Boer-de Vries"  # the newest name of the address
    assert linked[ids[0]] == linked[ids[1]] == eva.id and linked[ids[2]] is None
    assert linked[ids[3]] == by_key[(breda.id, "eva@utrecht.example")].id
    assert offer_links[offer_ids[1]] == by_key[(utrecht.id, "sanne@utrecht.example")].id
    assert offer_links[offer_ids[2]] == by_key[(breda.id, "eva@utrecht.example")].id  # by its name
    assert "Piet Zonder Adres has no address and no one record of that name" in log
    assert "had the names Eva Boer-de Vries, Eva de Boer; kept the newest: Eva Boer-de Vries" in log
    db.drop_all()
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
