"""Every route, every method, every kind of user: the answer the access rules promise.

One world (built once for the module) holds two cohorts with a trainee each (A and B), two host
municipalities with a contact and an offer each, A's confirmed placement at municipality A, a
trainer who gives a session of A's cohort, a manager and a deactivated user (a manager once).
ROUTES below says, for every endpoint in `app.url_map` (except `static`) and each of its
methods, what each principal gets when it opens the route with the ids of A's records: so the
B side and the other roles run into the scope rules (404), the role gates (403) and the login
(302 to /login on pages, 401 in the API).

A route missing from ROUTES fails `test_the_table_lists_every_route_of_the_app`: no route can be
forgotten. POSTs send a valid CSRF token and an empty form (the API: an empty JSON body), since
the point is the access decision, not the action. A principal who may act gets MAY_ACT (done,
or the form shown again with its problems), never 403, 404 or 500.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from accounts.models import LoginSession, Role, User
from accounts.services import create_api_token, request_password_reset, set_active, set_password
from accounts.unsubscribe import unsubscribe_url
from app import create_app
from cohort.follow_ups import services as follow_up_services
from cohort.follow_ups.links import confirm_url, follow_up_url
from cohort.follow_ups.models import WorkOutcome
from cohort.models import Cohort, Trainee
from cohort.services import (
    CohortInput,
    add_closure,
    default_template,
    enrol_trainee,
    save_cohort,
    seed_default_templates,
)
from core.clock import local_today
from core.workdays import add_months
from extensions import db
from outbox.models import OutboxMessage
from placements import services as placement_services
from placements.links import answer_url
from placements.models import Placement, Supervisor
from placements.municipalities.services import create_offer, submit_offer
from placements.return_day_feed import municipality_feed_url
from placements.supervisor_feed import supervisor_feed_url
from sessions.feed_service import cohort_feed_url, trainee_feed_token, trainee_feed_url
from sessions.models import TrainingSession
from sessions.services import record_attendance, report_absence, update_session
from tests.conftest import CHEAP_HASH, RequestClient, csrf_token_from, database_url, login
from tests.factories import PASSWORD, answer_token, evaluation_token, make_municipality, make_user

# --- Principals and what they may expect --------------------------------------------------

ANONYMOUS, DEACTIVATED = "anonymous", "deactivated"
LOGGED_IN = ("trainee_a", "trainee_b", "contact_a", "contact_b", "trainer", "manager")
PRINCIPALS = (ANONYMOUS, *LOGGED_IN, DEACTIVATED)


@dataclass(frozen=True)
class Redirect:
    """A 302 to this path (a format string over the world's ids); the query string is ignored."""

    path: str


TO_LOGIN = Redirect("/login")
# An allowed form post with an empty form: done and redirected (302), or the form shown again
# with its problems (200, 400), or refused because of the record's state (409).
MAY_ACT = frozenset({200, 302, 400, 409})

Expected = int | frozenset | Redirect


def everyone(expected: Expected) -> dict[str, Expected]:
    """No login needed (public pages, links that carry their own secret): the same for all."""
    return dict.fromkeys(PRINCIPALS, expected)


def page(**allowed: Expected) -> dict[str, Expected]:
    """An HTML page behind the login: anonymous and deactivated users are sent to log in, and a
    logged-in principal not named gets 403 (a page for another role)."""
    unknown = set(allowed) - set(LOGGED_IN)
    assert not unknown, f"not a logged-in principal: {unknown}"
    return {ANONYMOUS: TO_LOGIN, DEACTIVATED: TO_LOGIN, **dict.fromkeys(LOGGED_IN, 403), **allowed}


def logged_in(expected: Expected) -> dict[str, Expected]:
    """Any logged-in user, whatever the role."""
    return page(**dict.fromkeys(LOGGED_IN, expected))


def api(**given: Expected) -> dict[str, Expected]:
    """An API endpoint: no token or a deactivated user's token is a 401; every token holder is
    named explicitly, so each scope decision is written down."""
    assert set(given) == set(LOGGED_IN), f"name every token holder, missing {set(LOGGED_IN) - set(given)}"
    return {ANONYMOUS: 401, DEACTIVATED: 401, **given}


def api_for_all(expected: Expected) -> dict[str, Expected]:
    return api(**dict.fromkeys(LOGGED_IN, expected))


# --- The world ------------------------------------------------------------------------------

TRAINEE_A_PHONE = "06 3141 5926"
ATTENDANCE_NOTE = "Trein had vertraging"  # trainee A, in the session the trainer gives
OTHER_ABSENCE_REASON = "Afspraak bij de IND"  # trainee A, for a session the trainer does not give


@dataclass
class World:
    app: object
    ids: dict[str, int | str]
    browsers: dict[str, tuple[str | None, str]]  # principal -> (session cookie, CSRF token)
    api_tokens: dict[str, str | None]  # principal -> bearer token
    emails: dict[str, str | None]  # principal -> the address to log in with
    base_url: str = field(default="http://localhost")

    def record(self, model, name: str):
        """A fresh copy of one of the world's records (inside an app context)."""
        return db.session.get(model, self.ids[name])

    def local(self, url: str) -> str:
        assert url.startswith(self.base_url), url
        return url.removeprefix(self.base_url)

    def path(self, url: "str | Callable[[World], str]") -> str:
        """The route's URL for A's records; token links are made now, with the app's own functions."""
        with self.app.app_context():
            return url.format_map(self.ids) if isinstance(url, str) else url(self)

    def trainee_a_feed_secret(self) -> str:
        with self.app.app_context():
            return trainee_feed_token(self.record(Trainee, "trainee_a"))

    def request(self, principal: str, method: str, path: str, body=None, own_login: bool = False):
        """One request as a browser (session cookie, CSRF token) or, under /api/, as an API client.
        With `own_login`, a logged-in principal logs in anew for it (logging out ends that login)."""
        client = self.app.test_client()
        if path.startswith("/api/"):
            token = self.api_tokens[principal]
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            json = body if method != "GET" else None
            return client.open(path, method=method, headers=headers, json=json)
        cookie, csrf = self.browsers[principal]
        if own_login and principal in LOGGED_IN:
            cookie, csrf = _browser(self.app, self.emails[principal])
        if cookie is not None:
            client.set_cookie("session", cookie)
        data = {"csrf_token": csrf} if method == "POST" else None
        return client.open(path, method=method, data=data)


def _next_monday(day: date) -> date:
    return day + timedelta(days=7 - day.weekday())


def _user_of(trainee: Trainee) -> User:
    return db.session.scalar(sa.select(User).filter_by(trainee_id=trainee.id))


def _build(ids: dict) -> dict[str, User | None]:
    """The records; returns the user of each principal (None for anonymous)."""
    start_a = _next_monday(local_today()) + timedelta(weeks=1)
    add_closure(start_a + timedelta(days=9), start_a + timedelta(days=9), "Studiedag")
    cohort_a, _changes = save_cohort(
        None,
        CohortInput(name="Matrix A", template=default_template(), start_date=start_a, location="Utrecht"),
    )
    cohort_b, _changes = save_cohort(
        None,
        CohortInput(
            name="Matrix B",
            template=default_template(),
            start_date=start_a + timedelta(weeks=2),
            location="Zwolle",
        ),
    )
    trainee_a = enrol_trainee(
        cohort_a, name="Deelnemer A", email="trainee-a@mail.example", phone=TRAINEE_A_PHONE
    )
    trainee_b = enrol_trainee(cohort_b, name="Deelnemer B", email="trainee-b@mail.example")
    for trainee in (trainee_a, trainee_b):
        set_password(_user_of(trainee), PASSWORD)
    db.session.commit()

    municipality_a = make_municipality("Amersfoort")
    municipality_b = make_municipality("Breda", province="Noord-Brabant")
    contact_a = make_user(
        Role.MUNICIPALITY, email="contact-a@amersfoort.example", municipality_id=municipality_a.id
    )
    contact_b = make_user(
        Role.MUNICIPALITY, email="contact-b@breda.example", municipality_id=municipality_b.id
    )
    offer_a = create_offer(
        municipality_a, {"places": 2, "cohort_id": cohort_a.id, "address": "Stadhuisplein 1"}
    )
    offer_b = create_offer(
        municipality_b, {"places": 2, "cohort_id": cohort_b.id, "address": "Claudius Prinsenlaan 10"}
    )
    manager = make_user(Role.MANAGER, email="manager@cohort.example")
    trainer = make_user(Role.TRAINER, email="trainer@cohort.example")
    spare_user = make_user(Role.TRAINER, email="spare@cohort.example")  # the manager switches it on and off
    deactivated = make_user(Role.MANAGER, email="deactivated@cohort.example")

    placement_a = placement_services.propose(trainee_a, offer_a, manager)
    placement_services.confirm(
        placement_a,
        {"supervisor_name": "Eva de Boer", "supervisor_email": "eva@amersfoort.example"},
        contact_a,
    )
    placement_b = placement_services.propose(trainee_b, offer_b, manager)  # B's own, still proposed
    # A former trainee whose 3-month follow-up is open, working at A's municipality.
    trainee_c = enrol_trainee(cohort_b, name="Deelnemer C", email="trainee-c@mail.example")
    trainee_c.status, trainee_c.completed_on = "completed", add_months(local_today(), -3) - timedelta(days=2)
    outcome_c = follow_up_services.answer_follow_up(trainee_c, 3, "consultant", "Amersfoort", "", True)

    sessions_a = db.session.scalars(
        sa.select(TrainingSession).filter_by(cohort_id=cohort_a.id).order_by(TrainingSession.date)
    ).all()
    update_session(sessions_a[0], {"trainer_id": trainer.id})
    record_attendance(
        sessions_a[0], [{"trainee_id": trainee_a.id, "status": "late", "note": ATTENDANCE_NOTE}], trainer
    )
    report_absence(trainee_a, sessions_a[1], OTHER_ABSENCE_REASON)  # a session another trainer gives
    submission = submit_offer(
        {
            "organisation": "Gemeente Nergenshuizen",
            "contact_name": "Piet Jansen",
            "contact_email": "piet@nergenshuizen.example",
            "places": 1,
            "period": "voorjaar",
        },
        "192.0.2.10",
    )
    db.session.commit()

    request_password_reset(_user_of(trainee_a).email)
    db.session.commit()
    reset_mail = db.session.scalar(
        sa.select(OutboxMessage).filter_by(kind="reset", recipient=_user_of(trainee_a).email)
    )
    invitation = db.session.scalar(
        sa.select(OutboxMessage).filter_by(kind="invitation", recipient=_user_of(trainee_a).email)
    )
    ids.update(
        cohort_a=cohort_a.id,
        cohort_b=cohort_b.id,
        trainee_a=trainee_a.id,
        trainee_b=trainee_b.id,
        trainee_c=trainee_c.id,
        outcome_c=outcome_c.id,
        trainee_a_user=_user_of(trainee_a).id,
        municipality_a=municipality_a.id,
        offer_a=offer_a.id,
        placement_a=placement_a.id,
        placement_b=placement_b.id,
        supervisor_a=placement_a.supervisor_id,
        session_a=sessions_a[0].id,  # the trainer gives it
        spare_session=sessions_a[-1].id,  # the manager's edit and cancel act on this one
        submission=submission.id,
        programme=default_template().id,
        message=invitation.id,
        spare_user=spare_user.id,
        trainer=trainer.id,
        contact_a=contact_a.id,
        deactivated=deactivated.id,
        reset_token=re.search(r"/password/set/([\w-]+)", reset_mail.body_text).group(1),
    )
    return {
        ANONYMOUS: None,
        "trainee_a": _user_of(trainee_a),
        "trainee_b": _user_of(trainee_b),
        "contact_a": contact_a,
        "contact_b": contact_b,
        "trainer": trainer,
        "manager": manager,
        DEACTIVATED: deactivated,
    }


def _browser(app, email: str | None) -> tuple[str | None, str]:
    """Log in (unless anonymous), open a page with a form; keep the session cookie and its CSRF token."""
    client = app.test_client()
    if email is not None:
        response = login(client, email)
        assert response.status_code == 302, response.get_data(as_text=True)
    html = client.get("/account" if email else "/login").get_data(as_text=True)
    cookie = client.get_cookie("session")
    return (cookie.value if cookie else None), csrf_token_from(html)


@pytest.fixture(scope="module")
def world(tmp_path_factory, test_databases):
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url(tmp_path_factory.mktemp("route_matrix")),
            "BASE_URL": "http://localhost",
            "SMTP_HOST": None,
            "SERVER_NAME": None,
            "PASSWORD_HASH_METHOD": CHEAP_HASH,
        }
    )
    app.test_client_class = RequestClient
    ids: dict = {}
    with app.app_context():
        db.drop_all()
        db.create_all()
        seed_default_templates()
        db.session.commit()
        users = _build(ids)
        emails = {p: (u.email if u else None) for p, u in users.items()}
        api_tokens = {p: (create_api_token(u, "route matrix")[1] if u else None) for p, u in users.items()}
        _token, _secret = create_api_token(users["trainee_a"], "to revoke")
        ids["spare_token"] = _token.id  # trainee A's second token, for the revoke route
        db.session.commit()
    _browser(app, emails["trainee_a"])  # trainee A's other login, for the "log out there" route
    with app.app_context():
        ids["spare_login"] = db.session.scalar(sa.select(LoginSession.id))
    browsers = {p: _browser(app, email) for p, email in emails.items()}
    with app.app_context():
        # Logged in and holding a token and a cohort feed link, then deactivated: all of it dies.
        set_active(db.session.get(User, ids["deactivated"]), False)
        db.session.commit()
    yield World(app=app, ids=ids, browsers=browsers, api_tokens=api_tokens, emails=emails)
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


