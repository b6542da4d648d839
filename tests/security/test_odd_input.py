"""hypothesis sends odd input to a representative set of forms and API writes: NUL characters,
right-to-left overrides, emoji, combining marks, very long strings, impossible dates (2026-02-30),
huge and negative numbers, broken CSV files. Whatever comes in:

- the answer is never a 5xx;
- a refusal (any answer but the form's "done") changes no row in any table;
- what was stored stays valid: no NUL in any text column, no text longer than its column.

The app is the route matrix's world, so forms meet real records and rules. Bounded and
reproducible: a few examples per form, derandomized, no example database, no deadline.
"""

import io
import itertools
import os
import re
from dataclasses import dataclass, field
from datetime import date

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from extensions import db
from tests import test_route_matrix as matrix

world = matrix.world  # the route matrix's world, built once for this module

# `make test` runs a few fixed examples per form (the same on every run). To explore, run with
# SECURITY_FUZZ_EXAMPLES=500: that many fresh random examples per form; what they find becomes
# an explicit example below, so it is checked on every run from then on.
EXPLORE = int(os.environ.get("SECURITY_FUZZ_EXAMPLES", "0"))
BOUNDED = settings(
    max_examples=EXPLORE or 10,
    deadline=None,
    derandomize=not EXPLORE,
    database=None,
    suppress_health_check=list(HealthCheck),
)
# Tables that count attempts on purpose, also refused ones (login failures, rate-limit hits).
ATTEMPT_COUNTERS = {"login_failures", "rate_limit_hits"}

# --- Odd values ------------------------------------------------------------------------------

ODD_TEXTS = [
    "\x00",
    "Amina\x00Yusuf",
    "\u202eevil.exe\u202c",  # right-to-left override
    "שלום עולם",
    "مرحبا بكم",
    "😀👩‍👩‍👧‍👦🏳️‍🌈",
    "e\u0301\u0302\u0303\u0304",  # combining marks
    "\ufeffBOM",
    "\u200b\u200d\u2060",  # zero-width characters
    "\t\n\r\x0b\x0c",
    " ",
    "",
    "<script>alert(1)</script>",
    "'; DROP TABLE users; --",
    "%s %(name)s {0}",
    "ＡＢＣ",
    "İstanbul ß",
    "\U0001d565",
]
LONG_TEXTS = st.builds(
    lambda char, n: char * n,
    st.sampled_from(["x", "ж", "😀", "e\u0301"]),
    st.sampled_from([41, 121, 161, 201, 255, 301, 501, 5001, 100_000]),
)
TEXT = st.one_of(
    st.sampled_from(ODD_TEXTS),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=30),  # any character but lone surrogates
    LONG_TEXTS,
)
DATE_TEXT = st.one_of(
    st.sampled_from(
        ["2026-02-30", "2026-13-01", "2026-00-10", "0000-01-01", "0001-01-01", "9999-12-31", "2026-2-3"]
        + ["+2026-01-05", "2026-01-05T00:00", "２０２６-０１-０５", "٢٠٢٦-٠١-٠٥", "2026-01-05\x00"]
    ),
    st.dates(date(2020, 1, 1), date(2030, 12, 31)).map(date.isoformat),
    TEXT,
)
NUMBER_TEXT = st.one_of(
    st.integers(-(10**25), 10**25).map(str),
    st.sampled_from(["-1", "0", "1", "1e3", "NaN", "inf", "²", "٣", "0x10", " 7 ", "1_000", "9" * 30]),
    TEXT,
)
TIME_TEXT = st.one_of(
    st.sampled_from(["25:00", "23:60", "24:00", "00:00", "9:5", "12:00:00", "-1:00", "12:00", "１２:００"]),
    st.times().map(lambda t: t.strftime("%H:%M")),
    TEXT,
)
EMAIL_TEXT = st.one_of(
    st.sampled_from(
        ["a@b", "ü@müller.example", "a\x00@b.example", "@", "x" * 250 + "@b.example", "A@B.EXAMPLE"]
        + ["piet@nergenshuizen.example", "\u202emoc.elpmaxe@a"]
    ),
    TEXT,
)
WEEKDAY = st.one_of(st.sampled_from(["mon", "tue", "wed", "thu", "fri", "sat", "sun", "MON", ""]), TEXT)
WEEKDAYS = st.lists(WEEKDAY, max_size=4)
JSON_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(),
    TEXT,
    st.lists(TEXT, max_size=3),
    st.dictionaries(TEXT, TEXT, max_size=2),
)


