"""The exports page and its downloads: right rows and headings, CSV and XLSX, the anonymised export,
validation, scope, a constant number of queries, and streaming."""

import csv
import io
import re
from datetime import UTC, date, datetime, time, timedelta

import openpyxl
import pytest
import sqlalchemy as sa
from flask_babel import force_locale, gettext

from accounts.models import Role
from accounts.views import start_session
from cohort.models import Cohort, CohortPhase, Trainee, TraineeOutcome, TraineeStatus
from cohort.trainees.file import attendance_of
from core.audit import AuditEvent
from core.clock import local_today
from core.labels import CRITERION_LABELS, EVALUATION_KIND_LABELS, OUTCOME_LABELS, outcome_label
from extensions import db
from placements.evaluations.rules import CRITERIA, KINDS
from placements.models import Evaluation, InternshipOffer, Placement
from reports.stats_services import cohort_stats
from sessions.models import Attendance, TrainingSession
from tests.factories import make_cohort, make_municipality, make_supervisor, make_trainee, make_user

BOM = "\ufeff"
A_DAYS = [date(2026, 1, 5), date(2026, 1, 6), date(2026, 1, 7), date(2026, 1, 8), date(2026, 1, 12)]


def translated(text: str, language: str = "nl", **values) -> str:
    """What the app says in `language` (English until the Dutch catalogue has the text)."""
    with force_locale(language):
        return gettext(text, **values)


def add_session(cohort, day: date, kind="training", title="", status="scheduled") -> TrainingSession:
    session_row = TrainingSession(
        cohort_id=cohort.id,
        kind=kind,
        date=day,
        start_time=time(9),
        end_time=time(16),
        title=title,
        status=status,
    )
    db.session.add(session_row)
    db.session.flush()
    return session_row


def attend(trainee, training_session, status: str) -> None:
    db.session.add(Attendance(session_id=training_session.id, trainee_id=trainee.id, status=status))


@pytest.fixture
def world(app):
    """Group A (two trainees, five sessions, hand-counted attendance), group B (one trainee).

    Anna: present, late, absent with notice, (cancelled session: absent, does not count), absent
    -> 2 attended of 3 that count: 66.7 %. Bram withdrew on 7 January: present, absent, absent
    (and present on the 12th, after withdrawing: does not count) -> 1 of 3: 33.3 %.
    """
    amersfoort = make_municipality("Amersfoort", province="Utrecht")
    breda = make_municipality("Breda", province="Noord-Brabant")
    group_a = make_cohort(name="Groep Één", start_date=date(2026, 1, 5))
    group_b = make_cohort(name="Groep Twee", start_date=date(2026, 3, 2))
    anna = make_trainee(group_a, name="Anna de Vries")
    anna.email, anna.phone, anna.home_municipality_id = "anna@mail.example", "06 1111 2222", amersfoort.id
    anna.outcome, anna.outcome_date, anna.outcome_municipality_id = (
        "employed_consultant",
        date(2026, 12, 1),
        amersfoort.id,
    )
    anna.outcome_note = "Vast contract na de stage"
    bram = make_trainee(group_a, name="Bram Bakker")
    bram.email, bram.phone, bram.home_municipality_id = "bram@mail.example", "+31 6 3333 4444", breda.id
    bram.status, bram.withdrawn_on, bram.withdrawal_reason = TraineeStatus.WITHDRAWN, date(2026, 1, 7), "Ziek"
    carla = make_trainee(group_b, name="Carla Jansen")
    carla.phone = "0612345678"
    sessions = [
        add_session(group_a, A_DAYS[0], title="Kennismaking"),
        add_session(group_a, A_DAYS[1]),
        add_session(group_a, A_DAYS[2], kind="return_day"),
        add_session(group_a, A_DAYS[3], status="cancelled"),
        add_session(group_a, A_DAYS[4], kind="extra", title="Extra: gesprekstechniek"),
    ]
    for training_session, status in zip(
        sessions, ("present", "late", "absent_excused", "absent", "absent"), strict=True
    ):
        attend(anna, training_session, status)
    for training_session, status in zip(
        sessions, ("present", "absent", "absent", None, "present"), strict=True
    ):
        if status:
            attend(bram, training_session, status)
    attend(carla, add_session(group_b, date(2026, 3, 2)), "present")

    db.session.add(
        CohortPhase(
            cohort_id=group_a.id, kind="internship", start_date=date(2026, 3, 2), end_date=date(2026, 4, 24)
        )
    )
    offer = InternshipOffer(
        municipality_id=amersfoort.id, cohort_id=group_a.id, places=2, department="Burgerzaken"
    )
    offer_breda = InternshipOffer(municipality_id=breda.id, cohort_id=group_a.id, places=1, address="Markt 1")
    db.session.add_all([offer, offer_breda])
    db.session.flush()
    proposed = datetime(2026, 1, 20, 23, 30, tzinfo=UTC)  # 21 January in Amsterdam
    placed = Placement(
        trainee_id=anna.id,
        offer_id=offer.id,
        cohort_id=group_a.id,
        status="confirmed",
        supervisor_record=make_supervisor(amersfoort.id, "Eva de Boer", "eva@amersfoort.example"),
        proposed_at=proposed,
        answered_at=datetime(2026, 1, 22, 10, 0, tzinfo=UTC),
    )
    declined = Placement(
        trainee_id=bram.id,
        offer_id=offer_breda.id,
        cohort_id=group_a.id,
        status="declined",
        proposed_at=proposed,
    )
    db.session.add_all([placed, declined])
    db.session.flush()
    scores = {"conversation": 4, "law_and_pip": 3, "cultural_sensitivity": 5, "dutch_at_work": 4}
    scores |= {"independence": "2", "cooperation": 5}
    db.session.add(
        Evaluation(
            placement_id=placed.id,
            kind="midterm",
            scores=scores,
            comments="Anna de Vries praat goed met klanten",
            submitted_by="Eva de Boer",
        )
    )
    make_user(Role.TRAINEE, email="anna.account@mail.example", trainee_id=anna.id)
    db.session.commit()
    return {"a": group_a.id, "b": group_b.id, "anna": anna.id, "bram": bram.id, "carla": carla.id}


