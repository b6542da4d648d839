"""Placements: proposals, answers from the portal and the e-mail link, capacity under concurrency,
internship days, and who sees what."""

import re
import threading
from datetime import date
from email import message_from_bytes, policy

import pytest
import sqlalchemy as sa
from babel.dates import format_date
from itsdangerous import URLSafeTimedSerializer

from accounts.models import Role
from accounts.services import set_active
from cohort.models import Cohort
from cohort.services import CohortInput, default_template, enrol_trainee, save_cohort
from core.errors import ConflictError
from extensions import db
from outbox.dispatch import dispatch_due
from outbox.models import OutboxMessage
from placements import services
from placements.links import Recipient, make_token
from placements.models import InternshipOffer, Placement
from placements.schedule import intern_days
from sessions.schedule import schedule_for
from tests.conftest import post_form
from tests.factories import answer_token, make_municipality, make_user

SUPERVISOR = {"supervisor_name": "Eva de Boer", "supervisor_email": "eva@gemeente.example"}


def cohort_starting(start: date, name: str = "Utrecht") -> Cohort:
    cohort, _ = save_cohort(None, CohortInput(name=name, template=default_template(), start_date=start))
    db.session.commit()
    return cohort


@pytest.fixture
def setting(app, manager):
    """A cohort whose internship starts in spring 2027, a host municipality with a contact, trainees."""
    cohort = cohort_starting(date(2027, 3, 29))  # internship from 10 May 2027
    municipality = make_municipality("Utrecht")
    contact = make_user(Role.MUNICIPALITY, municipality_id=municipality.id)
    offer = InternshipOffer(
        municipality_id=municipality.id, cohort_id=cohort.id, places=1, address="Stadsplateau 1"
    )
    trainees = [enrol_trainee(cohort, name=f"Deelnemer {n}", email=f"d{n}@mail.example") for n in range(2)]
    db.session.add(offer)
    db.session.commit()
    return {
        "cohort": cohort,
        "municipality": municipality,
        "contact": contact,
        "offer": offer,
        "trainees": trainees,
        "manager": manager,
    }


def propose(setting, n=0) -> Placement:
    placement = services.propose(setting["trainees"][n], setting["offer"], setting["manager"])
    db.session.commit()
    return placement


def test_the_manager_proposes_and_the_contact_gets_a_link_that_needs_no_password(
    setting, manager_client, smtp_config, client
):
    trainee, offer = setting["trainees"][0], setting["offer"]
    response = post_form(
        manager_client,
        f"/cohorts/{setting['cohort'].id}/placements",
        {"trainee_id": trainee.id, "offer_id": offer.id},
    )
    assert response.status_code == 302
    [envelope] = smtp_config.messages
    assert envelope.rcpt_tos == [setting["contact"].email]
    mail = message_from_bytes(envelope.content, policy=policy.default)
    assert trainee.name not in mail["Subject"]  # never a name in a subject (README, privacy)
    body = mail.get_body(("plain",)).get_content()
    link = re.search(r"http://localhost(/e/placement/[\w.-]+)", body).group(1)
    page = client.get(link).get_data(as_text=True)
    assert f"Voorgestelde stagiair: {trainee.first_name}" in page
    form = {
        "confirm-supervisor_name": "Eva de Boer",
        "confirm-supervisor_email": "eva@gemeente.example",
        "confirm-weekdays": ["mon", "tue", "wed", "thu"],
        "action": "confirm",
    }
    answered = post_form(client, link, form).get_data(as_text=True)
    assert "Beantwoord: Bevestigd" in answered
    placement = db.session.scalar(sa.select(Placement))
    assert placement.status == "confirmed" and placement.supervisor_name == "Eva de Boer"
    assert [e.to_status for e in placement.events] == ["proposed", "confirmed"]
    assert placement.events[1].actor_label == "e-maillink"
    db.session.refresh(offer)
    assert offer.places_taken == 1


def test_the_proposal_page_shows_what_the_municipality_decides_on(setting, client, app):
    trainee = setting["trainees"][0]
    trainee.name, trainee.languages = "Amina Yusuf", "Arabisch, Nederlands"
    trainee.home_municipality_id = setting["municipality"].id
    app.config["PROGRAMME_PHONE"] = "030 123 45 67"
    placement = propose(setting)
    page = client.get(f"/e/placement/{answer_token(placement)}").get_data(as_text=True)
    assert "Voorgestelde stagiair: Amina" in page and "Yusuf" not in page  # the first name only
    assert "Amina, woont in Utrecht" in page and "Arabisch, Nederlands" in page
    assert "10 mei\u2009–\u20094 juli 2027" in page  # the internship phase
    days = intern_days([placement])[placement.id]
    assert days.return_days and all(
        format_date(d, "EEE d MMM", locale="nl") in page for d in days.return_days
    )
    assert "Wat we vragen van de werkbegeleider" in page
    assert setting["manager"].email in page and "030 123 45 67" in page


