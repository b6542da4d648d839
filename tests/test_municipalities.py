"""Municipalities and their offers (managers), the public "Stageplek aanbieden" page, and
accepting or refusing what municipalities offer there."""

from datetime import timedelta
from email import message_from_bytes, policy

import pytest
import sqlalchemy as sa

from accounts.models import Role, User
from core.clock import local_today, utcnow
from core.errors import ConflictError, ValidationError
from core.ratelimit import RateLimitHit
from extensions import db
from outbox.models import OutboxMessage
from placements.models import InternshipOffer, Municipality, OfferSubmission
from placements.municipalities import services
from tests.conftest import post_form
from tests.factories import make_cohort, make_municipality, make_user

PUBLIC = "/stageplek-aanbieden"


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def has_error(response, field_id: str) -> bool:
    return f'id="{field_id}-error"' in response.get_data(as_text=True)


def mail_text(envelope) -> str:
    return message_from_bytes(envelope.content, policy=policy.default).get_body(("plain",)).get_content()


def make_offer(municipality, places=5, taken=0, cohort=None) -> InternshipOffer:
    offer = InternshipOffer(
        municipality=municipality, cohort=cohort or make_cohort(), places=places, places_taken=taken
    )
    db.session.add(offer)
    db.session.commit()
    return offer


def coming_cohort(name="Groep voorjaar"):
    cohort = make_cohort(name, start_date=local_today() + timedelta(weeks=6))
    db.session.commit()
    return cohort


# --- Municipalities ------------------------------------------------------------------

# A municipality the register does not have yet (say, one made by a merger after the last file).
MUNICIPALITY = {"name": "Nieuwland", "cbs_code": "gm9001", "province": "Utrecht", "address": "Dorpsplein 1"}
REGISTER = 342  # municipalities in data/municipalities/municipalities.csv, in every test database


def test_a_manager_adds_a_municipality_with_its_cbs_code_in_capitals(manager_client):
    response = post_form(manager_client, "/municipalities/new", MUNICIPALITY)
    municipality = db.session.scalar(sa.select(Municipality).filter_by(name="Nieuwland"))
    assert response.headers["Location"] == f"/municipalities/{municipality.id}"
    assert (municipality.cbs_code, municipality.province) == ("GM9001", "Utrecht")
    assert count(Municipality) == REGISTER + 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("cbs_code", "GM344"),
        ("cbs_code", "XX0344"),
        ("cbs_code", "GM03440"),
        ("province", "Bayern"),
        ("name", ""),
    ],
)
def test_bad_municipality_input_is_refused_next_to_the_field(manager_client, field, value):
    response = post_form(manager_client, "/municipalities/new", {**MUNICIPALITY, field: value})
    assert response.status_code == 200
    assert has_error(response, field)
    assert count(Municipality) == REGISTER


def test_a_cbs_code_in_use_is_refused_whatever_its_case(manager_client):
    response = post_form(manager_client, "/municipalities/new", {**MUNICIPALITY, "cbs_code": "gm0344"})
    assert has_error(response, "cbs_code") and "Al gebruikt door Utrecht." in response.get_data(as_text=True)
    assert count(Municipality) == REGISTER


def test_editing_keeps_the_own_code_but_refuses_another_municipalitys(manager_client):
    own, other = make_municipality(), make_municipality()
    db.session.commit()
    url = f"/municipalities/{own.id}/edit"
    values = {"name": "Nieuwe naam", "cbs_code": own.cbs_code, "province": "Zeeland", "address": ""}
    assert post_form(manager_client, url, values).status_code == 302
    assert has_error(post_form(manager_client, url, {**values, "cbs_code": other.cbs_code}), "cbs_code")
    db.session.refresh(own)
    assert (own.name, own.province, own.cbs_code) != ("Nieuwe naam", "Zeeland", other.cbs_code)
    assert (own.name, own.province) == ("Nieuwe naam", "Zeeland")


def test_create_municipality_for_the_api_raises_a_conflict_naming_the_cbs_code(app):
    utrecht = make_municipality("Utrecht")  # the register's
    with pytest.raises(ConflictError) as refused:
        services.create_municipality({"name": "Ander", "cbs_code": "gm0344", "province": "Utrecht"})
    assert set(refused.value.fields) == {"cbs_code"} and refused.value.details == {"existing_id": utrecht.id}
    with pytest.raises(ValidationError) as invalid:
        services.create_municipality({"name": 12, "cbs_code": "GM1", "province": None})
    assert set(invalid.value.fields) == {"name", "cbs_code", "province"}