# --- Links that carry their own secret (made when the test runs, so a renewed link is used) ---


def trainee_feed(w: World) -> str:
    return w.local(trainee_feed_url(w.record(Trainee, "trainee_a")))


def cohort_feed(w: World) -> str:
    return w.local(cohort_feed_url(w.record(Cohort, "cohort_a"), w.record(User, "trainer")))


def municipality_feed(w: World) -> str:
    return w.local(municipality_feed_url(w.record(User, "contact_a")))


def supervisor_feed(w: World) -> str:
    return w.local(supervisor_feed_url(w.record(Supervisor, "supervisor_a")))


def answer_link(w: World) -> str:
    return w.local(answer_url(w.record(Placement, "placement_a"), w.record(User, "contact_a")))


def unsubscribe_link(w: World) -> str:
    return w.local(unsubscribe_url(w.ids["trainee_a_user"], "session_reminder"))


def follow_up_link(w: World) -> str:
    return w.local(follow_up_url(w.record(Trainee, "trainee_c"), 3))


def confirm_link(w: World) -> str:
    return w.local(confirm_url(w.record(WorkOutcome, "outcome_c"), w.record(User, "contact_a")))


def evaluation_link(w: World) -> str:
    return "/e/evaluation/" + evaluation_token(w.record(Placement, "placement_a"), "midterm")