def json_or(plausible) -> st.SearchStrategy:
    """A plausible value for the field, or any JSON value at all."""
    return st.one_of(plausible, JSON_VALUE)


# --- The forms ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormSpec:
    principal: str
    url: str  # formatted with the world's ids
    fields: dict[str, st.SearchStrategy]
    # Answers after which the form may have saved; any other answer must have changed nothing.
    saved_on: frozenset = frozenset({302})
    fixed: dict = field(default_factory=dict)  # sent with every post
    examples: tuple = ()  # values that once broke the form (found by exploring): checked every run


COHORT_FIELDS = {
    "name": TEXT,
    "template": st.one_of(st.sampled_from(["inburgeringsconsulent", "wet-inburgering", "nope"]), TEXT),
    "start_date": st.one_of(st.dates(date(2026, 1, 5), date(2030, 12, 30)).map(date.isoformat), DATE_TEXT),
    "location": TEXT,
    "capacity": NUMBER_TEXT,
    "training_weekdays": WEEKDAYS,
    "return_weekday": WEEKDAY,
    "training_weeks": NUMBER_TEXT,
    "internship_weeks": NUMBER_TEXT,
    "programme_weeks": NUMBER_TEXT,
}
SCORE_FIELDS = {
    f"score-{code}": st.one_of(st.sampled_from(["1", "3", "5", "0", "6", "-1"]), NUMBER_TEXT)
    for code in ("conversation", "law_and_pip", "cultural_sensitivity", "dutch_at_work")
}

FORMS = {
    "login": FormSpec("anonymous", "/login", {"email": EMAIL_TEXT, "password": TEXT, "remember": TEXT}),
    "api token name": FormSpec(  # the new token is shown on the page itself: 200
        "trainee_a", "/account/tokens", {"name": TEXT}, saved_on=frozenset({200}), examples=({"name": "  "},)
    ),
    "cohort create": FormSpec(
        "manager",
        "/cohorts/new",
        COHORT_FIELDS,
        examples=({"name": "Utrecht\x00", "start_date": "2026-09-07"}, {"start_date": "2026-02-30"}),
    ),
    "cohort edit": FormSpec("manager", "/cohorts/{cohort_b}/edit", {**COHORT_FIELDS, "confirm": TEXT}),
    "session edit": FormSpec(
        "manager",
        "/sessions/{spare_session}/edit",
        {
            "date": DATE_TEXT,
            "start_time": TIME_TEXT,
            "end_time": TIME_TEXT,
            "title": TEXT,
            "location": TEXT,
            "trainer_id": NUMBER_TEXT,
            "notes": TEXT,
        },
    ),
    "absence report": FormSpec("trainee_a", "/schedule/sessions/{session_a}/absence", {"reason": TEXT}),
    "offer create": FormSpec(
        "manager",
        "/municipalities/{municipality_a}/offers/new",
        {
            "places": NUMBER_TEXT,
            "cohort_id": NUMBER_TEXT,
            "period_start": DATE_TEXT,
            "period_end": DATE_TEXT,
            "department": TEXT,
            "address": TEXT,
            "supervisor_name": TEXT,
            "supervisor_email": EMAIL_TEXT,
            "supervisor_phone": TEXT,
        },
    ),
    "public offer page": FormSpec(
        "anonymous",
        "/stageplek-aanbieden",
        {
            "organisation": TEXT,
            "contact_name": TEXT,
            "contact_email": EMAIL_TEXT,
            "places": NUMBER_TEXT,
            "cohort_id": NUMBER_TEXT,
            "period": TEXT,
            "department": TEXT,
            "address": TEXT,
            "supervisor": TEXT,
        },
    ),
    "placement confirm": FormSpec(
        "contact_b",
        "/portal/placements/{placement_b}",
        {
            "action": st.sampled_from(["confirm", "decline", "other"]),
            "confirm-supervisor_name": TEXT,
            "confirm-supervisor_email": EMAIL_TEXT,
            "confirm-supervisor_phone": TEXT,
            "confirm-workplace_address": TEXT,
            "confirm-weekdays": WEEKDAYS,
            "decline-reason": TEXT,
        },
        saved_on=frozenset({200}),  # the answer page is shown again, answered or not
    ),
    "evaluation form": FormSpec(
        "contact_a",
        "/evaluations/{placement_a}/midterm",
        {"comments": TEXT, **SCORE_FIELDS},
        examples=({"score-conversation": "²", "comments": "Goed"},),
    ),
}