def test_a_full_offer_says_so_before_anything_is_sent_and_the_contact_adds_a_place(
    setting, client, make_client
):
    first, second = propose(setting), propose(setting, 1)
    services.confirm(first, SUPERVISOR, None)
    db.session.commit()
    link = f"/e/placement/{answer_token(second)}"
    page = client.get(link).get_data(as_text=True)
    assert "Alle plaatsen van dit aanbod zijn bezet" in page
    assert 'value="confirm"' not in page and 'value="decline"' in page  # declining still works
    assert "/login?next=/portal" in page
    contact = make_client(setting["contact"])
    response = post_form(contact, f"/portal/offers/{setting['offer'].id}/add-place", {}, page="/portal")
    assert response.status_code == 302
    db.session.refresh(setting["offer"])
    assert (setting["offer"].places, setting["offer"].places_free) == (2, 1)
    assert 'value="confirm"' in client.get(link).get_data(as_text=True)


def test_a_contact_adds_places_only_to_their_own_municipalitys_offers(setting, make_client):
    other = make_user(Role.MUNICIPALITY, municipality_id=make_municipality().id)
    response = post_form(
        make_client(other), f"/portal/offers/{setting['offer'].id}/add-place", {}, page="/portal"
    )
    assert response.status_code == 404
    db.session.refresh(setting["offer"])
    assert setting["offer"].places == 1


def proposals_in_outbox() -> int:
    query = sa.select(sa.func.count()).select_from(OutboxMessage).filter_by(kind="placement_proposal")
    return db.session.scalar(query)