@pytest.fixture
def english(manager):
    manager.language = "en"
    db.session.commit()


def csv_rows(response) -> list[list[str]]:
    text = response.get_data().decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text.removeprefix(BOM)), delimiter=";"))


def xlsx_rows(response) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data()), read_only=True).active
    return [tuple(cell.value for cell in row) for row in sheet.iter_rows()]


def xlsx_cells(response):
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    return list(sheet.iter_rows())


def file_name(response) -> str:
    return re.search(r'filename="([^"]+)"', response.headers["Content-Disposition"]).group(1)


# --- the page, and who may use it ------------------------------------------------------------


def test_the_page_offers_every_export_with_a_form(manager_client, world):
    html = manager_client.get("/exports").get_data(as_text=True)
    for kind in ("attendance", "placements", "trainees", "research"):
        assert f'action="/exports/{kind}"' in html
        assert f'id="{kind}-cohort"' in html and f'id="{kind}-format"' in html
    assert 'id="attendance-date_from"' in html and 'id="placements-date_from"' not in html
    assert "Groep Één" in html
    assert 'href="/exports"' in html  # in the manager's menu


EXPORT_URLS = [
    "/exports",
    *(f"/exports/{kind}" for kind in ("attendance", "placements", "trainees", "research")),
]


@pytest.mark.parametrize("url", EXPORT_URLS)
def test_only_managers_may_export(url, trainee_client, trainer_client, municipality_client, client, world):
    for other in (trainee_client, trainer_client, municipality_client):
        assert other.get(url).status_code == 403
    response = client.get(url)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


# --- attendance ------------------------------------------------------------------------------

ATTENDANCE_HEADINGS = [
    "Trainee",
    "Group",
    "Date",
    "Kind",
    "Title",
    "Session status",
    "Status",
    "Attendance in the period (%)",
    "Sessions that count in the period",
]