def test_the_municipality_page_shows_contacts_and_offers_with_free_places(manager_client):
    municipality = make_municipality("Zaanstad")
    contact = make_user(Role.MUNICIPALITY, municipality_id=municipality.id)
    make_offer(municipality, places=4, taken=1, cohort=make_cohort("Groep Zaandam"))
    page = manager_client.get(f"/municipalities/{municipality.id}").get_data(as_text=True)
    assert contact.email in page and "Groep Zaandam" in page
    assert "<td>4</td>" in page and "<td>1</td>" in page and "<td>3</td>" in page
    assert 'href="/users/new"' in page


def test_the_list_costs_the_same_queries_for_2_and_12_municipalities(manager_client, count_queries):
    def queries_for_list():
        with count_queries() as queries:
            assert manager_client.get("/municipalities").status_code == 200
        return len(queries)

    def add_municipalities(n):
        for _ in range(n):
            municipality = make_municipality()
            make_offer(municipality, places=3, taken=1)
            make_user(Role.MUNICIPALITY, municipality_id=municipality.id)

    add_municipalities(2)
    few = queries_for_list()
    add_municipalities(10)
    page = manager_client.get("/municipalities").get_data(as_text=True)
    assert page.count("/municipalities/") - page.count("/municipalities/new") >= 12
    assert queries_for_list() == few


# --- Offers --------------------------------------------------------------------------


def test_a_manager_adds_an_offer_for_a_cohort(manager_client):
    municipality, cohort = make_municipality(), make_cohort()
    db.session.commit()
    values = {
        "places": "3",
        "cohort_id": cohort.id,
        "department": "Inburgering",
        "supervisor_email": "A@x.nl",
    }
    response = post_form(manager_client, f"/municipalities/{municipality.id}/offers/new", values)
    assert response.headers["Location"] == f"/municipalities/{municipality.id}"
    offer = db.session.scalar(sa.select(InternshipOffer))
    assert (offer.places, offer.cohort_id, offer.department) == (3, cohort.id, "Inburgering")
    assert offer.supervisor_email == "a@x.nl"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"places": "3"}, "cohort_id"),
        ({"places": "3", "period_start": "2027-03-01"}, "period_end"),
        ({"places": "3", "period_start": "2027-03-01", "period_end": "2027-02-01"}, "period_end"),
        ({"places": "0", "period_start": "2027-03-01", "period_end": "2027-05-01"}, "places"),
        ({"places": "51", "period_start": "2027-03-01", "period_end": "2027-05-01"}, "places"),
    ],
)
def test_an_offer_needs_places_and_a_cohort_or_a_whole_period(manager_client, values, field):
    municipality = make_municipality()
    db.session.commit()
    response = post_form(manager_client, f"/municipalities/{municipality.id}/offers/new", values)
    assert has_error(response, field)
    assert count(InternshipOffer) == 0


def test_an_offer_cannot_get_fewer_places_than_are_taken(manager_client):
    offer = make_offer(make_municipality(), places=5, taken=3)
    url = f"/offers/{offer.id}/edit"
    response = post_form(manager_client, url, {"places": "2", "cohort_id": offer.cohort_id})
    assert response.status_code == 200 and has_error(response, "places")
    db.session.refresh(offer)
    assert offer.places == 5
    assert post_form(manager_client, url, {"places": "3", "cohort_id": offer.cohort_id}).status_code == 302
    db.session.refresh(offer)
    assert offer.places == 3


def test_create_offer_for_the_api_reads_a_plain_dict(app):
    municipality, cohort = make_municipality(), make_cohort()
    offer = services.create_offer(
        municipality, {"places": 2, "period_start": "2027-03-01", "period_end": "2027-04-26"}
    )
    assert (offer.places, str(offer.period_end), offer.cohort_id) == (2, "2027-04-26", None)
    with pytest.raises(ValidationError) as refused:
        services.create_offer(
            municipality, {"places": True, "cohort_id": cohort.id + 1000, "supervisor_email": "nope"}
        )
    assert set(refused.value.fields) == {"places", "cohort_id", "supervisor_email"}


# --- The public page -----------------------------------------------------------------


def offer_values(cohort, **changes) -> dict:
    return {
        "organisation": "Gemeente Houten",
        "contact_name": "Eva de Boer",
        "contact_email": "Eva@Houten.example",
        "places": "2",
        "cohort_id": cohort.id,
        "department": "Werk en inkomen",
        "address": "Onderdoor 25, Houten",
        "supervisor": "Piet Jansen, piet@houten.example",
        "website": "",
        **changes,
    }