def test_a_proposal_to_a_municipality_without_contact_waits_and_goes_once_it_has_one(
    setting, manager_client, smtp_config
):
    """Nothing is reported as sent that could not be: the manager hears it at once, the dashboard
    lists it, and the scheduler asks the first contact person the municipality gets."""
    setting["contact"].is_active = False  # the only contact left: nobody to ask
    db.session.commit()
    trainee, offer = setting["trainees"][0], setting["offer"]
    response = post_form(
        manager_client,
        f"/cohorts/{setting['cohort'].id}/placements",
        {"trainee_id": trainee.id, "offer_id": offer.id},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Deze gemeente heeft nog geen contactpersoon" in page and "verstuurd." in page
    assert "Het voorstel is naar de gemeente gestuurd" not in page
    assert smtp_config.messages == []
    assert "heeft nog geen contactpersoon" in manager_client.get("/dashboard").get_data(as_text=True)

    runner = manager_client.application.test_cli_runner()
    runner.invoke(args=["reminders", "send-due"])  # sends the trainees' invitations, asks nobody
    assert proposals_in_outbox() == 0
    smtp_config.messages.clear()
    newcomer = make_user(Role.MUNICIPALITY, municipality_id=setting["municipality"].id)
    runner.invoke(args=["reminders", "send-due"])  # asks the newcomer: due from now on
    assert proposals_in_outbox() == 1
    assert "sent 1" in runner.invoke(args=["reminders", "send-due"]).output  # the next minute's run
    [envelope] = smtp_config.messages
    assert envelope.rcpt_tos == [newcomer.email] and proposals_in_outbox() == 1
    assert "/e/placement/" in envelope.content.decode()
    runner.invoke(args=["reminders", "send-due"])
    assert len(smtp_config.messages) == 1  # asked once
    assert "heeft nog geen contactpersoon" not in manager_client.get("/dashboard").get_data(as_text=True)


def test_the_internship_days_are_never_the_return_day(setting, client):
    placement = propose(setting)
    link = f"/e/placement/{answer_token(placement)}"
    form = {
        **{f"confirm-{k}": v for k, v in SUPERVISOR.items()},
        "confirm-weekdays": ["thu", "fri"],
        "action": "confirm",
    }
    page = post_form(client, link, form).get_data(as_text=True)
    assert "Niet op de terugkomdag" in page
    db.session.refresh(placement)
    assert placement.status == "proposed"


@pytest.mark.parametrize("case", ["tampered", "other purpose", "expired", "unknown placement"])
def test_a_bad_link_answers_404_and_changes_nothing(setting, client, monkeypatch, case):
    placement, contact = propose(setting), setting["contact"]
    token = {
        "tampered": answer_token(placement)[:-2] + "xx",
        "other purpose": answer_token(placement, purpose="evaluation-final"),
        "unknown placement": make_token(placement.id + 99, "answer", Recipient.contact(contact), 0),
        "expired": None,
    }[case]
    if case == "expired":
        monkeypatch.setattr("time.time", lambda: 1_000_000_000.0)  # 2001: long before now
        token = answer_token(placement)
        monkeypatch.undo()
    assert client.get(f"/e/placement/{token}").status_code == 404
    db.session.refresh(placement)
    assert placement.status == "proposed"


def test_a_link_answers_only_its_own_placement(setting, client):
    first = propose(setting, 0)
    link = f"/e/placement/{answer_token(first)}"
    post_form(client, link, {"decline-reason": "Geen begeleider vrij", "action": "decline"})
    db.session.refresh(first)
    assert first.status == "declined"
    # The same link cannot act again, and a new proposal for the freed trainee is possible.
    post_form(client, link, {"decline-reason": "nogmaals", "action": "decline"})
    assert [e.to_status for e in first.events] == ["proposed", "declined"]
    second = propose(setting, 0)
    assert second.id != first.id


def test_a_contact_sees_only_their_own_municipalitys_proposals(setting, make_client):
    placement = propose(setting)
    own = make_client(setting["contact"])
    assert setting["trainees"][0].name in own.get("/portal").get_data(as_text=True)
    assert own.get(f"/portal/placements/{placement.id}").status_code == 200
    other = make_client(make_user(Role.MUNICIPALITY))
    assert setting["trainees"][0].name not in other.get("/portal").get_data(as_text=True)
    assert other.get(f"/portal/placements/{placement.id}").status_code == 404


def test_a_trainee_has_at_most_one_open_placement(setting):
    propose(setting)
    with pytest.raises(ConflictError):
        services.propose(setting["trainees"][0], setting["offer"], setting["manager"])


@pytest.mark.committed_db
def test_two_confirmations_for_the_last_place_at_once_only_one_succeeds(setting, app):
    """Two threads, two connections to one database file: exactly one takes the place."""
    setting["offer"].places = 2
    db.session.commit()
    first, second = propose(setting, 0), propose(setting, 1)
    setting["offer"].places = 1  # one place left for two proposals
    db.session.commit()
    barrier, outcomes = threading.Barrier(2), []

    def answer(placement_id: int) -> None:
        with app.app_context():
            placement = db.session.get(Placement, placement_id)
            barrier.wait()
            try:
                services.confirm(placement, SUPERVISOR, None, "test")
                db.session.commit()
                outcomes.append("confirmed")
            except ConflictError:
                db.session.rollback()
                outcomes.append("conflict")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=answer, args=(p.id,)) for p in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["confirmed", "conflict"]
    db.session.expire_all()
    assert db.session.get(InternshipOffer, setting["offer"].id).places_taken == 1
    assert sorted(p.status for p in db.session.scalars(sa.select(Placement))) == ["confirmed", "proposed"]


def test_the_database_refuses_more_confirmed_places_than_offered(setting):
    offer = setting["offer"]
    offer.places_taken = 2  # more than its one place
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_internship_days_avoid_hemelvaartsdag_pinkstermaandag_and_return_days(setting):
    placement = propose(setting)
    services.confirm(placement, {**SUPERVISOR, "weekdays": ["mon", "tue", "wed", "thu"]}, None, "test")
    db.session.commit()
    days = intern_days([placement])[placement.id]
    # Internship 10 May – 4 July 2027; Hemelvaartsdag Thursday 6 May is before it, so check Pinksteren:
    assert date(2027, 5, 17) not in days.internship_days  # Tweede Pinksterdag
    assert date(2027, 5, 18) in days.internship_days
    assert all(d.weekday() < 4 for d in days.internship_days)
    assert date(2027, 5, 14) in days.return_days  # Fridays are return days
    items = schedule_for(setting["trainees"][0])
    internship = [i for i in items if i.kind == "internship"]
    assert internship and internship[0].title == "Utrecht" and internship[0].trainer == "Eva de Boer"
    assert not {i.date for i in internship} & {i.date for i in items if i.kind == "return_day"}


