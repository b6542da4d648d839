"""The three main journeys in a real browser, in Dutch and (after switching) in English.

Each step is screenshotted into test-artifacts/screenshots/<journey>-<lang>/ and checked with
axe-core (see journey.py); each journey ends by failing on what those checks found.
"""

import io
from datetime import timedelta

import pytest
import zxingcpp
from babel.dates import format_date
from PIL import Image
from playwright.sync_api import expect

from core.clock import local_today
from extensions import db
from placements.models import Placement
from placements.schedule import intern_days
from sessions.weeks import monday_of
from tests.browser import world
from tests.browser.journey import PHONE

LANGUAGES = ["nl", "en"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_manager_plans_a_cohort_enrols_from_a_file_and_proposes_a_placement(
    open_journey, live_server, lang, tmp_path
):
    journey = open_journey("manager", lang)
    page = journey.page
    start, holiday, holiday_name = world.start_with_moved_holiday(local_today())
    name = f"Utrecht {holiday.year} {lang}"

    journey.log_in(world.MANAGER_EMAIL, world.PASSWORD)
    journey.step("overview")
    page.get_by_role("link", name=journey.text("Groepen", "Groups"), exact=True).click()
    expect(page.locator("h1")).to_have_text(journey.text("Groepen", "Groups"))
    journey.step("groups")

    page.get_by_role("button", name=journey.text("Nieuwe groep plannen", "Plan a new group")).click()
    journey.step("new-group-form")
    page.get_by_label(journey.text("Naam van de groep", "Name of the group")).fill(name)
    page.get_by_label(journey.text("Startdatum", "Start date")).fill(start.isoformat())
    page.get_by_label(journey.text("Locatie", "Location")).fill("Vredenburg 40, Utrecht")
    page.get_by_role("button", name=journey.text("Groep plannen", "Plan the group")).click()
    expect(page.locator("h1")).to_have_text(name)

    # The planned year: the session on the holiday moved to the Friday of that week.
    friday = holiday + timedelta(days=4 - holiday.weekday())
    moved = page.locator("section[aria-labelledby=moved-heading]")
    expect(moved.locator("h2")).to_have_text(
        journey.text("Verplaatst vanwege een feestdag of sluiting", "Moved because of a holiday or closure")
    )
    expect(moved).to_contain_text(holiday_name)
    expect(moved).to_contain_text(format_date(holiday, "full", locale=lang))
    expect(moved).to_contain_text(format_date(friday, "full", locale=lang))
    day = format_date(holiday, "EEE d MMM", locale=lang)
    # The page shows the first week; the holiday is in the second.
    page.get_by_role("link", name=journey.text("Volgende week", "Next week")).click()
    expect(page.locator("#sessions-heading")).to_contain_text(str(holiday.isocalendar().week))
    expect(page.locator("table.sessions")).to_contain_text(
        journey.text(f"verplaatst van {day}", f"moved from {day}")
    )
    journey.step("planned-year", show=moved)

    # Enrol trainees from a CSV file: a preview first (one row has a problem), then confirm.
    csv = tmp_path / "deelnemers.csv"
    csv.write_text(
        "naam;e-mail;telefoon;woonplaats;talen\n"
        # A phone of its own per language: the same number would be the same person (enrolled twice).
        f"Amal Haddad {lang};amal.{lang}@example.nl;06 1234567{LANGUAGES.index(lang)};Utrecht;"
        "Arabisch, Engels\n"
        f"Yonas Berhane {lang};yonas.{lang}@example.nl;;GM0307;Tigrinya/Nederlands\n"
        f"Nour Rahimi {lang};geen-adres;;Zaanstad;Dari\n",
        encoding="utf-8",
    )
    page.get_by_role("button", name=journey.text("Inschrijven met een bestand", "Enrol from a file")).click()
    journey.step("import-upload")
    page.get_by_label(journey.text("Bestand met deelnemers", "File with trainees")).set_input_files(csv)
    page.get_by_role("button", name=journey.text("Controleer het bestand", "Check the file")).click()
    expect(page.locator("table")).to_contain_text(f"Nour Rahimi {lang}")
    expect(page.locator("p[role=status]")).to_contain_text(
        journey.text("2 rijen kunnen worden ingeschreven", "2 rows can be enrolled")
    )
    journey.step("import-preview")
    page.get_by_role("button", name=journey.text("Schrijf 2 deelnemers in", "Enrol 2 trainees")).click()
    expect(page.locator(".flash-success")).to_contain_text(
        journey.text("2 deelnemers ingeschreven", "2 trainees enrolled")
    )
    trainees = page.locator("section[aria-labelledby=trainees-heading]")
    expect(trainees).to_contain_text(f"Amal Haddad {lang}")
    expect(trainees).to_contain_text(f"Yonas Berhane {lang}")
    expect(trainees).not_to_contain_text(f"Nour Rahimi {lang}")
    live_server.mail_to(f"amal.{lang}@example.nl")  # the invitation went out
    journey.step("enrolled", show=trainees)

    # Propose Amal for the open offer in her home municipality.
    page.get_by_role("button", name=journey.text("Stageplekken", "Internship places")).click()
    journey.step("placements")
    amal = page.locator("article", has=page.get_by_role("heading", name=f"Amal Haddad {lang}"))
    expect(amal).to_contain_text(journey.text("woongemeente", "home municipality"))
    amal.get_by_role("button", name=journey.text("Voorstellen", "Propose")).first.click()
    expect(page.locator(".flash-success")).to_contain_text(
        journey.text(
            "Het voorstel is naar de gemeente gestuurd.", "The proposal has been sent to the municipality."
        )
    )
    proposals = page.locator("section[aria-labelledby=placements-heading] tbody")
    expect(proposals.locator("tr", has_text=f"Amal Haddad {lang}")).to_contain_text(
        journey.text("Voorgesteld", "Proposed")
    )
    journey.step("proposed", show=proposals)
    journey.finish()


def confirm_with_a_new_supervisor(journey, phone: str = "") -> None:
    """On the proposal page: name Sanne de Vries as the supervisor and confirm."""
    page = journey.page
    page.get_by_label(journey.text("Naam van de werkbegeleider", "Name of the workplace supervisor")).fill(
        "Sanne de Vries"
    )
    page.get_by_label(
        journey.text("E-mailadres van de werkbegeleider", "E-mail address of the supervisor")
    ).fill("s.devries@gemeente.example")
    if phone:
        page.get_by_label(journey.text("Telefoon van de werkbegeleider", "Phone of the supervisor")).fill(
            phone
        )
    page.get_by_role("button", name=journey.text("Bevestigen", "Confirm"), exact=True).click()
    expect(page.locator("p[role=status]")).to_contain_text(journey.text("Bevestigd", "Confirmed"))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_municipality_contact_answers_from_the_email_link_and_sees_return_days(
    open_journey, live_server, data, lang
):
    proposal = data(world.proposal_for_a_contact, lang)
    link = live_server.link_in_mail(proposal.contact_email, "/e/placement/")
    journey = open_journey("municipality", lang, viewport=PHONE)
    page = journey.page

    page.goto(link)
    journey.use_language()
    first_name = proposal.trainee_name.split()[0]
    expect(page.locator("h1")).to_contain_text(first_name)
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Tigrinya, Arabisch, Nederlands")
    expect(facts).to_contain_text(journey.text("woont in", "lives in"))
    expect(page.locator("main")).to_contain_text(
        journey.text("Wat we vragen van de werkbegeleider", "What we ask of the workplace supervisor")
    )
    expect(page.locator("main")).to_contain_text(world.MANAGER_EMAIL)  # whom to ask
    journey.step("proposal-from-email")
    confirm_with_a_new_supervisor(journey, phone="033-4695000")

    with live_server.app.app_context():
        placement = db.session.get(Placement, proposal.placement_id)
        assert placement.status == "confirmed" and placement.supervisor_name == "Sanne de Vries"
        return_days = intern_days([placement])[placement.id].return_days
        this_monday = monday_of(local_today())
    assert return_days, "the confirmed intern has return days"
    shown = [format_date(day, "EEE d MMM", locale=lang) for day in sorted(return_days)]
    for day in shown:
        expect(page.locator("main")).to_contain_text(day)
    journey.step("confirmed-with-return-days")

    # In the portal (logged in now) the intern and their return days of this week and the next.
    journey.log_in(proposal.contact_email, world.PASSWORD)
    expect(page.locator("h1")).to_contain_text(proposal.municipality)
    intern = page.locator("section[aria-labelledby=interns-heading] article", has_text=proposal.trainee_name)
    expect(intern).to_contain_text("Sanne de Vries")
    expect(intern).to_contain_text(journey.text("Deze week en volgende week", "This week and next week"))
    expect(intern).to_contain_text(journey.text("terugkomdagen", "return days"))
    window = [day for day in sorted(return_days) if this_monday <= day < this_monday + timedelta(days=14)]
    for day in window:
        expect(intern).to_contain_text(format_date(day, "EEE d MMM", locale=lang))
    journey.step("portal", show=intern)

    # The supervisor is a record of the municipality's register, with a calendar of their own.
    page.get_by_role(
        "link", name=journey.text("Werkbegeleiders van uw gemeente", "Supervisors of your municipality")
    ).click()
    expect(page.locator("h1")).to_contain_text(proposal.municipality)
    journey.step("supervisor-register")
    page.get_by_role("link", name="Sanne de Vries").click()
    expect(page.locator("main")).to_contain_text(proposal.trainee_name)
    feed = page.locator("#supervisor-feed").input_value()
    journey.step("supervisor-record")
    assert feed in live_server.link_in_mail("s.devries@gemeente.example", "/calendar/supervisor/")
    calendar = page.request.get(feed)
    assert calendar.status == 200 and proposal.trainee_name in calendar.text()
    journey.finish()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_municipality_contact_finds_the_offer_full_adds_a_place_and_confirms(
    open_journey, live_server, data, lang
):
    proposal = data(world.proposal_to_a_full_offer, lang)
    link = live_server.link_in_mail(proposal.contact_email, "/e/placement/")
    journey = open_journey("municipality-full-offer", lang, viewport=PHONE)
    page = journey.page

    page.goto(link)
    journey.use_language()
    expect(page.locator("main")).to_contain_text(
        journey.text("Alle plaatsen van dit aanbod zijn bezet", "All places of this offer are taken")
    )
    expect(page.get_by_role("button", name=journey.text("Bevestigen", "Confirm"), exact=True)).to_have_count(
        0
    )
    journey.step("offer-full")
    page.get_by_role(
        "button", name=journey.text("Een plaats bijzetten in het portaal", "Add a place in the portal")
    ).click()
    page.get_by_label(journey.text("E-mailadres", "E-mail address")).fill(proposal.contact_email)
    page.get_by_label(journey.text("Wachtwoord", "Password"), exact=True).fill(world.PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text(proposal.municipality)  # the portal, after login
    journey.use_language()  # the account's own language may differ
    page.get_by_role("button", name=journey.text("Een plaats erbij", "One more place")).click()
    expect(page.locator(".flash-success")).to_be_visible()
    journey.step("place-added")

    page.goto(link)
    confirm_with_a_new_supervisor(journey)
    journey.step("confirmed")
    journey.finish()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_trainer_registers_attendance_with_the_reported_absence_and_everyone_else_present(
    open_journey, data, lang
):
    day = data(world.trainer_with_a_session_today, lang)
    journey = open_journey("trainer", lang)
    page = journey.page
    journey.log_in(day.email, world.PASSWORD)
    expect(page.locator("h1")).to_have_text(journey.text("Mijn lessen", "My sessions"))
    expect(page.get_by_role("heading", name=journey.text("Deze week", "This week"))).to_be_visible()
    expect(page.get_by_role("heading", name=journey.text("Volgende week", "Next week"))).to_be_visible()
    journey.step("home")

    page.locator(f'a[href="/sessions/{day.session_id}/attendance"]').first.click()
    away = page.get_by_role("group", name=day.away)
    expect(away).to_contain_text(
        journey.text("Vooraf afgemeld: Naar de IND", "Reported absent in advance: Naar de IND")
    )
    expect(away.get_by_label(journey.text("Afwezig met afmelding", "Absent with notice"))).to_be_checked()
    journey.step("register")
    page.get_by_role("button", name=journey.text("Iedereen aanwezig", "Everyone present")).click()
    expect(page.locator(".flash-success")).to_be_visible()
    for name in day.present:
        expect(
            page.get_by_role("group", name=name).get_by_label(journey.text("Aanwezig", "Present"), exact=True)
        ).to_be_checked()
    expect(away.get_by_label(journey.text("Afwezig met afmelding", "Absent with notice"))).to_be_checked()
    journey.step("registered")
    journey.finish()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_trainee_on_a_phone_reports_an_absence_and_subscribes_to_the_calendar(open_journey, data, lang):
    trainee = data(world.trainee_with_login, lang)
    journey = open_journey("trainee", lang, viewport=PHONE)
    page = journey.page

    journey.log_in(trainee.email, world.PASSWORD)
    expect(page.locator("h1")).to_have_text(journey.text("Mijn rooster", "My schedule"))
    journey.step("my-schedule")

    next_session = page.locator("article.next-session")
    next_session.get_by_role("button", name=journey.text("Ik kan niet komen", "I cannot come")).click()
    journey.step("absence-form")
    page.get_by_label(journey.text("Waarom kun je niet komen?", "Why can you not come?")).fill(
        "Afspraak bij de IND"
    )
    page.get_by_role("button", name=journey.text("Versturen", "Send")).click()
    expect(page.locator(".flash-success")).to_contain_text(
        journey.text("Dank je. We hebben het doorgegeven.", "Thank you. We have passed it on.")
    )
    expect(page.locator("article.next-session")).to_contain_text(
        journey.text("Je hebt gezegd dat je niet kunt komen.", "You told us that you cannot come.")
    )
    journey.step("absence-reported")
    # The appointment moves: the trainee can come after all, and takes the notice back.
    next_session.get_by_role("button", name=journey.text("Ik kom toch", "I can come after all")).click()
    expect(page.locator(".flash-success")).to_contain_text(
        journey.text("Fijn dat je toch komt", "Good that you can come")
    )
    expect(
        next_session.get_by_role("button", name=journey.text("Ik kan niet komen", "I cannot come"))
    ).to_be_visible()

    page.get_by_role("button", name=journey.text("Zet het in de agenda", "Put it in the calendar")).click()
    expect(page.locator("h1")).to_have_text(journey.text("Agenda op je telefoon", "Calendar on your phone"))
    # The QR code, as the phone's camera sees it on the screen: a decoder of its own reads the link.
    shot = page.locator("figure.qr svg").screenshot()
    codes = zxingcpp.read_barcodes(Image.open(io.BytesIO(shot)).convert("L"))
    assert [code.text for code in codes] == [trainee.feed_url.replace("http://", "webcal://")]
    journey.step("subscribe-page")
    link_field = page.get_by_label(journey.text("Agenda-link", "Calendar link"))
    expect(link_field).to_have_value(trainee.feed_url)
    # Located by what it copies: its label is a new text (translated when the catalogue is updated).
    copy_button = page.locator("button[data-copy-target=calendar-url]")
    copied = copy_button.get_attribute("data-copied-text")
    assert copied
    copy_button.click()
    expect(page.locator("#calendar-url-status")).to_have_text(copied)
    assert page.evaluate("navigator.clipboard.readText()") == trainee.feed_url
    journey.step("calendar-link-copied", show=link_field)
    journey.finish()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_former_trainee_answers_the_follow_up_from_the_email_on_a_phone(
    open_journey, data, live_server, lang
):
    email = data(world.former_trainee_asked, lang)
    link = live_server.link_in_mail(email, "/f/follow-up/")
    journey = open_journey("follow-up", lang, viewport=PHONE)
    page = journey.page

    page.goto(link)
    journey.use_language()
    expect(page.locator("h1")).to_have_text(journey.text("Hoe gaat het met je?", "How are you doing?"))
    journey.step("follow-up-question")
    page.get_by_label(journey.text("Ja, ander werk", "Yes, other work")).check()
    page.get_by_role("button", name=journey.text("Versturen", "Send")).click()
    journey.step("follow-up-field-error")  # working, but no employer: the field says so
    expect(page.locator(".field-error")).to_contain_text(
        journey.text("Schrijf op waar je werkt.", "Write where you work.")
    )
    page.get_by_label(journey.text("Waar werk je?", "Where do you work?")).fill("Taalhuis Zaanstad")
    page.get_by_label(journey.text("Hoeveel uur per week?", "How many hours a week?"), exact=False).fill("24")
    page.get_by_role("button", name=journey.text("Versturen", "Send")).click()
    expect(page.locator(".flash-success")).to_contain_text(journey.text("Dank je wel!", "Thank you!"))
    expect(page.locator("main")).to_contain_text("Taalhuis Zaanstad")
    journey.step("follow-up-answered")
    journey.finish()