_addresses = itertools.count(1)


def next_address() -> str:
    """Every post from its own address, so the login and offer rate limits never hide a case."""
    n = next(_addresses)
    return f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"


def browser(world, principal: str):
    client = world.app.test_client()
    cookie, _token = world.browsers[principal]
    if cookie is not None:
        client.set_cookie("session", cookie)
    return client


def row_counts(world) -> dict[str, int]:
    with world.app.app_context():
        return {
            table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
            for table in db.metadata.sorted_tables
            if table.name not in ATTEMPT_COUNTERS
        }


def stored_problems(world) -> list[str]:
    """Text values that no database should hold: a NUL, or more characters than the column."""
    problems = []
    with world.app.app_context():
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, sa.String)]
            if not columns:
                continue
            for row in db.session.execute(sa.select(*columns)):
                for column, value in zip(columns, row, strict=True):
                    if not isinstance(value, str):
                        continue
                    if "\x00" in value:
                        problems.append(f"{table.name}.{column.name} holds a NUL: {value[:40]!r}")
                    if column.type.length and len(value) > column.type.length:
                        problems.append(f"{table.name}.{column.name}: {len(value)} > {column.type.length}")
    return problems


def check_answer(world, spec_saved_on, before: dict, response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code}"
    if response.status_code not in spec_saved_on:
        after = row_counts(world)
        changed = {name: (before[name], after[name]) for name in before if before[name] != after[name]}
        assert changed == {}, f"{what}: refused with {response.status_code} but changed {changed}"


@pytest.mark.parametrize("name", FORMS)
def test_odd_form_input_gets_a_clear_answer_and_stores_nothing_invalid(world, name):
    spec = FORMS[name]
    url = spec.url.format_map(world.ids)
    token = world.browsers[spec.principal][1]

    def post(values):
        before = row_counts(world)
        data = {**values, **spec.fixed, "csrf_token": token}
        response = browser(world, spec.principal).post(
            url, data=data, environ_base={"REMOTE_ADDR": next_address()}
        )
        check_answer(world, spec.saved_on, before, response, f"POST {url} {values!r:.300}")

    for values in spec.examples:
        post = example(values=values)(post)
    BOUNDED(given(values=st.fixed_dictionaries({}, optional=spec.fields))(post))()
    assert stored_problems(world) == []


# --- The trainee import: odd files -------------------------------------------------------------

HEADERS = st.sampled_from(
    ["name,email,phone,municipality,languages", "Naam;E-mail;Telefoon", "email", "", "\ufeffname,email"]
)
CELL = st.one_of(TEXT, EMAIL_TEXT, st.sampled_from(["Amersfoort", "GM0001", "Arabisch, Nederlands"]))


@st.composite
def csv_files(draw) -> tuple[str, bytes]:
    separator = draw(st.sampled_from([",", ";", "\t", "|"]))
    rows = draw(st.lists(st.lists(CELL, max_size=6), max_size=6))
    text = draw(HEADERS) + "\n" + "\n".join(separator.join(cells) for cells in rows)
    encoding = draw(st.sampled_from(["utf-8", "utf-16", "latin-1", "raw"]))
    content = draw(st.binary(max_size=300)) if encoding == "raw" else text.encode(encoding, "replace")
    filename = draw(st.sampled_from(["trainees.csv", "trainees.xlsx", "TRAINEES.CSV", "t.txt", "csv"]))
    return filename, content


ROWS_FIELD = re.compile(r'name="rows"[^>]*value="([^"]+)"')


def test_odd_import_files_get_a_clear_answer_and_store_nothing_invalid(world):
    url = "/cohorts/{cohort_a}/trainees/import".format_map(world.ids)
    token = world.browsers["manager"][1]

    @BOUNDED
    @given(upload=csv_files())
    def upload(upload):
        filename, content = upload
        before = row_counts(world)
        data = {"file": (io.BytesIO(content), filename), "csrf_token": token}
        response = browser(world, "manager").post(url, data=data, content_type="multipart/form-data")
        check_answer(world, frozenset(), before, response, f"upload {filename} {content[:200]!r}")
        signed = ROWS_FIELD.search(response.get_data(as_text=True))
        if signed:  # the preview has valid rows: confirm them, as the manager would
            confirm = browser(world, "manager").post(
                f"{url}/confirm", data={"rows": signed.group(1), "csrf_token": token}
            )
            check_answer(world, frozenset({302}), before, confirm, f"confirm of {content[:200]!r}")

    upload()
    assert stored_problems(world) == []


