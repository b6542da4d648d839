"""Every page a role can reach, checked by tools others wrote (issue 15): axe-core at 360 and
1280 px, and the W3C Nu HTML checker, in Dutch and in English, on the demo data.

Each role logs in and follows the links of its pages (same site, GET, no downloads, feeds or
logout), at most PER_PATTERN pages of one shape ("/trainees/<n>" counts once per few records).
Every page is opened at both widths and checked with axe (serious and critical WCAG 2.1 A/AA
findings) and for reflow; its HTML, as the server sent it, goes to a folder per language that
the Nu checker then reads in one call. The test fails on any finding and lists them all.
"""

import json
import re
import subprocess
import threading
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from flask import got_request_exception
from playwright.sync_api import Page
from werkzeug.serving import make_server

from app import create_app
from demo import DEMO_PASSWORD, LOGINS, load_demo
from extensions import db
from tests.browser.conftest import QuietHandler
from tests.browser.journey import DESKTOP, PHONE, ROOT, axe_violations, describe_violations
from tests.conftest import database_url

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
PER_PATTERN = 2  # pages of one shape ("/cohorts/<n>") checked per role and language
MOST_PAGES = 120  # per role and language: a crawl that finds more has lost its way
# Links that are not pages to check: downloads, feeds, the API, leaving, and the language switch.
SKIP = re.compile(
    r"^/(static|api|calendar|logout)(/|$)|\.(ics|csv|xlsx|json)$|[?&]format=|/data\.json$|^/exports/\w+"
)


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """The app with the small demo data, served by a real HTTP server on a free port."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url(tmp_path_factory.mktemp("crawl-db"))})
    errors = []
    got_request_exception.connect(lambda _sender, exception, **_: errors.append(exception), app)
    with app.app_context():
        db.drop_all()
        db.create_all()
        load_demo(date.today())
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="crawl-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", errors
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def pattern(path: str) -> str:
    return re.sub(r"\d+", "<n>", urlsplit(path).path)


@dataclass
class Crawl:
    base: str
    html_folder: Path
    pages: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def links(self, page: Page) -> list[str]:
        hrefs = page.eval_on_selector_all(
            "a[href]:not([download])", "links => links.map(a => a.getAttribute('href'))"
        )
        found = []
        for href in hrefs:
            url = urljoin(page.url, href)
            parts = urlsplit(url)
            if url.startswith(self.base) and not SKIP.search(
                parts.path + ("?" + parts.query if parts.query else "")
            ):
                found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
        return found

    def check(self, page: Page, path: str, label: str) -> None:
        response = page.goto(self.base + path)
        if response is None or response.status >= 400:
            self.problems.append(f"{label} {path}: answered {response and response.status}")
            return
        name = re.sub(r"[^a-z0-9]+", "-", f"{label}{path}".lower()).strip("-")[:150]
        (self.html_folder / f"{name}.html").write_text(response.text(), encoding="utf-8")
        for viewport in (DESKTOP, PHONE):
            page.set_viewport_size(viewport)
            where = f"{label} {path} at {viewport['width']} px"
            if violations := axe_violations(page):
                self.problems.append(describe_violations(where, violations))
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > viewport["width"]:
                self.problems.append(f"{where}: the page is {width} px wide")

    def walk(self, page: Page, start: str, label: str) -> None:
        queue, seen, per_pattern = [start], set(), {}
        while queue and len(seen) < MOST_PAGES:
            path = queue.pop(0)
            shape = pattern(path)
            if path in seen or per_pattern.get(shape, 0) >= PER_PATTERN:
                continue
            seen.add(path)
            per_pattern[shape] = per_pattern.get(shape, 0) + 1
            self.check(page, path, label)
            self.pages.append(f"{label} {path}")
            queue.extend(link for link in self.links(page) if link not in seen)


def log_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_selector("form[action$='/logout']")


def choose_language(page: Page, lang: str) -> None:
    if page.locator("html").get_attribute("lang") != lang:
        page.click("footer .language-switch button")
        page.wait_for_load_state()


def nu_errors(folder: Path) -> list[str]:
    if not VNU.exists():
        raise AssertionError(f"{VNU} is missing: run `make setup-test` (it installs vnu-jar from npm)")
    result = subprocess.run(  # noqa: S603 - our own files, a fixed command
        ["java", "-jar", str(VNU), "--format", "json", "--errors-only", "--exit-zero-always", str(folder)],
        capture_output=True,
        text=True,
        check=True,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    return [f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m['message']}" for m in messages]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_reachable_page_passes_axe_and_the_nu_checker(browser, demo_server, tmp_path, lang):
    base, server_errors = demo_server
    crawl = Crawl(base, tmp_path)
    roles = [("anonymous", None), *((role.value, email) for role, email, _name in LOGINS)]
    for label, email in roles:
        context = browser.new_context(viewport=DESKTOP, locale="nl-NL", timezone_id="Europe/Amsterdam")
        page = context.new_page()
        if email:
            log_in(page, base, email)
        else:
            page.goto(base + "/login")
        choose_language(page, lang)
        crawl.walk(page, "/" if email else "/login", label)
        context.close()
    errors = nu_errors(tmp_path)
    found = f"{len(crawl.problems)} axe/reflow problems, {len(errors)} Nu errors"
    print(f"\n{lang}: {len(crawl.pages)} pages, {found}")
    assert not server_errors, f"the server raised: {server_errors!r}"
    assert not (crawl.problems or errors), "\n".join(
        ["axe-core and reflow:", *crawl.problems, "Nu HTML checker:", *errors]
    )