def test_an_anonymous_visitor_offers_places_and_gets_a_confirmation(client, smtp_config):
    cohort, old = coming_cohort(), make_cohort("Groep van vorig jaar", local_today() - timedelta(weeks=9))
    db.session.commit()
    form_page = client.get(PUBLIC).get_data(as_text=True)
    assert cohort.name in form_page and old.name not in form_page
    response = post_form(client, PUBLIC, offer_values(cohort))
    assert response.headers["Location"] == f"{PUBLIC}/bedankt"
    submission = db.session.scalar(sa.select(OfferSubmission))
    assert (submission.status, submission.places, submission.cohort_id) == ("pending", 2, cohort.id)
    assert (submission.contact_email, submission.sender_address) == ("eva@houten.example", "127.0.0.1")
    [envelope] = smtp_config.messages
    assert envelope.rcpt_tos == ["eva@houten.example"]
    assert "We hebben uw aanbod ontvangen." in mail_text(envelope)
    assert client.get(response.headers["Location"]).status_code == 200


def test_the_confirmation_sends_nothing_typed_on_the_form_back(client, smtp_config):
    """The address was typed by a visitor: a fixed text, so the form cannot mail anyone a message."""
    typed = {
        "organisation": "Koop nu http://spam.example",
        "contact_name": "Goedkope pillen",
        "department": "Klik hier",
        "address": "www.spam.example",
        "supervisor": "Win een prijs",
        "period": "Gratis geld",
    }
    post_form(client, PUBLIC, offer_values(coming_cohort(), cohort_id="", **typed))
    [envelope] = smtp_config.messages
    text = mail_text(envelope) + envelope.content.decode(errors="replace")
    assert [value for value in typed.values() if value in text] == []


def test_another_period_needs_a_description(client):
    cohort = coming_cohort()
    response = post_form(client, PUBLIC, offer_values(cohort, cohort_id="", period=""))
    assert has_error(response, "period") and count(OfferSubmission) == 0
    response = post_form(client, PUBLIC, offer_values(cohort, cohort_id="", period="Maart tot mei 2027"))
    assert response.status_code == 302
    assert db.session.scalar(sa.select(OfferSubmission.period)) == "Maart tot mei 2027"


def test_a_filled_honeypot_gets_the_same_answer_but_nothing_is_saved_or_sent(client, smtp_config):
    cohort = coming_cohort()
    honest = post_form(client, PUBLIC, offer_values(cohort))
    robot = post_form(client, PUBLIC, offer_values(cohort, website="http://spam.example"))
    assert (robot.status_code, robot.headers["Location"]) == (honest.status_code, honest.headers["Location"])
    assert count(OfferSubmission) == 1 and count(OutboxMessage) == 1
    assert len(smtp_config.messages) == 1
    assert 'name="website"' in client.get(PUBLIC).get_data(as_text=True)


def test_the_sixth_offer_from_one_address_within_an_hour_is_refused(client):
    cohort = coming_cohort()
    for n in range(5):
        assert (
            post_form(client, PUBLIC, offer_values(cohort, contact_name=f"Afzender {n}")).status_code == 302
        )
    response = post_form(client, PUBLIC, offer_values(cohort))
    assert response.status_code == 429
    assert 'class="flash flash-error"' in response.get_data(as_text=True)
    assert count(OfferSubmission) == 5 and count(OutboxMessage) == 5


def test_offers_older_than_an_hour_do_not_count_towards_the_limit(client):
    cohort = coming_cohort()
    for _ in range(5):
        post_form(client, PUBLIC, offer_values(cohort))
    db.session.execute(sa.update(RateLimitHit).values(at=utcnow() - timedelta(minutes=61)))  # their count
    db.session.commit()
    assert post_form(client, PUBLIC, offer_values(cohort)).status_code == 302
    assert count(OfferSubmission) == 6


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("places", "0"),
        ("places", "51"),
        ("organisation", "x" * 121),
        ("contact_name", ""),
        ("contact_email", "geen-adres"),
        ("address", "x" * 201),
        ("supervisor", "x" * 201),
        ("period", "x" * 121),
    ],
)
def test_oversize_or_missing_fields_on_the_public_page_are_refused(client, field, value):
    response = post_form(client, PUBLIC, offer_values(coming_cohort(), **{field: value}))
    assert response.status_code == 200 and has_error(response, field)
    assert count(OfferSubmission) == 0 and count(OutboxMessage) == 0