SET_PASSWORD_LINK = "/password/set/{reset_token}"


# --- The table ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    url: "str | Callable[[World], str]"
    expect: dict[str, dict[str, Expected]]  # method -> principal -> expected answer
    body: object = None  # the JSON body of an API write


def route(url, body=None, **by_method: dict[str, Expected]) -> Route:
    return Route(url, by_method, {} if body is None else body)


HOMES = {
    "trainee_a": Redirect("/schedule"),
    "trainee_b": Redirect("/schedule"),
    "contact_a": Redirect("/portal"),
    "contact_b": Redirect("/portal"),
    "trainer": Redirect("/teaching"),
    "manager": Redirect("/dashboard"),
}
LOGIN_PAGE = {ANONYMOUS: 200, DEACTIVATED: 200, **dict.fromkeys(LOGGED_IN, Redirect("/"))}
# Who sees cohort A (and its sessions and trainee A): the manager, its trainer, trainee A.
COHORT_A_READERS = {
    "manager": 200,
    "trainer": 200,
    "trainee_a": 200,
    "trainee_b": 404,
    "contact_a": 404,
    "contact_b": 404,
}
# Who sees municipality A's offer: the manager and municipality A's contact.
OFFER_A_READERS = {
    "manager": 200,
    "contact_a": 200,
    "trainee_a": 404,
    "trainee_b": 404,
    "trainer": 404,
    "contact_b": 404,
}
# Who sees A's placement: the manager, municipality A's contact and trainee A.
PLACEMENT_A_READERS = {**OFFER_A_READERS, "trainee_a": 200}
# A placement answer from the API with an empty body: the manager and contact A may answer
# (400: no supervisor / no reason); trainee A sees the placement but may not answer it.
PLACEMENT_A_ANSWER = {**PLACEMENT_A_READERS, "manager": 400, "contact_a": 400, "trainee_a": 403}
MANAGER_ONLY_API_WRITE = {**dict.fromkeys(LOGGED_IN, 403), "manager": 400}