def test_attendance_csv_has_one_line_per_trainee_per_session(manager_client, world, english):
    response = manager_client.get(f"/exports/attendance?cohort={world['a']}&format=csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # the charset once (issue 15)
    assert response.headers["Cache-Control"] == "no-store"
    assert file_name(response) == "attendance-groep-een.csv"
    anna = ["Anna de Vries", "Groep Één"]
    bram = ["Bram Bakker", "Groep Één"]
    assert csv_rows(response) == [
        ATTENDANCE_HEADINGS,
        [*anna, "2026-01-05", "Training day", "Kennismaking", "Planned", "Present", "66,7", "3"],
        [*anna, "2026-01-06", "Training day", "", "Planned", "Late", "66,7", "3"],
        [*anna, "2026-01-07", "Return day", "", "Planned", "Absent with notice", "66,7", "3"],
        [*anna, "2026-01-08", "Training day", "", "Cancelled", "Absent", "66,7", "3"],
        [*anna, "2026-01-12", "Extra session", "Extra: gesprekstechniek", "Planned", "Absent", "66,7", "3"],
        # Bram withdrew on the 7th: later sessions are not his (and do not count).
        [*bram, "2026-01-05", "Training day", "Kennismaking", "Planned", "Present", "33,3", "3"],
        [*bram, "2026-01-06", "Training day", "", "Planned", "Absent", "33,3", "3"],
        [*bram, "2026-01-07", "Return day", "", "Planned", "Absent", "33,3", "3"],
    ]


def test_attendance_over_a_period_counts_only_that_period(manager_client, world, english):
    url = f"/exports/attendance?cohort={world['a']}&date_from=2026-01-06&date_to=2026-01-07&format=csv"
    response = manager_client.get(url)
    assert file_name(response) == "attendance-groep-een-2026-01-06-2026-01-07.csv"
    rows = csv_rows(response)[1:]
    assert [(row[0], row[2], row[6], row[7], row[8]) for row in rows] == [
        ("Anna de Vries", "2026-01-06", "Late", "100,0", "1"),  # the excused absence counts for nothing
        ("Anna de Vries", "2026-01-07", "Absent with notice", "100,0", "1"),
        ("Bram Bakker", "2026-01-06", "Absent", "0,0", "2"),
        ("Bram Bakker", "2026-01-07", "Absent", "0,0", "2"),
    ]


def test_attendance_of_all_groups_in_dutch(manager_client, world):
    response = manager_client.get("/exports/attendance?format=csv")
    rows = csv_rows(response)
    assert rows[0][:4] == ["Deelnemer", "Groep", "Datum", "Soort"]
    assert rows[0] == [translated(heading) for heading in ATTENDANCE_HEADINGS]
    assert file_name(response) == f"{translated('attendance')}-{translated('all')}.csv"
    assert rows[1][6] == "Aanwezig"
    assert [row[0] for row in rows[1:]] == ["Anna de Vries"] * 5 + ["Bram Bakker"] * 3 + ["Carla Jansen"]


def test_attendance_xlsx_has_dates_and_percentages_as_numbers(manager_client, world, english):
    response = manager_client.get(f"/exports/attendance?cohort={world['a']}&format=xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert file_name(response) == "attendance-groep-een.xlsx"
    rows = xlsx_rows(response)
    assert list(rows[0]) == ATTENDANCE_HEADINGS
    assert len(rows) == 9
    first = rows[1]
    assert first[:7] == (
        "Anna de Vries",
        "Groep Één",
        datetime(2026, 1, 5),
        "Training day",
        "Kennismaking",
        "Planned",
        "Present",
    )
    assert first[7] == pytest.approx(2 / 3) and first[8] == 3
    assert rows[8][:3] == ("Bram Bakker", "Groep Één", datetime(2026, 1, 7))  # his last day
    cells = xlsx_cells(response)
    assert cells[1][2].number_format == "yyyy-mm-dd"
    assert cells[1][7].number_format == "0.0%" and cells[1][7].data_type == "n"


# --- placements and trainees -----------------------------------------------------------------

PLACEMENT_HEADINGS = [
    "Trainee",
    "Group",
    "Municipality",
    "Internship offer",
    "Supervisor",
    "Status",
    "Proposed on",
    "Answered on",
    "Internship starts",
    "Internship ends",
]


def test_placements_csv_and_xlsx(manager_client, world, english):
    expected = [
        PLACEMENT_HEADINGS,
        ["Anna de Vries", "Groep Één", "Amersfoort", "Burgerzaken", "Eva de Boer", "Confirmed"]
        + ["2026-01-21", "2026-01-22", "2026-03-02", "2026-04-24"],
        ["Bram Bakker", "Groep Één", "Breda", "Markt 1", "", "Declined", "2026-01-21", "", "2026-03-02"]
        + ["2026-04-24"],
    ]
    response = manager_client.get(f"/exports/placements?cohort={world['a']}&format=csv")
    assert file_name(response) == "placements-groep-een.csv"
    assert csv_rows(response) == expected
    rows = xlsx_rows(manager_client.get("/exports/placements?format=xlsx"))
    as_text = [
        [v.date().isoformat() if isinstance(v, datetime) else ("" if v is None else v) for v in row]
        for row in rows
    ]
    assert as_text == expected


TRAINEE_HEADINGS = [
    "Name",
    "E-mail address",
    "Phone",
    "Group",
    "Home municipality",
    "Status",
    "Withdrew on",
    "Outcome",
    "Outcome from",
    "Municipality of the outcome",
    "Outcome note",
]


def test_trainees_export_holds_contact_details_status_and_outcome(manager_client, world, english):
    rows = csv_rows(manager_client.get("/exports/trainees?format=csv"))
    assert rows == [
        TRAINEE_HEADINGS,
        ["Anna de Vries", "anna@mail.example", "06 1111 2222", "Groep Één", "Amersfoort", "Active", ""]
        + ["Employed as integration consultant", "2026-12-01", "Amersfoort", "Vast contract na de stage"],
        [
            "Bram Bakker",
            "bram@mail.example",
            "+31 6 3333 4444",
            "Groep Één",
            "Breda",
            "Withdrawn",
            "2026-01-07",
        ]
        + ["", "", "", ""],
        ["Carla Jansen", rows[3][1], "0612345678", "Groep Twee", "", "Active", "", "", "", "", ""],
    ]


def test_exports_with_personal_data_are_in_the_audit_log(manager_client, manager, world):
    manager_client.get(f"/exports/trainees?cohort={world['a']}&format=csv").get_data()
    manager_client.get("/exports/research?format=csv").get_data()  # anonymised: not logged
    events = db.session.execute(
        sa.select(AuditEvent.trainee_id, AuditEvent.actor_id, AuditEvent.action)
    ).all()
    assert sorted(events) == sorted(
        [(world["anna"], manager.id, "export"), (world["bram"], manager.id, "export")]
    )


def audit_log() -> list[tuple[int, str]]:
    return sorted(db.session.execute(sa.select(AuditEvent.trainee_id, AuditEvent.subject)).all())


def move_to_group_b(world) -> Trainee:
    anna = db.session.get(Trainee, world["anna"])
    anna.cohort_id = world["b"]
    db.session.commit()
    return anna


def test_the_audit_log_holds_exactly_the_trainees_in_the_file(manager_client, world, english):
    # Anna got her placement in group A, then moved to group B: the placement stays with group A.
    move_to_group_b(world)
    rows = csv_rows(manager_client.get(f"/exports/placements?cohort={world['a']}&format=csv"))
    assert [row[0] for row in rows[1:]] == ["Anna de Vries", "Bram Bakker"]
    assert audit_log() == sorted([(world["anna"], "placement export"), (world["bram"], "placement export")])

    db.session.execute(sa.delete(AuditEvent))
    db.session.commit()
    # Many lines per trainee, one event each; a trainee without lines in the file is not logged.
    url = f"/exports/attendance?cohort={world['a']}&date_from=2026-01-12&date_to=2026-01-12&format=csv"
    rows = csv_rows(manager_client.get(url))
    assert [row[0] for row in rows[1:]] == []  # Bram had withdrawn, Anna is in group B now
    assert audit_log() == []
    rows = csv_rows(manager_client.get(f"/exports/attendance?cohort={world['b']}&format=csv"))
    assert {row[0] for row in rows[1:]} == {"Anna de Vries", "Carla Jansen"}
    assert audit_log() == sorted(
        [(world["anna"], "attendance export"), (world["carla"], "attendance export")]
    )


def test_a_moved_trainee_has_the_rate_of_the_trainee_file_and_the_dashboard(manager_client, world, english):
    """Anna's sessions in group A still count after her move to group B; sessions after today
    never count, even with an attendance recorded beforehand."""
    anna = move_to_group_b(world)
    today = local_today()
    later = add_session(db.session.get(Cohort, world["b"]), today + timedelta(days=7))
    attend(anna, later, "absent")
    attend(anna, add_session(db.session.get(Cohort, world["b"]), today + timedelta(days=8)), "absent_excused")
    db.session.commit()

    rows = csv_rows(manager_client.get(f"/exports/attendance?cohort={world['b']}&format=csv"))
    anna_rows = [row for row in rows[1:] if row[0] == "Anna de Vries"]
    # Her lines are group B's sessions (none attended yet), her rate is over all her sessions.
    assert [row[2] for row in anna_rows] == [
        "2026-03-02",
        later.date.isoformat(),
        (later.date + timedelta(days=1)).isoformat(),
    ]
    assert {(row[7], row[8]) for row in anna_rows} == {("66,7", "3")}

    research = csv_rows(manager_client.get(f"/exports/research?cohort={world['b']}&format=csv"))
    # Present, late, excused, absent, rate: Anna's excused absence of next week is not counted.
    assert sorted(line[6:11] for line in research[1:]) == [
        ["1", "0", "0", "0", "100,0"],  # Carla
        ["1", "1", "1", "1", "66,7"],  # Anna
    ]

    _sessions, summary = attendance_of(anna, today)
    assert round(summary.rate * 100, 1) == 66.7
    stats = cohort_stats([world["a"], world["b"]], today)
    # The dashboard keeps Anna's group A attendance with group A (the sessions' group).
    assert stats[world["a"]].attendance_rate == pytest.approx(3 / 6)  # Anna 2 of 3, Bram 1 of 3
    assert stats[world["b"]].attendance_rate == pytest.approx(1.0)  # Carla; next week not yet


def test_the_labels_cover_every_code(app):
    assert set(OUTCOME_LABELS) == {outcome.value for outcome in TraineeOutcome}
    assert tuple(EVALUATION_KIND_LABELS) == KINDS
    assert tuple(CRITERION_LABELS) == CRITERIA
    with force_locale("en"):
        assert outcome_label("employed_consultant") == "Employed as integration consultant"
    assert outcome_label(None) == "" and outcome_label("unknown") == "unknown"


def test_text_that_looks_like_a_formula_stays_text(manager_client, world, english):
    sneaky = make_trainee(db.session.get(Cohort, world["b"]))
    sneaky.name = '=HYPERLINK("http://evil.example","klik")'
    db.session.commit()
    rows = csv_rows(manager_client.get(f"/exports/trainees?cohort={world['b']}&format=csv"))
    assert "'" + sneaky.name in [row[0] for row in rows]
    assert "0612345678" in [row[2] for row in rows]  # a phone number is left alone
    cells = xlsx_cells(manager_client.get(f"/exports/trainees?cohort={world['b']}&format=xlsx"))
    formula_cell = next(row[0] for row in cells if row[0].value == sneaky.name)
    assert formula_cell.data_type == "s"


# --- the anonymised research export ----------------------------------------------------------


def _every_cell(response, file_format: str) -> list[str]:
    rows = csv_rows(response) if file_format == "csv" else xlsx_rows(response)
    return [str(value) for row in rows for value in row if value not in (None, "")]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_research_export_has_no_name_contact_detail_or_free_text(manager_client, world, file_format):
    cells = _every_cell(manager_client.get(f"/exports/research?format={file_format}"), file_format)
    assert len(cells) > 30
    trainees = db.session.execute(
        sa.text("SELECT name, email, phone, outcome_note, withdrawal_reason FROM trainees")
    )
    users = db.session.execute(sa.text("SELECT name, email FROM users"))
    free_text = db.session.execute(sa.text("SELECT comments, submitted_by FROM evaluations"))
    placements = db.session.execute(sa.text("SELECT name, email FROM supervisors"))
    secrets = {
        value for rows in (trainees, users, free_text, placements) for row in rows for value in row if value
    }
    assert len(secrets) > 10
    leaks = [(secret, cell) for secret in secrets for cell in cells if secret.lower() in cell.lower()]
    assert leaks == []


def test_research_export_columns_and_values(manager_client, world, english):
    rows = csv_rows(manager_client.get(f"/exports/research?cohort={world['a']}&format=csv"))
    header = rows[0]
    assert header[:6] == [
        "Pseudonym",
        "Group",
        "Home municipality",
        "Province",
        "Status",
        "Withdrew in (month)",
    ]
    assert header[6:11] == ["Present (number)", "Late (number)", "Absent with notice (number)"] + [
        "Absent (number)",
        "Attendance (%)",
    ]
    assert header[13] == "Mid-term evaluation: Conversation skills"
    assert header[-8:-6] == ["Outcome", "Outcome from (month)"]
    assert header[-2:] == ["Work at 12 months", "How it is known at 12 months"]
    by_status = {row[4]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    anna, bram = by_status["Active"], by_status["Withdrawn"]
    assert (anna["Home municipality"], anna["Province"]) == ("Amersfoort", "Utrecht")
    assert [anna[h] for h in header[6:11]] == ["1", "1", "1", "1", "66,7"]
    assert (anna["Placement status"], anna["Municipality of the placement"]) == ("Confirmed", "Amersfoort")
    assert anna["Mid-term evaluation: Independence"] == "2"
    assert anna["Final evaluation: Independence"] == ""
    assert (anna["Outcome"], anna["Outcome from (month)"]) == (
        "Employed as integration consultant",
        "2026-12",
    )
    assert bram["Withdrew in (month)"] == "2026-01"
    assert [bram[h] for h in header[6:11]] == ["1", "0", "0", "2", "33,3"]
    assert bram["Placement status"] == "Declined"


def test_pseudonyms_are_stable_and_differ_per_trainee(manager_client, world):
    def pseudonyms(file_format: str) -> list[str]:
        response = manager_client.get(f"/exports/research?format={file_format}")
        rows = csv_rows(response) if file_format == "csv" else xlsx_rows(response)
        return [row[0] for row in rows[1:]]

    first, again, from_xlsx = pseudonyms("csv"), pseudonyms("csv"), pseudonyms("xlsx")
    assert first == again == from_xlsx
    assert len(set(first)) == 3
    assert all(re.fullmatch(r"T-[0-9a-f]{12}", code) for code in first)


# --- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        (
            "date_from=2026-02-01&date_to=2026-01-01",
            "attendance-date_to",
            "This date is before the first date.",
        ),
        ("cohort=99999", "attendance-cohort", "This group does not exist."),
        ("cohort=abc", "attendance-cohort", "This group does not exist."),
        ("cohort=%C2%B2", "attendance-cohort", "This group does not exist."),
        ("format=pdf", "attendance-format", "Choose CSV or Excel (XLSX)."),
        ("date_from=2026-13-01", "attendance-date_from", ""),
    ],
)
def test_a_wrong_choice_is_shown_at_its_field(manager_client, world, english, query, field, message):
    response = manager_client.get(f"/exports/attendance?{query}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html and message in html
    assert "text/html" in response.content_type
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 0


def test_other_exports_check_their_fields_too(manager_client, world):
    assert manager_client.get("/exports/placements?format=ods").status_code == 400
    assert manager_client.get("/exports/research?cohort=-1").status_code == 400
    assert manager_client.get("/exports/trainees").status_code == 200  # defaults: all groups, CSV


# --- queries, streaming, size ----------------------------------------------------------------


def populate(trainees: int, sessions: int = 3) -> int:
    """A group with trainees who attended every session, were placed and evaluated."""
    municipality = make_municipality()
    group = make_cohort()
    offer = InternshipOffer(municipality_id=municipality.id, cohort_id=group.id, places=trainees)
    db.session.add(offer)
    days = [add_session(group, date(2026, 9, 7) + timedelta(days=day)) for day in range(sessions)]
    for _ in range(trainees):
        trainee = make_trainee(group)
        trainee.home_municipality_id = municipality.id
        for training_session in days:
            attend(trainee, training_session, "present")
        placement = Placement(
            trainee_id=trainee.id, offer_id=offer.id, cohort_id=group.id, status="confirmed"
        )
        db.session.add(placement)
        db.session.flush()
        db.session.add(Evaluation(placement_id=placement.id, kind="final", scores={"conversation": 4}))
    db.session.commit()
    return group.id


@pytest.mark.parametrize("kind", ["attendance", "placements", "trainees", "research"])
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_number_of_queries_does_not_grow_with_the_data(manager_client, count_queries, kind, file_format):
    def queries_for(group_id: int) -> int:
        with count_queries() as queries:
            response = manager_client.get(f"/exports/{kind}?cohort={group_id}&format={file_format}")
            response.get_data()
        assert response.status_code == 200
        return len(queries)

    small, large = populate(2), populate(30)
    assert queries_for(small) == queries_for(large)


def test_a_large_csv_is_streamed_in_batches(app, manager):
    group_id = populate(40, sessions=50)  # 2,000 attendance lines
    url = f"/exports/attendance?cohort={group_id}&format=csv"
    with app.test_request_context(url):
        start_session(manager, remember=False)
        response = app.full_dispatch_request()
        assert response.status_code == 200 and response.is_streamed
        chunks = list(response.response)
    assert len(chunks) == 5  # the headings, then 4 batches of 500 lines
    text = b"".join(chunks).decode("utf-8").removeprefix(BOM)
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(rows) == 2001
    assert {row[7] for row in rows[1:]} == {"100,0"}


def test_a_large_xlsx_exports_fine(manager_client, manager):
    manager.language = "en"
    db.session.commit()
    group_id = populate(40, sessions=50)
    response = manager_client.get(f"/exports/attendance?cohort={group_id}&format=xlsx")
    assert int(response.headers["Content-Length"]) == len(response.get_data())
    rows = xlsx_rows(response)
    assert len(rows) == 2001 and rows[0][0] == "Trainee"