def test_a_cohort_not_on_the_list_is_refused(app):
    old = make_cohort("Oud", local_today() - timedelta(weeks=9))
    with pytest.raises(ValidationError) as refused:
        services.submit_offer(offer_values(old), "10.0.0.1")
    assert set(refused.value.fields) == {"cohort_id"}


# --- Accepting and refusing ----------------------------------------------------------


def submitted(client, cohort, **changes) -> OfferSubmission:
    assert post_form(client, PUBLIC, offer_values(cohort, **changes)).status_code == 302
    return db.session.scalars(sa.select(OfferSubmission).order_by(OfferSubmission.id.desc())).first()


def approve(manager_client, submission, invite: bool = True, **fields):
    """Post the approval form; inviting the sender is ticked as the page ticks it for a fitting address."""
    fields = {**fields, **({"invite_sender": "y"} if invite else {})}
    data = {f"approve-{submission.id}-{name}": value for name, value in fields.items()}
    url = f"/offers/submissions/{submission.id}/approve"
    return post_form(manager_client, url, data, page="/offers/submissions")


def test_accepting_makes_a_host_with_the_offer_and_the_contact(client, manager_client, smtp_config):
    cohort = coming_cohort()
    submission = submitted(client, cohort)
    assert "Gemeente Houten" in manager_client.get("/offers/submissions").get_data(as_text=True)
    municipality = make_municipality("Houten")  # the register's record, not a host yet
    db.session.commit()
    response = approve(manager_client, submission, municipality_id=municipality.id, cohort_id=cohort.id)
    assert response.headers["Location"] == f"/municipalities/{municipality.id}"
    assert count(Municipality) == REGISTER
    offer = db.session.scalar(sa.select(InternshipOffer))
    assert (offer.municipality_id, offer.cohort_id, offer.places) == (municipality.id, cohort.id, 2)
    assert (offer.supervisor_name, offer.supervisor_email) == ("Piet Jansen", "piet@houten.example")
    contact = db.session.scalar(sa.select(User).filter_by(email="eva@houten.example"))
    assert (contact.role, contact.municipality_id) == ("municipality", municipality.id)
    assert contact.name == "Eva de Boer"
    db.session.refresh(submission)
    assert (submission.status, submission.offer_id) == ("approved", offer.id)
    assert submission.decided_at is not None
    kinds = set(db.session.scalars(sa.select(OutboxMessage.kind)))
    assert kinds == {"offer_received", "invitation", "offer_approved"}
    assert [m.rcpt_tos for m in smtp_config.messages] == [["eva@houten.example"]] * 3
    assert "Gemeente Houten" not in manager_client.get("/offers/submissions").get_data(as_text=True)


def test_accepting_for_an_existing_municipality_keeps_an_existing_account(client, manager_client):
    municipality = make_municipality("Houten")
    existing = make_user(Role.MUNICIPALITY, email="eva@houten.example", municipality_id=municipality.id)
    submission = submitted(client, coming_cohort(), cohort_id="", period="Voorjaar 2027")
    response = approve(
        manager_client,
        submission,
        municipality_id=municipality.id,
        period_start="2027-03-01",
        period_end="2027-04-26",
        cohort_id="",
    )
    assert response.status_code == 302
    assert count(Municipality) == REGISTER and count(User) == 2  # the manager and the existing contact
    offer = db.session.scalar(sa.select(InternshipOffer))
    assert (offer.municipality_id, str(offer.period_start)) == (municipality.id, "2027-03-01")
    db.session.refresh(existing)
    assert existing.municipality_id == municipality.id
    approval = db.session.scalar(sa.select(OutboxMessage).filter_by(kind="offer_approved"))
    assert approval.recipient == existing.email and "http://localhost/login" in approval.body_text
    assert db.session.scalar(sa.select(OutboxMessage).filter_by(kind="invitation")) is None


def test_a_refused_acceptance_keeps_nothing(client, manager_client):
    submission = submitted(client, coming_cohort())
    response = approve(
        manager_client,
        submission,
        municipality_id="",
        name="Houten",
        cbs_code="GM0321",
        province="Utrecht",
        cohort_id=submission.cohort_id,
    )
    assert response.status_code == 409 and has_error(response, f"approve-{submission.id}-cbs_code")
    assert count(Municipality) == REGISTER and count(InternshipOffer) == 0 and count(User) == 1
    db.session.refresh(submission)
    assert (submission.status, submission.decided_at) == ("pending", None)
    response = approve(
        manager_client,
        submission,
        municipality_id="",
        name="Houten",
        cbs_code="GM0999",
        province="Utrecht",
        cohort_id="",
    )
    assert response.status_code == 400 and has_error(response, f"approve-{submission.id}-cohort_id")
    assert count(Municipality) == REGISTER and count(InternshipOffer) == 0