ROUTES: dict[str, Route] = {
    # --- core
    "home.home": route("/", GET={ANONYMOUS: TO_LOGIN, DEACTIVATED: TO_LOGIN, **HOMES}),
    "home.healthz": route("/healthz", GET=everyone(200)),
    "home.favicon": route("/favicon.ico", GET=everyone(200)),
    "home.switch_language": route("/language", POST=everyone(Redirect("/"))),
    # --- accounts
    "accounts.login": route("/login", GET=LOGIN_PAGE, POST=LOGIN_PAGE),
    "accounts.logout": route("/logout", POST=everyone(TO_LOGIN)),
    "accounts.forgot_password": route("/password/forgot", GET=everyone(200), POST=everyone(200)),
    "accounts.set_password": route(SET_PASSWORD_LINK, GET=everyone(200), POST=everyone(200)),
    "accounts.users": route("/users", GET=page(manager=200)),
    "accounts.invite_user": route("/users/new", GET=page(manager=200), POST=page(manager=MAY_ACT)),
    "accounts.set_user_active": route(
        "/users/{spare_user}/active", GET=page(manager=200), POST=page(manager=Redirect("/users"))
    ),
    "accounts.edit_user": route(
        "/users/{spare_user}/edit", GET=page(manager=200), POST=page(manager=MAY_ACT)
    ),
    "accounts.unlock_user": route("/users/{spare_user}/unlock", POST=page(manager=Redirect("/users"))),
    "accounts.resend_invitation": route(
        "/users/{trainee_a_user}/invite", POST=page(manager=Redirect("/users"))
    ),
    "accounts.unsubscribe": route(unsubscribe_link, GET=everyone(200), POST=everyone(200)),
    "accounts.account": route("/account", GET=logged_in(200), POST=logged_in(MAY_ACT)),
    "accounts.api_tokens": route("/account/tokens", GET=logged_in(200), POST=logged_in(MAY_ACT)),
    # Tokens are personal: even the manager gets 404 for trainee A's token.
    "accounts.revoke_api_token": route(
        "/account/tokens/{spare_token}/revoke",
        POST={**logged_in(404), "trainee_a": Redirect("/account/tokens")},
    ),
    # Logins are personal too; trainee A ends their other login (before "all other devices" runs).
    "accounts.end_login_session": route(
        "/account/sessions/{spare_login}/end",
        POST={**logged_in(404), "trainee_a": Redirect("/account")},
    ),
    "accounts.end_other_login_sessions": route(
        "/account/sessions/end-others", POST=logged_in(Redirect("/account"))
    ),
    # --- JSON API (bearer token only)
    "api.openapi": route("/api/v1/openapi.json", GET=everyone(200)),
    "api.me": route("/api/v1/me", GET=api_for_all(200)),
    "api.list_cohorts": route("/api/v1/cohorts", GET=api_for_all(200)),
    "api.create_cohort": route("/api/v1/cohorts", POST=api(**MANAGER_ONLY_API_WRITE)),
    "api.get_cohort": route("/api/v1/cohorts/{cohort_a}", GET=api(**COHORT_A_READERS)),
    "api.cohort_stats": route(
        "/api/v1/cohorts/{cohort_a}/stats", GET=api(**{**dict.fromkeys(LOGGED_IN, 403), "manager": 200})
    ),
    "api.cohort_outcomes": route(
        "/api/v1/cohorts/{cohort_a}/outcomes", GET=api(**{**dict.fromkeys(LOGGED_IN, 403), "manager": 200})
    ),
    "api.cohort_sessions": route("/api/v1/cohorts/{cohort_a}/sessions", GET=api(**COHORT_A_READERS)),
    "api.update_session": route(
        "/api/v1/sessions/{session_a}",
        PATCH=api(**{**COHORT_A_READERS, "manager": 200, "trainer": 403, "trainee_a": 403}),
    ),
    "api.enrol_trainee": route(
        "/api/v1/cohorts/{cohort_a}/trainees",
        POST=api(**{**COHORT_A_READERS, "manager": 400, "trainer": 403, "trainee_a": 403}),
    ),
    "api.cohort_trainees": route("/api/v1/cohorts/{cohort_a}/trainees", GET=api(**COHORT_A_READERS)),
    "api.get_trainee": route("/api/v1/trainees/{trainee_a}", GET=api(**COHORT_A_READERS)),
    # The schedule shows the internship place: not for the trainer (cohort.access.sees_trainee_details).
    "api.trainee_schedule": route(
        "/api/v1/trainees/{trainee_a}/schedule", GET=api(**{**COHORT_A_READERS, "trainer": 403})
    ),
    "api.get_attendance": route(
        "/api/v1/sessions/{session_a}/attendance", GET=api(**{**COHORT_A_READERS, "trainee_a": 403})
    ),
    "api.put_attendance": route(
        "/api/v1/sessions/{session_a}/attendance",
        body=[],
        PUT=api(**{**COHORT_A_READERS, "trainee_a": 403}),
    ),
    "api.placement_proposal": route(
        "/api/v1/cohorts/{cohort_a}/placement-proposal",
        body={},
        POST=api(**{**COHORT_A_READERS, "manager": 200, "trainee_a": 403, "trainer": 403}),
    ),
    "api.placement_status": route(
        "/api/v1/cohorts/{cohort_a}/placement-status",
        GET=api(**{**COHORT_A_READERS, "trainee_a": 403, "trainer": 403}),
    ),
    "api.list_municipalities": route("/api/v1/municipalities", GET=api_for_all(200)),
    "api.create_municipality": route("/api/v1/municipalities", POST=api(**MANAGER_ONLY_API_WRITE)),
    "api.create_offer": route(
        "/api/v1/municipalities/{municipality_a}/offers",
        POST=api(**{**OFFER_A_READERS, "manager": 400, "contact_a": 403}),
    ),
    "api.get_offer": route("/api/v1/offers/{offer_a}", GET=api(**OFFER_A_READERS)),
    "api.list_supervisors": route(
        "/api/v1/municipalities/{municipality_a}/supervisors", GET=api(**OFFER_A_READERS)
    ),
    "api.add_supervisor": route(
        "/api/v1/municipalities/{municipality_a}/supervisors",
        POST=api(**{**OFFER_A_READERS, "manager": 400, "contact_a": 400}),
    ),
    "api.propose": route("/api/v1/placements", POST=api(**MANAGER_ONLY_API_WRITE)),
    "api.get_placement": route("/api/v1/placements/{placement_a}", GET=api(**PLACEMENT_A_READERS)),
    "api.confirm": route("/api/v1/placements/{placement_a}/confirm", POST=api(**PLACEMENT_A_ANSWER)),
    "api.decline": route("/api/v1/placements/{placement_a}/decline", POST=api(**PLACEMENT_A_ANSWER)),
    # --- cohorts, trainees, programmes, closures
    "cohorts.index": route("/cohorts", GET=page(manager=200, trainer=200)),
    "cohorts.new": route("/cohorts/new", GET=page(manager=200), POST=page(manager=MAY_ACT)),
    "cohorts.detail": route("/cohorts/{cohort_a}", GET=page(manager=200, trainer=200)),
    "cohorts.edit": route("/cohorts/{cohort_a}/edit", GET=page(manager=200), POST=page(manager=MAY_ACT)),
    "cohorts.enrol": route(
        "/cohorts/{cohort_a}/trainees/new", GET=page(manager=200), POST=page(manager=MAY_ACT)
    ),
    # GET of this URL is the trainee file; the enrolment view takes the withdraw and move forms.
    "trainee_file.withdraw": route("/trainees/{trainee_a}/withdraw", POST=page(manager=MAY_ACT)),
    "trainee_file.move": route("/trainees/{trainee_a}/move", POST=page(manager=MAY_ACT)),
    "trainee_file.show": route("/trainees/{trainee_a}", GET=page(manager=200)),
    "trainee_file.add_note": route("/trainees/{trainee_a}/notes", POST=page(manager=MAY_ACT)),
    "trainee_file.set_outcome": route("/trainees/{trainee_a}/outcome", POST=page(manager=MAY_ACT)),
    # An empty form is refused on the form (A is still in the programme besides).
    "trainee_file.record_work_outcome": route("/trainees/{trainee_a}/work-outcomes", POST=page(manager=400)),
    "trainee_file.complete": route("/trainees/{trainee_a}/complete", POST=page(manager=MAY_ACT)),
    "cohorts.closures": route("/closures", GET=page(manager=200), POST=page(manager=MAY_ACT)),
    "trainee_import.upload": route(
        "/cohorts/{cohort_a}/trainees/import", GET=page(manager=200), POST=page(manager=MAY_ACT)
    ),
    # An empty confirm has no signed rows: 400.
    "trainee_import.confirm": route("/cohorts/{cohort_a}/trainees/import/confirm", POST=page(manager=400)),
    "programmes.index": route("/programmes", GET=page(manager=200)),
    "programmes.new": route("/programmes/new", GET=page(manager=200), POST=page(manager=MAY_ACT)),
    "programmes.edit": route(
        "/programmes/{programme}/edit", GET=page(manager=200), POST=page(manager=MAY_ACT)
    ),
    # --- sessions, schedules, calendar feeds
    "sessions.my_schedule": route("/schedule", GET=page(trainee_a=200, trainee_b=200)),
    "sessions.earlier_weeks": route("/schedule/earlier", GET=page(trainee_a=200, trainee_b=200)),
    "sessions.take_back_absence": route(
        "/schedule/sessions/{session_a}/absence/take-back",
        POST=page(trainee_a=Redirect("/schedule"), trainee_b=404),
    ),
    "sessions.report_absence": route(
        "/schedule/sessions/{session_a}/absence",
        GET=page(trainee_a=200, trainee_b=404),
        POST=page(trainee_a=MAY_ACT, trainee_b=404),
    ),
    "sessions.teaching": route("/teaching", GET=page(trainer=200)),
    "sessions.edit": route(
        "/sessions/{spare_session}/edit", GET=page(manager=200), POST=page(manager=MAY_ACT)
    ),
    "sessions.cancel": route(
        "/sessions/{spare_session}/cancel",
        GET=page(manager=200),
        POST=page(manager=Redirect("/cohorts/{cohort_a}")),
    ),
    "sessions.assign_trainer": route(
        "/cohorts/{cohort_a}/sessions/trainer", GET=page(manager=200), POST=page(manager=MAY_ACT)
    ),
    "sessions.add_extra": route(
        "/cohorts/{cohort_a}/sessions/new", GET=page(manager=200), POST=page(manager=MAY_ACT)
    ),
    "sessions.attendance": route(
        "/sessions/{session_a}/attendance",
        GET=page(manager=200, trainer=200),
        POST=page(manager=MAY_ACT, trainer=MAY_ACT),
    ),
    "feeds.trainee_feed": route(trainee_feed, GET=everyone(200)),
    "feeds.cohort_feed": route(cohort_feed, GET=everyone(200)),
    "feeds.municipality_feed": route(municipality_feed, GET=everyone(200)),
    "feeds.supervisor_feed": route(supervisor_feed, GET=everyone(200)),
    "feeds.reset_trainee_calendar": route(
        "/schedule/calendar/reset",
        POST=page(trainee_a=Redirect("/calendar"), trainee_b=Redirect("/calendar")),
    ),
    "feeds.subscribe": route(
        "/calendar",
        GET=page(
            trainee_a=200,
            trainee_b=200,
            contact_a=200,
            contact_b=200,
            trainer=Redirect("/cohorts"),
            manager=Redirect("/cohorts"),
        ),
    ),
    "feeds.subscribe_cohort": route("/cohorts/{cohort_a}/calendar", GET=page(manager=200, trainer=200)),
    # --- municipalities, offers, the public offer page
    "municipalities.index": route("/municipalities", GET=page(manager=200)),
    "municipalities.new": route("/municipalities/new", GET=page(manager=200), POST=page(manager=MAY_ACT)),
    "municipalities.detail": route("/municipalities/{municipality_a}", GET=page(manager=200)),
    # --- the supervisor register: managers, and a municipality's own contacts
    "supervisors.index": route(
        "/municipalities/{municipality_a}/supervisors",
        GET=page(manager=200, contact_a=200, contact_b=404),
        POST=page(manager=MAY_ACT, contact_a=MAY_ACT, contact_b=404),
    ),
    "supervisors.edit": route(
        "/supervisors/{supervisor_a}",
        GET=page(manager=200, contact_a=200, contact_b=404),
        POST=page(manager=MAY_ACT, contact_a=MAY_ACT, contact_b=404),
    ),
    "supervisors.reset_feed": route(
        "/supervisors/{supervisor_a}/feed/reset",
        POST=page(
            manager=Redirect("/supervisors/{supervisor_a}"),
            contact_a=Redirect("/supervisors/{supervisor_a}"),
            contact_b=404,
        ),
    ),
    "municipalities.edit": route(
        "/municipalities/{municipality_a}/edit", GET=page(manager=200), POST=page(manager=MAY_ACT)
    ),
    "municipalities.new_offer": route(
        "/municipalities/{municipality_a}/offers/new", GET=page(manager=200), POST=page(manager=MAY_ACT)
    ),
    "municipalities.edit_offer": route(
        "/offers/{offer_a}/edit", GET=page(manager=200), POST=page(manager=MAY_ACT)
    ),
    "municipalities.offer_public": route("/stageplek-aanbieden", GET=everyone(200), POST=everyone(200)),
    "municipalities.offer_thanks": route("/stageplek-aanbieden/bedankt", GET=everyone(200)),
    "municipalities.submissions": route("/offers/submissions", GET=page(manager=200)),
    "municipalities.approve_submission": route(
        "/offers/submissions/{submission}/approve", POST=page(manager=MAY_ACT)
    ),
    "municipalities.reject_submission": route(
        "/offers/submissions/{submission}/reject", POST=page(manager=MAY_ACT)
    ),
    # --- placements and the municipality's portal
    "placements.cohort_placements": route("/cohorts/{cohort_a}/placements", GET=page(manager=200)),
    "placements.group_proposal": route(
        "/cohorts/{cohort_a}/placements/group", GET=page(manager=200), POST=page(manager=MAY_ACT)
    ),
    "placements.propose": route(
        "/cohorts/{cohort_a}/placements", POST=page(manager=Redirect("/cohorts/{cohort_a}/placements"))
    ),
    "placements.withdraw": route(
        "/placements/{placement_a}/withdraw", POST=page(manager=Redirect("/cohorts/{cohort_a}/placements"))
    ),
    # B's placement: A's links stay as they were for the routes that follow.
    "placements.revoke_links": route(
        "/placements/{placement_b}/links/revoke",
        POST=page(manager=Redirect("/cohorts/{cohort_b}/placements")),
    ),
    "placements.end": route(
        "/placements/{placement_a}/end", POST=page(manager=Redirect("/cohorts/{cohort_a}/placements"))
    ),
    "placements.supervisor": route(
        "/placements/{placement_a}/supervisor", GET=page(manager=200), POST=page(manager=MAY_ACT)
    ),
    "placements.portal": route("/portal", GET=page(contact_a=200, contact_b=200)),
    "placements.add_place": route(
        "/portal/offers/{offer_a}/add-place", POST=page(contact_a=Redirect("/portal"), contact_b=404)
    ),
    "placements.answer_in_portal": route(
        "/portal/placements/{placement_a}",
        GET=page(contact_a=200, contact_b=404),
        POST=page(contact_a=MAY_ACT, contact_b=404),
    ),
    "placements.answer": route(answer_link, GET=everyone(200), POST=everyone(200)),
    # --- evaluations
    "evaluations.fill_in": route(
        "/evaluations/{placement_a}/midterm",
        GET=page(manager=200, contact_a=200, contact_b=404),
        POST=page(manager=MAY_ACT, contact_a=MAY_ACT, contact_b=404),
    ),
    "evaluations.show": route(
        "/evaluations/{placement_a}/midterm/view",
        GET=page(manager=200, contact_a=200, contact_b=404, trainee_a=200, trainee_b=404),
    ),
    "evaluations.missing": route("/evaluations/missing", GET=page(manager=200)),
    "evaluations.by_link": route(evaluation_link, GET=everyone(200), POST=everyone(200)),
    # C answered the 3-month follow-up already: the page says so, a post changes nothing.
    "follow_ups.answer": route(follow_up_link, GET=everyone(200), POST=everyone(200)),
    # A post without "yes" or "no" is no answer.
    "follow_ups.confirm": route(confirm_link, GET=everyone(200), POST=everyone(400)),
    # --- reminders, the outbox, the dashboard
    "reminders.outbox": route("/outbox", GET=page(manager=200)),
    "reminders.message": route("/outbox/{message}", GET=page(manager=200)),
    # The invitation is not a failed message, so retrying it is refused with a message.
    "reminders.retry": route("/outbox/{message}/retry", POST=page(manager=Redirect("/outbox/{message}"))),
    # Nothing bounced in this world: nothing to send again, back to the overview.
    "reminders.retry_bounced": route(
        "/outbox/bounces/placement/{placement_a}/retry", POST=page(manager=Redirect("/dashboard"))
    ),
    "reminder_rules.index": route("/reminders/rules", GET=page(manager=200), POST=page(manager=MAY_ACT)),
    "reports.dashboard": route("/dashboard", GET=page(manager=200)),
    "outcomes.index": route("/outcomes", GET=page(manager=200)),
    "outcomes.cohort": route("/cohorts/{cohort_a}/outcomes", GET=page(manager=200)),
    "outcomes.municipality_summary": route(
        "/municipalities/{municipality_a}/outcomes", GET=page(manager=200)
    ),
    # Trainee C worked at A's municipality, not interned there: A's contact sees no one by name.
    "outcomes.portal": route("/portal/outcomes", GET=page(contact_a=200, contact_b=200)),
    # --- exports (CSV here: the matrix reads every answer as text)
    "exports.index": route("/exports", GET=page(manager=200)),
    "exports.attendance": route("/exports/attendance?cohort={cohort_a}&format=csv", GET=page(manager=200)),
    "exports.placements": route("/exports/placements?cohort={cohort_a}&format=csv", GET=page(manager=200)),
    "exports.trainees": route("/exports/trainees?cohort={cohort_a}&format=csv", GET=page(manager=200)),
    "exports.research": route("/exports/research?cohort={cohort_a}&format=csv", GET=page(manager=200)),
    # --- privacy: the audit log, a trainee's data export and erasure
    "privacy_audit.index": route("/audit", GET=page(manager=200)),
    "privacy_subject.trainee_data": route(
        "/trainees/{trainee_a}/data", GET=page(manager=200, trainee_a=200, trainee_b=404)
    ),
    "privacy_subject.trainee_data_json": route(
        "/trainees/{trainee_a}/data.json", GET=page(manager=200, trainee_a=200, trainee_b=404)
    ),
    "privacy_subject.account_data": route("/account/data", GET=page(trainee_a=200, trainee_b=200)),
    "privacy_subject.account_data_json": route("/account/data.json", GET=page(trainee_a=200, trainee_b=200)),
    "privacy_subject.erase_confirm": route("/trainees/{trainee_a}/erase", GET=page(manager=200)),
    # An empty form has no confirmation word: refused on the form (400), nothing erased.
    "privacy_subject.erase_trainee": route("/trainees/{trainee_a}/erase", POST=page(manager=400)),
}