def test_the_portal_shows_each_interns_days_of_this_week_and_the_next(setting, make_client, monkeypatch):
    placement = propose(setting)
    services.confirm(placement, {**SUPERVISOR, "weekdays": ["mon", "tue", "wed", "thu"]}, None, "test")
    db.session.commit()
    monkeypatch.setattr("placements.views.local_today", lambda: date(2027, 5, 12))  # week 19's Wednesday
    page = make_client(setting["contact"]).get("/portal").get_data(as_text=True)
    intern = page.split('id="interns-heading"', 1)[1].split("</section>", 1)[0]
    assert "Stage: 10 mei tot 4 juli" in intern
    assert "Deze week en volgende week" in intern
    assert "ma 10 mei" in intern and "vr 14 mei" in intern and "vr 21 mei" in intern  # stage, return days
    assert "ma 24 mei" not in intern and "vr 28 mei" not in intern  # the week after next


def test_hemelvaartsdag_inside_the_internship_is_no_internship_day(app, manager):
    cohort = cohort_starting(date(2026, 3, 30), "Zeist")  # internship 11 May – 5 July 2026
    municipality = make_municipality("Zeist")
    offer = InternshipOffer(municipality_id=municipality.id, cohort_id=cohort.id, places=1)
    trainee = enrol_trainee(cohort, name="Amina", email="amina@mail.example")
    db.session.add(offer)
    db.session.commit()
    placement = services.propose(trainee, offer, manager)
    services.confirm(placement, {**SUPERVISOR, "weekdays": ["mon", "thu"]}, None, "test")
    db.session.commit()
    days = intern_days([placement])[placement.id].internship_days
    assert date(2026, 5, 14) not in days  # Hemelvaartsdag
    assert date(2026, 5, 25) not in days  # Tweede Pinksterdag
    assert date(2026, 5, 21) in days and date(2026, 5, 11) in days
    assert min(days) >= date(2026, 5, 11) and max(days) <= date(2026, 7, 5)


def test_the_shortage_view_counts_and_suggests(setting, manager_client):
    propose(setting, 0)
    page = manager_client.get(f"/cohorts/{setting['cohort'].id}/placements").get_data(as_text=True)
    assert setting["trainees"][1].name in page  # still without a place
    status = services.placement_status(setting["cohort"])
    assert status == {
        "trainees": 2,
        "confirmed": 0,
        "proposed": 1,
        "unplaced": 2,
        "places_offered": 1,
        "places_free": 1,
    }


def test_the_shortage_view_shows_per_province_where_hosts_are_needed(setting, manager_client):
    first, second = setting["trainees"]
    first.home_municipality = make_municipality("Maastricht")  # Limburg: no places there
    db.session.commit()
    view = services.shortage_view(setting["cohort"], date(2027, 3, 1))
    rows = [(r.province, r.needed, r.offered, r.short) for r in view.by_province]
    assert rows == [("Limburg", 1, 0, 1), ("Utrecht", 0, 1, 0), ("", 1, 0, 1)]
    page = manager_client.get(f"/cohorts/{setting['cohort'].id}/placements").get_data(as_text=True)
    assert "Per provincie" in page and "Woongemeente niet bekend" in page


def test_starting_the_internship_makes_a_confirmed_placement_active(setting):
    placement = propose(setting)
    services.confirm(placement, SUPERVISOR, None, "test")
    db.session.commit()
    assert services.activate_started(date(2027, 5, 9)) == 0
    assert services.activate_started(date(2027, 5, 10)) == 1
    assert placement.status == "active" and placement.events[-1].actor_label == "scheduler"


def test_other_roles_cannot_use_the_manager_pages(setting, trainee_client, make_client):
    url = f"/cohorts/{setting['cohort'].id}/placements"
    assert trainee_client.get(url).status_code == 403
    assert make_client(setting["contact"]).get(url).status_code == 403


def test_the_trainees_calendar_feed_shows_the_confirmed_internship_days(setting, client):
    from icalendar import Calendar

    from sessions.feed_service import trainee_feed_url

    trainee = setting["trainees"][0]
    url = trainee_feed_url(trainee).removeprefix("http://localhost")
    before = client.get(url)
    placement = propose(setting)
    services.confirm(placement, {**SUPERVISOR, "weekdays": ["mon", "tue"]}, None, "test")
    db.session.commit()
    after = client.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200  # the confirmation changed the feed
    events = [
        e for e in Calendar.from_ical(after.data).walk("VEVENT") if str(e["UID"]).startswith("internship-")
    ]
    assert events and all(e.decoded("DTSTART").weekday() in (0, 1) for e in events)
    assert date(2027, 5, 17) not in {e.decoded("DTSTART").date() for e in events}  # Tweede Pinksterdag