def test_an_offer_is_decided_once(client, manager_client):
    municipality = make_municipality()
    submission = submitted(client, coming_cohort())
    fields = {"municipality_id": municipality.id, "cohort_id": submission.cohort_id}
    assert approve(manager_client, submission, **fields).status_code == 302
    assert approve(manager_client, submission, **fields).status_code == 409
    assert count(InternshipOffer) == 1


def test_refusing_sends_the_reason_to_the_sender(client, manager_client, smtp_config):
    submission = submitted(client, coming_cohort())
    url, page = f"/offers/submissions/{submission.id}/reject", "/offers/submissions"
    response = post_form(manager_client, url, {f"reject-{submission.id}-reason": ""}, page=page)
    assert response.status_code == 400 and has_error(response, f"reject-{submission.id}-reason")
    reason = "Wij zoeken alleen plekken in de provincie Utrecht."
    response = post_form(manager_client, url, {f"reject-{submission.id}-reason": reason}, page=page)
    assert response.status_code == 302
    db.session.refresh(submission)
    assert (submission.status, submission.rejection_reason) == ("rejected", reason)
    assert submission.decided_at is not None
    refusal = smtp_config.messages[-1]
    assert refusal.rcpt_tos == ["eva@houten.example"] and reason in mail_text(refusal)
    assert count(User) == 1 and count(InternshipOffer) == 0


# --- Who may open what ---------------------------------------------------------------

MANAGER_PAGES = [
    "/municipalities",
    "/municipalities/new",
    "/municipalities/{m}",
    "/municipalities/{m}/edit",
    "/municipalities/{m}/offers/new",
    "/offers/{o}/edit",
    "/offers/submissions",
]


@pytest.mark.parametrize("url", MANAGER_PAGES)
def test_manager_pages_are_refused_to_other_roles(
    trainee_client, municipality_client, municipality_user, url
):
    offer = make_offer(municipality_user.municipality)
    url = url.format(m=municipality_user.municipality_id, o=offer.id)
    assert trainee_client.get(url).status_code == 403
    assert municipality_client.get(url).status_code == 403


def test_deciding_is_refused_to_other_roles(client, municipality_client):
    submission = submitted(client, coming_cohort())
    for action in ("approve", "reject"):
        url = f"/offers/submissions/{submission.id}/{action}"
        assert post_form(municipality_client, url, {}, page="/portal").status_code == 403
    db.session.refresh(submission)
    assert submission.status == "pending"


def test_anonymous_visitors_may_offer_places_but_not_see_municipalities(client):
    assert client.get(PUBLIC).status_code == 200
    assert client.get("/municipalities").headers["Location"].startswith("/login")


def test_a_sender_of_another_domain_is_pointed_out_and_invited_by_choice(client, manager_client, smtp_config):
    houten = make_municipality("Houten")
    make_user(Role.MUNICIPALITY, email="anna@houten.nl", municipality_id=houten.id)
    db.session.commit()
    submission = submitted(client, coming_cohort())  # from eva@houten.example, "Gemeente Houten"
    page = manager_client.get("/offers/submissions").get_data(as_text=True)
    assert "Controleer wie dit stuurde." in page and "@houten.example" in page and "@houten.nl" in page
    assert f'name="approve-{submission.id}-invite_sender" type="checkbox" value="y">' in page  # not ticked
    response = approve(manager_client, submission, invite=False, municipality_id=houten.id)
    assert response.status_code == 302
    assert db.session.scalar(sa.select(User).filter_by(email="eva@houten.example")) is None
    assert db.session.scalar(sa.select(InternshipOffer).filter_by(municipality_id=houten.id)) is not None


def test_the_list_shows_the_hosts_and_finds_any_municipality_of_the_register(manager_client):
    host = make_municipality("Houten")
    make_user(Role.MUNICIPALITY, municipality_id=host.id)  # a contact person makes it a host
    db.session.commit()
    page = manager_client.get("/municipalities").get_data(as_text=True)
    assert "Houten" in page and "Vlieland" not in page.split('id="municipality-names"')[0]
    found = manager_client.get("/municipalities?q=Den+Haag").get_data(as_text=True)
    assert "&#39;s-Gravenhage</a>" in found and "GM0518" in found
    assert "Geen gemeente heeft deze naam of code." in manager_client.get(
        "/municipalities?q=Atlantis"
    ).get_data(as_text=True)