# Routes whose URL carries its own secret: they answer without a login, and 404 to a wrong secret.
TOKEN_ROUTES = {
    "feeds.trainee_feed",
    "feeds.cohort_feed",
    "feeds.municipality_feed",
    "feeds.supervisor_feed",
    "placements.answer",
    "evaluations.by_link",
    "follow_ups.answer",
    "follow_ups.confirm",
    "accounts.set_password",
    "accounts.unsubscribe",
}

# What each principal must never see of trainee A (except through a link that carries A's
# secret). Outsiders nothing; the trainer, who teaches A's cohort, A's name and the attendance of
# the sessions they give, but no contact details, internship place, supervisor or other
# sessions' absence reasons (cohort.access.sees_trainee_details), in pages and API alike.
OUTSIDE_A = (ANONYMOUS, "trainee_b", "contact_b", DEACTIVATED)
A_DETAILS = (
    "trainee-a@mail.example",
    TRAINEE_A_PHONE,
    "Stadhuisplein 1",  # the internship's address
    "Eva de Boer",  # the supervisor
    "eva@amersfoort.example",
    OTHER_ABSENCE_REASON,
)
TRAINER_SEES_OF_A = ("Deelnemer A", ATTENDANCE_NOTE)
HIDDEN_OF_A = {**dict.fromkeys(OUTSIDE_A, (*TRAINER_SEES_OF_A, *A_DETAILS)), "trainer": A_DETAILS}
# Trainee A's calendar feed link is private: it needs no login and shows A's internship
# (municipality, supervisor). Only A and the manager (who hands it out at enrolment) get it.
FEED_SECRET_HOLDERS = ("trainee_a", "manager")

