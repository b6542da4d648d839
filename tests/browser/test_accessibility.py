"""Accessibility beyond axe's page checks (those run at every journey step, see journey.py):
the trainee journey with the keyboard alone, a visible focus, and form errors that a screen
reader announces."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser import world
from tests.browser.journey import PHONE

FOCUS_STYLE = """(element) => {
    const style = getComputedStyle(element);
    return [style.outlineStyle, style.outlineWidth, style.outlineColor, style.boxShadow].join(' | ');
}"""


def tab_to(page: Page, selector: str, limit: int = 60) -> None:
    """Press Tab until the focused element matches `selector` (the way a keyboard user gets there)."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_trainee_journey_with_the_keyboard_only(open_journey, data):
    """Log in, open the absence form, send it, open the subscribe page and copy the calendar link:
    Tab, Enter and Space only."""
    trainee = data(world.trainee_with_login, "keyboard")
    journey = open_journey("keyboard", "nl", viewport=PHONE)
    page, keyboard = journey.page, journey.page.keyboard
    journey.goto("/login")

    tab_to(page, "input[name=email]")
    keyboard.type(trainee.email)
    tab_to(page, "input[name=password]")
    keyboard.type(world.PASSWORD)
    keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Mijn rooster")
    journey.step("logged-in")

    # The first Tab reaches the skip link, which takes the focus past the navigation.
    keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    tab_to(page, "article.next-session a[role=button]")
    keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Ik kan niet komen")
    tab_to(page, "input[name=reason]")
    keyboard.type("Ziek")
    tab_to(page, "main form button[type=submit]")
    journey.step("absence-form-filled")
    keyboard.press("Space")
    expect(page.locator(".flash-success")).to_contain_text("We hebben het doorgegeven")
    expect(page.locator("article.next-session")).to_contain_text("Je hebt gezegd dat je niet kunt komen.")

    tab_to(page, "article.calendar-link a[role=button]")
    keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Agenda op je telefoon")
    tab_to(page, "button[data-copy-target=calendar-url]")
    keyboard.press("Enter")
    expect(page.locator("#calendar-url-status")).not_to_be_empty()
    assert page.evaluate("navigator.clipboard.readText()") == trainee.feed_url
    journey.step("calendar-link-copied")
    journey.finish()


@pytest.mark.parametrize(
    ("kind", "selector"),
    [("link", "main a[href$='/password/forgot']"), ("button", "main button[type=submit]")],
    ids=["link", "button"],
)
def test_focus_is_visible(open_journey, kind, selector):
    journey = open_journey(f"focus-{kind}", "nl")
    page = journey.page
    journey.goto("/login")
    element = page.locator(selector)
    page.locator("h1").click()  # the pointer is elsewhere; the element has no focus
    unfocused = element.evaluate(FOCUS_STYLE)
    tab_to(page, selector)
    focused = element.evaluate(FOCUS_STYLE)
    outline_style, outline_width, _colour, shadow = focused.split(" | ")
    assert (outline_style != "none" and outline_width != "0px") or shadow != "none", focused
    assert focused != unfocused, f"the {kind} looks the same with and without focus: {focused}"
    journey.step(f"focus-on-the-{kind}")
    journey.finish()


def assert_error_announced(page: Page, name: str) -> None:
    """The field is marked invalid, its error is part of its accessible description, and an
    alert says that the form has problems."""
    field = page.locator(f"main form [name='{name}']")
    expect(field).to_have_attribute("aria-invalid", "true")
    error = page.locator(f"#{field.get_attribute('id')}-error")
    expect(error).to_be_visible()
    message = error.inner_text().strip()
    assert message, f"the error of {name} is empty"
    assert error.get_attribute("id") in (field.get_attribute("aria-describedby") or "").split()
    expect(field).to_have_accessible_description(re.compile(re.escape(message)))
    expect(page.get_by_role("alert").first).to_be_visible()


def test_absence_form_announces_its_error(open_journey, data):
    trainee = data(world.trainee_with_login, "errors")
    journey = open_journey("form-error-absence", "nl")
    page = journey.page
    journey.log_in(trainee.email, world.PASSWORD)
    page.locator("article.next-session a[role=button]").click()
    page.get_by_role("button", name="Versturen").click()
    assert_error_announced(page, "reason")
    journey.step("absence-without-reason")
    journey.finish()


def test_cohort_form_announces_its_errors(open_journey):
    journey = open_journey("form-error-cohort", "en")
    page = journey.page
    journey.log_in(world.MANAGER_EMAIL, world.PASSWORD)
    journey.goto("/cohorts/new")
    page.get_by_role("button", name="Plan the group").click()
    assert_error_announced(page, "name")
    assert_error_announced(page, "start_date")
    journey.step("cohort-without-name-and-date")
    journey.finish()


def test_proposal_answer_announces_the_services_refusal(open_journey, live_server, data):
    """The e-mail address passes the form but not the service: its refusal lands on the field."""
    proposal = data(world.proposal_for_a_contact, "errors")
    journey = open_journey("form-error-answer", "nl")
    page = journey.page
    page.goto(live_server.link_in_mail(proposal.contact_email, "/e/placement/"))
    page.get_by_label("Naam van de werkbegeleider").fill("Sanne de Vries")
    page.get_by_label("E-mailadres van de werkbegeleider").fill("geen adres")
    page.get_by_role("button", name="Bevestigen", exact=True).click()
    assert_error_announced(page, "confirm-supervisor_email")
    expect(page.get_by_label("E-mailadres van de werkbegeleider")).to_have_accessible_description(
        re.compile("Dit is geen geldig e-mailadres.")
    )
    journey.step("answer-with-a-wrong-address")
    journey.finish()


def test_login_announces_a_wrong_password(open_journey):
    journey = open_journey("form-error-login", "nl")
    page = journey.page
    journey.goto("/login")
    page.get_by_label("E-mailadres").fill(world.MANAGER_EMAIL)
    page.get_by_label("Wachtwoord", exact=True).fill("not the password")
    page.get_by_role("button", name="Inloggen").click()
    assert_error_announced(page, "password")
    journey.step("wrong-password")
    journey.finish()


def test_on_a_phone_the_menu_folds_into_one_button_and_opens_with_the_keyboard(open_journey, data):
    trainee = data(world.trainee_with_login, "menu")
    journey = open_journey("menu", "nl", viewport=PHONE)
    page = journey.page
    journey.log_in(trainee.email, world.PASSWORD)
    toggle = page.get_by_role("button", name="Menu")
    menu_link = page.locator("#main-menu").get_by_role("link", name="Mijn account")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(menu_link).to_be_hidden()
    journey.step("menu-folded")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(menu_link).to_be_visible()
    journey.step("menu-open")
    # On a wide screen there is no button: the menu is always there.
    page.set_viewport_size({"width": 1280, "height": 800})
    expect(toggle).to_be_hidden()
    expect(menu_link).to_be_visible()
    journey.finish()
