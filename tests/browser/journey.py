"""One user's way through the app in a browser page: a screenshot and an axe-core check per step.

Screenshots go to test-artifacts/screenshots/<journey>-<lang>/<nn>-<step>.png. The axe checks
collect every serious or critical WCAG 2.1 A/AA violation; `finish()` fails the test on any of
them, on a script error in the page (a Content-Security-Policy refusal among them), or on a
server error.
"""

import re
import shutil
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = ("serious", "critical")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}


def axe_source() -> str:
    if not AXE_SCRIPT.exists():
        raise AssertionError(
            f"{AXE_SCRIPT} is missing: run `make setup-test` (it installs axe-core from npm)"
        )
    return AXE_SCRIPT.read_text(encoding="utf-8")


def axe_violations(page: Page) -> list[dict]:
    """Serious and critical WCAG 2.1 A/AA violations on the page as it is now.

    axe is evaluated over the DevTools protocol, which the page's Content-Security-Policy does
    not govern, so the CSP stays on for the page's own scripts (no bypass_csp in these tests).
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    result = page.evaluate(
        """(tags) => axe.run(document, {
            runOnly: {type: 'tag', values: tags},
            resultTypes: ['violations'],
        })""",
        AXE_TAGS,
    )
    assert result["passes"], f"axe checked nothing on {page.url}"
    return [v for v in result["violations"] if v["impact"] in FAILING_IMPACTS]


def describe_violations(where: str, violations: list[dict]) -> str:
    lines = [f"{where}:"]
    for v in violations:
        lines.append(f"  {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"][:8]:
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    {' '.join(map(str, node['target']))}: {summary}")
        if len(v["nodes"]) > 8:
            lines.append(f"    ... and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class Journey:
    """A page in its own browser context, with the language the journey runs in."""

    def __init__(self, page: Page, name: str, lang: str, server):
        self.page, self.name, self.lang, self.server = page, name, lang, server
        self.folder = SCREENSHOTS / f"{name}-{lang}"
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self.steps = 0
        self.problems: list[str] = []
        self.script_errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.script_errors.append(f"{page.url}: {error}"))
        page.on("response", self._response)

    def _console(self, message) -> None:
        # A failed load is reported by _response, with its address.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.script_errors.append(f"{self.page.url}: {message.text}")

    def _response(self, response) -> None:
        """A stylesheet or script the page asks for must be there (pages may answer 400 to a form)."""
        request = response.request
        if (
            response.status >= 400
            and request.resource_type != "document"
            and not request.url.endswith("/favicon.ico")
        ):
            self.script_errors.append(f"{self.page.url}: {request.url} answered {response.status}")

    def text(self, nl: str, en: str) -> str:
        """The text the page should show in this journey's language."""
        return nl if self.lang == "nl" else en

    def goto(self, path: str) -> None:
        self.page.goto(self.server.url + path)

    def step(self, name: str, show: Locator | None = None) -> None:
        """Record the page as it is now: a screenshot (of the window, scrolled to `show` if given:
        whole-page shots of the long pages cost seconds), and axe's findings on the whole page."""
        self.page.wait_for_load_state()
        self.steps += 1
        label = f"{self.steps:02d}-{slug(name)}"
        if show is not None:
            show.scroll_into_view_if_needed()
        self.page.screenshot(path=self.folder / f"{label}.png")
        where = f"{self.name}-{self.lang} {label} ({self.page.url})"
        if violations := axe_violations(self.page):
            self.problems.append(describe_violations(where, violations))
        # Reflow (WCAG 1.4.10): the page fits the window's width; wide tables scroll in their own box.
        widths = self.page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if widths[0] > widths[1]:
            self.problems.append(f"{where}: the page is {widths[0]}px wide in a {widths[1]}px window")

    def use_language(self) -> None:
        """Switch the page to this journey's language with the switch in the footer, if needed."""
        html = self.page.locator("html")
        if html.get_attribute("lang") != self.lang:
            self.page.locator("footer .language-switch button").click()
        expect(html).to_have_attribute("lang", self.lang)

    def log_in(self, email: str, password: str) -> None:
        page = self.page
        self.goto("/login")
        self.use_language()
        self.step("login")
        page.get_by_label(self.text("E-mailadres", "E-mail address")).fill(email)
        page.get_by_label(self.text("Wachtwoord", "Password"), exact=True).fill(password)
        page.locator("main form button[type=submit]").click()
        expect(page.locator("form[action$='/logout']")).to_be_attached()  # folded in the menu on a phone
        # Language is a choice on the account once logged in: switch again where the account differs.
        self.use_language()

    def finish(self) -> None:
        """Fail on what the steps collected: accessibility problems and script errors."""
        assert not self.problems, (
            "accessibility problems (serious or critical axe-core findings, reflow):\n"
            + "\n".join(self.problems)
        )
        assert not self.script_errors, "errors in the browser console:\n" + "\n".join(self.script_errors)