# --- API writes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiWrite:
    method: str
    url: str
    fields: dict[str, st.SearchStrategy]
    as_list: bool = False  # the body is a list of such objects
    examples: tuple = ()  # bodies that once broke the endpoint (found by exploring)


API_WRITES = {
    "create cohort": ApiWrite(
        "POST",
        "/api/v1/cohorts",
        {name: json_or(value) for name, value in COHORT_FIELDS.items()},
        examples=({"name": "X", "start_date": "2026-09-07", "template": [None, None]},),
    ),
    "update session": ApiWrite(
        "PATCH",
        "/api/v1/sessions/{spare_session}",
        {
            "date": json_or(DATE_TEXT),
            "start_time": json_or(TIME_TEXT),
            "end_time": json_or(TIME_TEXT),
            "title": json_or(TEXT),
            "location": json_or(TEXT),
            "status": json_or(st.sampled_from(["scheduled", "cancelled", "gone"])),
            "trainer_id": JSON_VALUE,
            "notes": json_or(TEXT),
        },
        examples=({"status": []}, {"trainer_id": "99999999999999999999"}, {"trainer_id": "²"}),
    ),
    "enrol trainee": ApiWrite(
        "POST",
        "/api/v1/cohorts/{cohort_b}/trainees",
        {
            "name": json_or(TEXT),
            "email": json_or(EMAIL_TEXT),
            "phone": json_or(TEXT),
            "home_municipality_id": JSON_VALUE,
            "languages": json_or(st.lists(TEXT, max_size=3)),
        },
        examples=({"name": True, "email": False}, {"name": "A", "email": "a@b.example", "phone": 7}),
    ),
    "create municipality": ApiWrite(
        "POST",
        "/api/v1/municipalities",
        {
            "name": json_or(TEXT),
            "cbs_code": json_or(st.one_of(st.from_regex(r"\AGM[0-9]{4}\Z"), TEXT)),
            "province": json_or(st.one_of(st.sampled_from(["Utrecht", "Friesland", "Fryslân"]), TEXT)),
            "address": json_or(TEXT),
        },
    ),
    "create offer": ApiWrite(
        "POST",
        "/api/v1/municipalities/{municipality_a}/offers",
        {
            "cohort_id": JSON_VALUE,
            "places": json_or(st.integers(-5, 60)),
            "department": json_or(TEXT),
            "address": json_or(TEXT),
        },
    ),
    "confirm placement": ApiWrite(
        "POST",
        "/api/v1/placements/{placement_b}/confirm",
        {
            "supervisor_name": json_or(TEXT),
            "supervisor_email": json_or(EMAIL_TEXT),
            "supervisor_phone": json_or(TEXT),
            "weekdays": json_or(WEEKDAYS),
        },
    ),
    "decline placement": ApiWrite(
        "POST",
        "/api/v1/placements/{placement_b}/decline",
        {"reason": JSON_VALUE},
        examples=({"reason": True},),
    ),
    "attendance": ApiWrite(
        "PUT",
        "/api/v1/sessions/{session_a}/attendance",
        {
            "trainee_id": json_or(st.sampled_from([1, 2, 999])),
            "status": json_or(st.sampled_from(["present", "late", "absent_excused", "absent", "away"])),
            "note": json_or(TEXT),
        },
        as_list=True,
    ),
}


@pytest.mark.parametrize("name", API_WRITES)
def test_odd_api_input_gets_a_clear_answer_and_stores_nothing_invalid(world, name):
    spec = API_WRITES[name]
    url = spec.url.format_map(world.ids)
    headers = {"Authorization": f"Bearer {world.api_tokens['manager']}"}
    entry = st.fixed_dictionaries({}, optional=spec.fields)
    bodies = st.one_of(st.lists(entry, max_size=3) if spec.as_list else entry, JSON_VALUE)

    def send(body):
        before = row_counts(world)
        response = world.app.test_client().open(url, method=spec.method, json=body, headers=headers)
        check_answer(world, frozenset({200, 201}), before, response, f"{spec.method} {url} {body!r:.300}")
        if response.status_code == 400:
            error = response.get_json()["error"]
            assert error["code"] and error["message"], error  # the API's error shape, always

    for body in spec.examples:
        send = example(body=body)(send)
    BOUNDED(given(body=bodies)(send))()
    assert stored_problems(world) == []
