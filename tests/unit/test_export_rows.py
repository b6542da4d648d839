"""The export rules on their own: lines, counts, pseudonyms, file names, and the CSV/XLSX writers."""

import csv
import io
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest

from reports import exports
from reports.export_writers import BOM, csv_cell, csv_chunks, neutralise, percent_text
from reports.exports import AttendanceCounts, CellKind, PlacementFacts
from reports.xlsx_writer import xlsx_file

# --- counts and rates ------------------------------------------------------------------------


def test_an_excused_absence_counts_neither_for_nor_against():
    counts = AttendanceCounts({"present": 3, "late": 1, "absent_excused": 4, "absent": 4})
    assert counts.counted == 8
    assert counts.rate == pytest.approx(0.5)
    assert counts.of("absent_excused") == 4


def test_no_counted_session_is_no_rate_rather_than_zero():
    assert AttendanceCounts({"absent_excused": 2}).rate is None
    assert exports.NO_ATTENDANCE.rate is None and exports.NO_ATTENDANCE.counted == 0


def test_rows_of_statuses_outside_the_rule_change_nothing():
    counts = AttendanceCounts({"present": 2, "absent": 2, "unknown": 5})
    assert counts.counted == 4 and counts.rate == pytest.approx(0.5)


def test_the_export_rules_load_no_database_forms_or_requests():
    """Importing the rules in a fresh interpreter loads neither SQLAlchemy, the app's models and
    extensions, nor the forms (flask_babel is fine: it gives the labels)."""
    code = (
        "import sys, reports.exports; "
        "print(sorted(m for m in sys.modules "
        "if m.split('.')[0] in {'sqlalchemy', 'flask_sqlalchemy', 'extensions', 'flask_wtf', 'wtforms'} "
        "or m.endswith(('.models', '_forms'))))"
    )
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_tally_groups_rows_per_trainee():
    counts = exports.tally([(1, "present", 2), (1, "absent", 2), (2, "late", 1)])
    assert counts[1].rate == pytest.approx(0.5)
    assert counts[2].rate == 1.0 and counts[2].of("present") == 0


# --- conversions -----------------------------------------------------------------------------


def test_pseudonym_is_stable_differs_per_trainee_and_needs_the_key():
    first = exports.pseudonym("key", 7)
    assert first == exports.pseudonym("key", 7)
    assert first != exports.pseudonym("key", 8)
    assert first != exports.pseudonym("another key", 7)
    assert first.startswith("T-") and len(first) == 14
    assert int(first[2:], 16) >= 0


def test_file_names_hold_no_spaces_accents_or_people():
    assert exports.slug("Groep Één – Utrecht 2026!") == "groep-een-utrecht-2026"
    name = exports.filename("aanwezigheid", "Groep Één", "csv", date(2026, 1, 5), date(2026, 3, 1))
    assert name == "aanwezigheid-groep-een-2026-01-05-2026-03-01.csv"
    assert exports.filename("deelnemers", "alle", "xlsx") == "deelnemers-alle.xlsx"
    assert (
        exports.filename("onderzoek", "???", "csv", None, date(2026, 3, 1))
        == "onderzoek-export-2026-03-01.csv"
    )


def test_times_become_local_days_and_months():
    late_evening = datetime(2026, 1, 20, 23, 30, tzinfo=UTC)
    assert exports.local_date(late_evening, "Europe/Amsterdam") == date(2026, 1, 21)
    assert exports.local_date(None, "Europe/Amsterdam") is None
    assert exports.month(date(2026, 3, 9)) == "2026-03" and exports.month(None) == ""


# --- placements and scores -------------------------------------------------------------------


def test_the_main_placement_is_the_last_that_did_not_fall_through():
    proposed = PlacementFacts(1, "completed", "Utrecht")
    declined = PlacementFacts(2, "declined", "Breda")
    assert exports.main_placement([proposed, declined]) == proposed
    assert exports.main_placement([declined, PlacementFacts(3, "withdrawn", "Ede")]).id == 3
    assert exports.main_placement([]) is None


def test_only_scores_one_to_five_pass_into_the_research_export():
    scores = {
        "midterm": {"conversation": 4, "law_and_pip": "3", "dutch_at_work": "goed", "independence": True}
    }
    values = exports.evaluation_scores(scores)
    assert len(values) == 12
    assert values[:6] == [4, 3, None, None, None, None]
    assert values[6:] == [None] * 6


