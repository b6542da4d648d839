"""Every form refuses a POST without a valid CSRF token, and every form on every page carries one.

The walk covers every state-changing route in `app.url_map` (POST, PUT, PATCH, DELETE) outside
/api/. The API is left out on purpose: it accepts only a bearer token in the Authorization
header, which a browser never adds by itself to a cross-site request, and no cookie is a login
there (test_route_matrix.py checks that a logged-in browser gets 401), so CSRF cannot reach it.

Each route is posted by a principal who may act on it (from the route matrix's table, on the
same kind of world), with the session cookie but without a token, and with another session's
token: the answer must be the CSRF refusal (400 with its page), and no row in any table may
change. A route that should do without CSRF must be listed in CSRF_EXEMPT with its reason.
"""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask_babel import force_locale, gettext
from werkzeug.routing.converters import NumberConverter

from extensions import db
from tests import test_route_matrix as matrix
from tests.test_route_matrix import ANONYMOUS, LOGGED_IN, ROUTES, TO_LOGIN

world = matrix.world  # the route matrix's world, built once for this module

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
# Routes that may be posted without a CSRF token, each with the reason. None so far.
CSRF_EXEMPT: dict[str, str] = {
    "accounts.unsubscribe": "a mail provider's one-click POST (RFC 8058) has no session; the signed"
    " link in the URL is the authority, and it only turns one kind of mail off or on",
}
# Who tries first: the most privileged principal, then the others, anonymous last.
ACTORS = ("manager", "trainer", "trainee_a", "contact_a", "trainee_b", "contact_b", ANONYMOUS)
REFUSED = {401, 403, 404}