CASES = [
    pytest.param(endpoint, method, principal, id=f"{endpoint}-{method}-{principal}")
    for endpoint, spec in ROUTES.items()
    for method, by_principal in spec.expect.items()
    for principal in by_principal
]


# --- Checking an answer -----------------------------------------------------------------------


def describe(expected: Expected, ids: dict) -> str:
    if isinstance(expected, Redirect):
        return f"302 to {expected.path.format_map(ids)}"
    if isinstance(expected, frozenset):
        return "one of " + ", ".join(map(str, sorted(expected)))
    return str(expected)


def check(response, expected: Expected, ids: dict, what: str) -> None:
    status = response.status_code
    got = f"{status}" + (f" to {response.location}" if response.location else "")
    message = f"{what}: expected {describe(expected, ids)}, got {got}"
    assert status != 500, message
    if isinstance(expected, Redirect):
        assert status == 302, message
        assert urlsplit(response.location).path == expected.path.format_map(ids), message
    elif isinstance(expected, frozenset):
        assert status in expected, message
    else:
        assert status == expected, message


# --- The tests ----------------------------------------------------------------------------------


def test_the_table_lists_every_route_of_the_app(world):
    """Both ways: a route the app has and the table lacks (or the other way round) fails here."""
    in_app = {
        (rule.endpoint, method)
        for rule in world.app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    in_table = {(endpoint, method) for endpoint, spec in ROUTES.items() for method in spec.expect}
    missing = sorted(in_app - in_table)
    unknown = sorted(in_table - in_app)
    assert not missing, "routes without an expected answer in ROUTES: " + ", ".join(
        f"{m} {e}" for e, m in missing
    )
    assert not unknown, "ROUTES lists routes the app does not have: " + ", ".join(
        f"{m} {e}" for e, m in unknown
    )


def test_every_entry_names_every_principal():
    for endpoint, spec in ROUTES.items():
        for method, by_principal in spec.expect.items():
            assert set(by_principal) == set(PRINCIPALS), (
                f"{method} {endpoint}: {set(PRINCIPALS) ^ set(by_principal)}"
            )


@pytest.mark.parametrize(("endpoint", "method", "principal"), CASES)
def test_route_answers_each_principal_as_the_table_says(world, endpoint, method, principal):
    spec = ROUTES[endpoint]
    path = world.path(spec.url)
    matched, _args = world.app.url_map.bind("").match(urlsplit(path).path, method=method)
    assert matched == endpoint, f"the table's URL {path} leads to {matched}, not {endpoint}"
    response = world.request(principal, method, path, spec.body, own_login=endpoint == "accounts.logout")
    what = f"{method} {path} ({endpoint}) as {principal}"
    check(response, spec.expect[method][principal], world.ids, what)
    if endpoint in TOKEN_ROUTES:
        return  # the link's secret is the key: whoever holds it sees what it is for
    body = response.get_data().decode("utf-8", "replace")  # the icon is no text: searched all the same
    leaked = [marker for marker in HIDDEN_OF_A.get(principal, ()) if marker in body]
    assert leaked == [], f"{what}: the answer shows A's data {leaked}"
    if principal not in FEED_SECRET_HOLDERS:
        hands_out_secret = world.trainee_a_feed_secret() in body
        assert not hands_out_secret, f"{what}: the answer hands out trainee A's private calendar feed link"


def test_a_trainer_learns_the_same_of_a_trainee_from_the_pages_as_from_the_api(world):
    """What a trainer may know of trainee A is in their pages and in their API answers alike (what
    they may not know is kept out of both by the check above, route by route)."""
    shown: dict[str, set[str]] = {"pages": set(), "API": set()}
    for spec in ROUTES.values():
        if spec.expect.get("GET", {}).get("trainer") != 200 or callable(spec.url):
            continue  # not readable by the trainer, or a link that carries its own secret
        path = world.path(spec.url)
        body = world.request("trainer", "GET", path).get_data().decode("utf-8", "replace")
        shown["API" if path.startswith("/api/") else "pages"] |= {m for m in TRAINER_SEES_OF_A if m in body}
    assert shown == {"pages": set(TRAINER_SEES_OF_A), "API": set(TRAINER_SEES_OF_A)}


def test_the_api_leaves_out_what_a_role_may_not_see(world):
    """Left out, not null: a trainer's trainee object has no e-mail, account or calendar key."""
    path = world.path("/api/v1/trainees/{trainee_a}")
    keys = {p: set(world.request(p, "GET", path).get_json()) for p in ("trainer", "manager", "trainee_a")}
    assert keys["trainer"] == {"id", "cohort_id", "name", "status"}
    details = {"user_id", "email", "home_municipality_id", "home_municipality", "calendar_url"}
    assert keys["manager"] == keys["trainee_a"] == keys["trainer"] | details


def _with_wrong_secret(path: str) -> str:
    """The same link with its secret (the last path segment, without .ics) replaced."""
    head, _sep, last = path.rpartition("/")
    secret, dot, suffix = last.partition(".ics")
    return f"{head}/{'x' * len(secret)}{dot}{suffix}"


@pytest.mark.parametrize(
    ("endpoint", "method"),
    [(endpoint, method) for endpoint in sorted(TOKEN_ROUTES) for method in ROUTES[endpoint].expect],
)
def test_a_link_with_a_wrong_secret_answers_404(world, endpoint, method):
    path = _with_wrong_secret(world.path(ROUTES[endpoint].url))
    for principal in (ANONYMOUS, "manager"):
        response = world.request(principal, method, path)
        assert response.status_code == 404, f"{method} {path} as {principal}: got {response.status_code}"


def test_a_link_for_one_purpose_or_record_opens_nothing_else(world):
    """An answer link is no evaluation link (and the other way round), a secret fits one id only,
    and a deactivated manager's cohort feed stops working."""
    with world.app.app_context():
        placement = world.record(Placement, "placement_a")
        trainee_b_feed = world.local(trainee_feed_url(world.record(Trainee, "trainee_b")))
        deactivated_feed = world.local(
            cohort_feed_url(world.record(Cohort, "cohort_a"), world.record(User, "deactivated"))
        )
        wrong = [
            f"/e/evaluation/{answer_token(placement)}",
            f"/e/placement/{evaluation_token(placement, 'midterm')}",
            f"/afmelden/{answer_token(placement)}",
            f"/f/follow-up/{answer_token(placement)}",
            f"/f/confirm/{answer_token(placement)}",
            trainee_b_feed.replace(
                f"/trainee/{world.ids['trainee_b']}/", f"/trainee/{world.ids['trainee_a']}/"
            ),
            cohort_feed(world).replace(
                f"/cohort/{world.ids['cohort_a']}/", f"/cohort/{world.ids['cohort_b']}/"
            ),
            deactivated_feed,
        ]
    for path in wrong:
        assert world.request(ANONYMOUS, "GET", path).status_code == 404, path


def test_the_api_does_not_accept_a_browser_session(world):
    """A logged-in manager's cookie without a token is not a login for the API."""
    client = world.app.test_client()
    client.set_cookie("session", world.browsers["manager"][0])
    for path in ("/api/v1/me", "/api/v1/cohorts"):
        assert client.get(path).status_code == 401, path
    assert client.post("/api/v1/cohorts", json={}).status_code == 401