def test_the_contact_gets_a_feed_of_their_interns_return_days(setting, make_client, client):
    from icalendar import Calendar

    from placements.return_day_feed import municipality_feed_url

    placement = propose(setting)
    services.confirm(placement, SUPERVISOR, None, "test")
    db.session.commit()
    contact = make_client(setting["contact"])
    assert 'href="/calendar"' in contact.get("/portal").get_data(as_text=True)
    url = municipality_feed_url(setting["contact"]).removeprefix("http://localhost")
    assert url in contact.get("/calendar").get_data(as_text=True)
    response = client.get(url)
    events = Calendar.from_ical(response.data).walk("VEVENT")
    days = sorted(e.decoded("DTSTART").date() for e in events)
    assert days[0] == date(2027, 5, 14) and all(d.weekday() == 4 for d in days)  # the Friday return days
    assert len(days) == 8 and setting["trainees"][0].name in str(events[0]["SUMMARY"])
    assert client.get(url, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
    assert client.get(url.replace(".ics", "x.ics")).status_code == 404
    setting["contact"].is_active = False
    db.session.commit()
    assert client.get(url).status_code == 404


def test_the_manager_ends_an_internship_early_with_a_reason_which_frees_the_place(setting, manager_client):
    placement = propose(setting)
    services.confirm(placement, SUPERVISOR, None, "test")
    db.session.commit()
    url, page = f"/placements/{placement.id}/end", f"/cohorts/{setting['cohort'].id}/placements"
    post_form(manager_client, url, {"outcome": "ended_early", "reason": ""}, page=page)
    db.session.refresh(placement)
    assert placement.status == "confirmed"  # a reason is required
    post_form(manager_client, url, {"outcome": "ended_early", "reason": "Ziek geworden"}, page=page)
    db.session.expire_all()
    assert placement.status == "ended_early" and placement.events[-1].reason == "Ziek geworden"
    assert db.session.get(InternshipOffer, setting["offer"].id).places_taken == 0


# --- e-mail links bound to their recipient ---------------------------------------------------

ANSWER_LINK = re.compile(r"http://localhost(/e/placement/[\w.-]+)")


def _answer_links(smtp_server) -> dict[str, str]:
    """The answer link in each proposal the SMTP server received, by recipient."""
    links = {}
    for envelope in smtp_server.messages:
        text = message_from_bytes(envelope.content, policy=policy.default).get_body(("plain",)).get_content()
        links[envelope.rcpt_tos[0]] = ANSWER_LINK.search(text).group(1)
    return links


def test_a_proposal_link_works_only_while_its_contact_acts_for_the_municipality(setting, client, smtp_config):
    colleague = make_user(Role.MUNICIPALITY, municipality_id=setting["municipality"].id)
    dispatch_due()  # the trainees' invitations
    smtp_config.messages.clear()
    placement = propose(setting)
    assert dispatch_due()["sent"] == 2
    links = _answer_links(smtp_config)
    mine, theirs = links[setting["contact"].email], links[colleague.email]
    assert mine != theirs and client.get(mine).status_code == client.get(theirs).status_code == 200

    set_active(setting["contact"], False)
    db.session.commit()
    assert client.get(mine).status_code == 404  # deactivated: the link dies with the account
    assert client.get(theirs).status_code == 200
    colleague.municipality_id = make_municipality("Zeist").id  # moved to another municipality
    db.session.commit()
    page = post_form(client, theirs, {"decline-reason": "Geen plek", "action": "decline"}, page="/login")
    assert page.status_code == 404
    db.session.refresh(placement)
    assert placement.status == "proposed"


def test_a_manager_stops_a_placements_links_and_new_mail_carries_new_ones(setting, client, manager_client):
    placement = propose(setting)
    old = f"/e/placement/{answer_token(placement)}"
    assert client.get(old).status_code == 200
    page = f"/cohorts/{placement.cohort_id}/placements"
    response = post_form(manager_client, f"/placements/{placement.id}/links/revoke", {}, page=page)
    assert response.status_code == 302
    assert "werken niet meer" in manager_client.get(page).get_data(as_text=True)
    assert client.get(old).status_code == 404
    db.session.refresh(placement)
    assert placement.events[-1].reason == "E-maillinks ingetrokken"
    assert placement.events[-1].actor_label == setting["manager"].name
    assert client.get(f"/e/placement/{answer_token(placement)}").status_code == 200  # a chase's new link


def test_a_link_made_before_links_named_their_recipient_no_longer_works(app, setting, client):
    placement = propose(setting)
    serializer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="placement-link")
    unbound = serializer.dumps({"placement": placement.id, "purpose": "answer"})
    assert client.get(f"/e/placement/{unbound}").status_code == 404