def state_changing_routes(app) -> list[tuple[str, str, object]]:
    return sorted(
        (rule.endpoint, method, rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods & STATE_CHANGING
    )


def actor_for(endpoint: str, method: str) -> str:
    """A principal the route matrix lets act on this route (not refused, not sent to log in)."""
    expected = ROUTES[endpoint].expect[method]
    for principal in ACTORS:
        answer = expected[principal]
        if answer not in REFUSED and (answer != TO_LOGIN or principal != ANONYMOUS):
            return principal
    raise AssertionError(f"nobody may {method} {endpoint}")


def placeholder_url(rule) -> str:
    """A URL for a route the matrix does not list yet: the CSRF check runs before the view."""
    values = {
        name: 1 if isinstance(conv, NumberConverter) else "x" for name, conv in rule._converters.items()
    }
    return rule.build(values)[1]


def snapshot() -> dict[str, list]:
    """Every row of every table, so any insert, update or delete shows."""
    tables = db.metadata.sorted_tables
    return {t.name: [tuple(map(repr, row)) for row in db.session.execute(sa.select(t)).all()] for t in tables}


def csrf_refusal_text(app) -> str:
    with app.test_request_context(), force_locale("nl"):
        return gettext("The form was open too long or was sent twice. Reload the page and try again.")


def post_without_valid_token(world, principal: str, method: str, path: str, token: str | None):
    client = world.app.test_client()
    cookie, _own_token = world.browsers[principal]
    if cookie is not None:
        client.set_cookie("session", cookie)
    data = {"csrf_token": token} if token else {}
    return client.open(path, method=method, data=data)


def test_every_state_changing_route_outside_the_api_refuses_a_post_without_csrf_token(world):
    app = world.app
    refusal = csrf_refusal_text(app)
    foreign_token = world.browsers["trainee_b"][1]  # a real token, but of another session
    problems = []
    checked = 0
    for endpoint, method, rule in state_changing_routes(app):
        if rule.rule.startswith("/api/") or endpoint in CSRF_EXEMPT:
            continue
        if endpoint in ROUTES:
            principal, path = actor_for(endpoint, method), world.path(ROUTES[endpoint].url)
        else:  # a new route, not yet in the matrix (whose own test fails for it): try as manager
            principal, path = "manager", placeholder_url(rule)
        for token in (None, foreign_token if principal != "trainee_b" else world.browsers["manager"][1]):
            with app.app_context():
                before = snapshot()
            response = post_without_valid_token(world, principal, method, urlsplit(path).path, token)
            with app.app_context():
                after = snapshot()
            kind = "of another session" if token else "missing"
            what = f"{method} {path} ({endpoint}) as {principal}, token {kind}"
            if response.status_code != 400 or refusal not in response.get_data(as_text=True):
                problems.append(f"{what}: not refused for CSRF, got {response.status_code}")
            changed = [name for name in before if before[name] != after[name]]
            if changed:
                problems.append(f"{what}: changed {changed}")
        checked += 1
    assert problems == []
    assert checked >= 40  # the walk really walked (there are dozens of forms)


def test_the_exemptions_name_real_routes(world):
    endpoints = {rule.endpoint for rule in world.app.url_map.iter_rules()}
    assert set(CSRF_EXEMPT) <= endpoints


def test_the_api_is_exempt_because_it_takes_no_cookie(world):
    """The reason the walk skips /api/: a browser session is no login there."""
    client = world.app.test_client()
    client.set_cookie("session", world.browsers["manager"][0])
    for _endpoint, method, rule in state_changing_routes(world.app):
        if rule.rule.startswith("/api/"):
            response = client.open(placeholder_url(rule), method=method, json={})
            assert response.status_code == 401, f"{method} {rule.rule}"


# --- Every form on every page carries a token ----------------------------------------------------


class FormFinder(HTMLParser):
    """The POST forms of a page, each with the names and values of its hidden inputs."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._current: dict | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            post = (attributes.get("method") or "get").lower() == "post"
            self._current = {"action": attributes.get("action"), "inputs": {}} if post else None
            if post:
                self.forms.append(self._current)
        elif tag in ("input", "button") and self._current is not None and attributes.get("name"):
            self._current["inputs"][attributes["name"]] = attributes.get("value")

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def has_csrf_token(form: dict) -> bool:
    """A `csrf_token` input, or a prefixed one (`note-csrf_token`) of a form with a prefix, which
    CSRFProtect accepts too (it takes any field whose name ends in csrf_token)."""
    return any(name.endswith("csrf_token") and value for name, value in form["inputs"].items())


PAGE_VIEWERS = ("manager", "trainer", "trainee_a", "contact_a", ANONYMOUS)


def pages(world):
    """(principal, path) for every GET page (not the API, not feeds) a principal may open."""
    for endpoint, spec in sorted(ROUTES.items()):
        expected = spec.expect.get("GET")
        if expected is None or endpoint.startswith(("api.", "feeds.")):
            continue
        for principal in PAGE_VIEWERS:
            if expected[principal] == 200:
                yield principal, world.path(spec.url)


def test_every_post_form_on_every_page_carries_a_csrf_token(world):
    problems, forms_seen = [], 0
    opened = set()
    for principal, path in pages(world):
        client = world.app.test_client()
        cookie, _token = world.browsers[principal]
        if cookie is not None:
            client.set_cookie("session", cookie)
        response = client.get(path)
        assert response.status_code == 200, f"GET {path} as {principal}"
        opened.add(path)
        body = response.get_data()  # read whole: a streamed export ends its request here
        if response.mimetype != "text/html":
            continue  # the icon, an export: no page, no forms
        finder = FormFinder()
        finder.feed(body.decode())
        for form in finder.forms:
            forms_seen += 1
            if not has_csrf_token(form):
                problems.append(f"{path} as {principal}: the form to {form['action']} has no csrf_token")
    assert problems == []
    assert len(opened) >= 30 and forms_seen >= 100, (len(opened), forms_seen)


@pytest.mark.parametrize("principal", LOGGED_IN)
def test_a_missing_page_has_its_language_form_protected_too(world, principal):
    client = world.app.test_client()
    client.set_cookie("session", world.browsers[principal][0])
    finder = FormFinder()
    finder.feed(client.get("/no-such-page").get_data(as_text=True))
    assert finder.forms and all(has_csrf_token(form) for form in finder.forms)