def test_a_research_line_is_built_from_facts_without_a_name():
    row = SimpleNamespace(
        trainee_id=5,
        cohort_id=2,
        cohort_name="Groep A",
        home_municipality="Ede",
        home_province="Gelderland",
        status="withdrawn",
        withdrawn_on=date(2026, 2, 17),
        outcome="other",
        outcome_date=date(2026, 5, 1),
    )
    facts = exports.ResearchFacts(
        secret_key="key",
        attendance={5: AttendanceCounts({"present": 1, "absent": 1})},
        placements={5: PlacementFacts(9, "ended_early", "Ede")},
        scores={9: {"final": {"cooperation": 5}}},
        work={5: {6: ("consultant", "employer_confirmed"), 12: ("none", "self_reported")}},
    )
    line = exports.research_line(row, facts)
    assert len(line) == len(exports.RESEARCH_COLUMNS)
    # After the programme: 3 months unknown, then the latest information and how it is known.
    assert line[-6:] == [
        "",
        "",
        "Works as integration consultant",
        "Confirmed by the employer",
        "Not working",
        "Told by the former trainee",
    ]
    line = line[:-6]
    assert line[0] == exports.pseudonym("key", 5)
    assert line[1:6] == ["Groep A", "Ede", "Gelderland", "Withdrawn", "2026-02"]
    assert line[6:11] == [1, 0, 0, 1, 0.5]
    assert line[11:13] == ["Ended early", "Ede"]
    assert line[-3] == 5  # final evaluation, cooperation: the last score column
    assert line[-2:] == ["Other", "2026-05"]


def test_research_answers_from_fewer_than_five_people_leave_as_less_than_five():
    work = {n: {6: ("other", "self_reported")} for n in range(1, 6)} | {9: {12: ("none", "programme")}}
    small = exports.small_moments(work, {**dict.fromkeys(range(1, 6), 1), 9: 1})
    assert small == {(1, 12)}  # five answered at 6 months, one at 12
    row = SimpleNamespace(trainee_id=9, cohort_id=1)
    facts = exports.ResearchFacts("key", {}, {}, {}, work)
    assert exports.work_cells(row, facts, small) == ["", "", "", "", "< 5", "< 5"]


def test_every_export_has_a_heading_for_every_cell():
    row = SimpleNamespace(
        trainee_id=1,
        trainee_name="A",
        cohort_name="G",
        date=date(2026, 1, 5),
        kind="training",
        title="",
        session_status="scheduled",
        attendance_status=None,
    )
    assert len(exports.attendance_line(row, {})) == len(exports.ATTENDANCE_COLUMNS)
    assert exports.headings(exports.ATTENDANCE_COLUMNS)[0] == "Trainee"
    assert len(set(exports.headings(exports.RESEARCH_COLUMNS))) == len(exports.RESEARCH_COLUMNS)


# --- writers ---------------------------------------------------------------------------------


def test_csv_cells():
    assert percent_text(0.875) == "87,5" and percent_text(2 / 3) == "66,7" and percent_text(1) == "100,0"
    assert csv_cell(None, CellKind.RATE) == "" and csv_cell("", CellKind.TEXT) == ""
    assert csv_cell(date(2026, 1, 5), CellKind.DATE) == "2026-01-05"
    assert csv_cell(3, CellKind.NUMBER) == "3"
    assert csv_cell("=1+1", CellKind.TEXT) == "'=1+1"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("@cmd", "'@cmd"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("+31 6 1234 5678", "+31 6 1234 5678"),
        ("-", "-"),
        ("Anna", "Anna"),
    ],
)
def test_formulas_are_neutralised_and_phone_numbers_left_alone(text, expected):
    assert neutralise(text) == expected


def test_csv_comes_in_batches_with_one_bom_at_the_start():
    rows = [[f"naam {n}", date(2026, 1, n), 0.5] for n in range(1, 6)]
    kinds = [CellKind.TEXT, CellKind.DATE, CellKind.RATE]
    chunks = list(csv_chunks(["Naam", "Datum", "Aanwezigheid (%)"], kinds, rows, batch_size=2))
    assert len(chunks) == 4  # headings, then 2 + 2 + 1 rows
    text = b"".join(chunks).decode("utf-8")
    assert text.count(BOM) == 1 and text.startswith(BOM)
    parsed = list(csv.reader(io.StringIO(text.removeprefix(BOM)), delimiter=";"))
    assert parsed[0] == ["Naam", "Datum", "Aanwezigheid (%)"]
    assert parsed[5] == ["naam 5", "2026-01-05", "50,0"]


def test_xlsx_cells_are_typed_and_text_is_never_a_formula():
    kinds = [CellKind.TEXT, CellKind.DATE, CellKind.RATE, CellKind.NUMBER]
    rows = [["=cmd()", date(2026, 1, 5), 0.875, 3], ["bad\x07char", None, None, None]]
    file = xlsx_file(["Naam", "Datum", "Aanwezigheid (%)", "Aantal"], kinds, rows, sheet_title="Aanwezigheid")
    sheet = openpyxl.load_workbook(file).active
    file.close()
    assert sheet.title == "Aanwezigheid"
    heading, first, second = list(sheet.iter_rows())
    assert [cell.value for cell in heading] == ["Naam", "Datum", "Aanwezigheid (%)", "Aantal"]
    assert heading[0].font.bold
    assert first[0].value == "=cmd()" and first[0].data_type == "s"
    assert first[1].value == datetime(2026, 1, 5) and first[1].number_format == "yyyy-mm-dd"
    assert first[2].value == 0.875 and first[2].number_format == "0.0%"
    assert first[3].value == 3
    assert second[0].value == "badchar" and second[1].value is None
    assert sheet.freeze_panes == "A2"
