"""What each export holds: its columns, with headings in the interface's language, and how one row
from the database becomes one line. No request and no database here: plain values in, plain values
out, so every rule below is tested on its own (tests/unit/test_export_rows.py).

Cells are typed, so each writer (reports/export_writers.py) shows them its own way:
TEXT a string, DATE a `date` (ISO, YYYY-MM-DD), RATE a share between 0 and 1 (or None for "no
data", see core/rates.py), NUMBER an int. Codes (statuses, kinds) become the same readable words
the interface shows (core/labels.py).

The research export is anonymised: a pseudonym instead of the trainee, months instead of days,
scores instead of free text, and no name, e-mail address, phone number or note of anyone.
"""

import enum
import hashlib
import hmac
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

from cohort.follow_ups.rules import FOLLOW_UP_MONTHS
from core.labels import CRITERION_LABELS, EVALUATION_KIND_LABELS, LABELS, label, outcome_label
from core.rates import ATTENDED, COUNTED, STATUSES, rate_from_counts
from placements.evaluations.rules import CRITERIA, KINDS, score_value
from reports.outcomes import SMALL, SMALL_TEXT

# Placements that ended without an internship; any other placement is the one that matters.
UNSUCCESSFUL_PLACEMENTS = frozenset({"declined", "withdrawn"})


class CellKind(enum.StrEnum):
    TEXT = "text"
    DATE = "date"
    RATE = "rate"
    NUMBER = "number"


@dataclass(frozen=True)
class Column:
    heading: object  # a lazy string: str() gives it in the user's language
    kind: CellKind = CellKind.TEXT


def headings(columns: Iterable[Column]) -> list[str]:
    return [str(column.heading) for column in columns]


def kinds(columns: Iterable[Column]) -> list[CellKind]:
    return [column.kind for column in columns]


# --- small conversions -----------------------------------------------------------------------


def local_date(moment: datetime | None, tz_name: str) -> date | None:
    """A stored UTC time as the day it was where the programme runs."""
    return moment.astimezone(ZoneInfo(tz_name)).date() if moment else None


def month(day: date | None) -> str:
    """YYYY-MM: precise enough for research, less telling than the day itself."""
    return day.strftime("%Y-%m") if day else ""


def pseudonym(secret_key: str, trainee_id: int) -> str:
    """A stable pseudonym: the same trainee gets the same one in every export, as long as the
    SECRET_KEY stays the same. Without the key, nobody can link it back to the trainee's id.
    The "pseudonym:" prefix keeps these HMACs apart from any other use of the key."""
    digest = hmac.new(secret_key.encode(), f"pseudonym:{trainee_id}".encode(), hashlib.sha256)
    return "T-" + digest.hexdigest()[:12]


def slug(text: str) -> str:
    """Lowercase ASCII words joined by hyphens, for file names: "Groep Één 2026" -> "groep-een-2026"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def filename(kind: str, scope: str, extension: str, *days: date | None) -> str:
    """E.g. aanwezigheid-groep-a-2026-01-05-2026-03-01.csv: the export, the group (or "alle") and
    the period; never a person's name, so a file name can be mailed or stored without a worry."""
    parts = [slug(kind), slug(scope) or "export", *(day.isoformat() for day in days if day)]
    return "-".join(parts) + "." + extension


# --- attendance ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceCounts:
    """How many sessions that count (core/rates.py) had each recorded status."""

    by_status: Mapping[str, int] = field(default_factory=dict)

    def of(self, status: str) -> int:
        return self.by_status.get(status, 0)

    @property
    def counted(self) -> int:
        return sum(self.of(status) for status in COUNTED)

    @property
    def rate(self) -> float | None:
        return rate_from_counts(sum(self.of(status) for status in ATTENDED), self.counted)


NO_ATTENDANCE = AttendanceCounts()


def tally(rows: Iterable[tuple[int, str, int]]) -> dict[int, AttendanceCounts]:
    """(trainee id, status, number) rows, as a GROUP BY gives them, into counts per trainee."""
    collected: dict[int, dict[str, int]] = {}
    for trainee_id, status, number in rows:
        collected.setdefault(trainee_id, {})[status] = number
    return {trainee_id: AttendanceCounts(by_status) for trainee_id, by_status in collected.items()}


ATTENDANCE_COLUMNS = (
    Column(_l("Trainee")),
    Column(_l("Group")),
    Column(_l("Date"), CellKind.DATE),
    Column(_l("Kind")),
    Column(_l("Title")),
    Column(_l("Session status")),
    Column(_l("Status")),
    Column(_l("Attendance in the period (%)"), CellKind.RATE),
    Column(_l("Sessions that count in the period"), CellKind.NUMBER),
)


def attendance_line(row, counts: Mapping[int, AttendanceCounts]) -> list:
    """One trainee at one session; the rate is the trainee's over the whole period exported."""
    trainee_counts = counts.get(row.trainee_id, NO_ATTENDANCE)
    return [
        row.trainee_name,
        row.cohort_name,
        row.date,
        label(row.kind),
        row.title,
        label(row.session_status),
        label(row.attendance_status),
        trainee_counts.rate,
        trainee_counts.counted,
    ]


# --- placements ------------------------------------------------------------------------------

PLACEMENT_COLUMNS = (
    Column(_l("Trainee")),
    Column(_l("Group")),
    Column(_l("Municipality")),
    Column(_l("Internship offer")),
    Column(_l("Supervisor")),
    Column(_l("Status")),
    Column(_l("Proposed on"), CellKind.DATE),
    Column(_l("Answered on"), CellKind.DATE),
    Column(_l("Internship starts"), CellKind.DATE),
    Column(_l("Internship ends"), CellKind.DATE),
)


def placement_label(code: str | None) -> str:
    return label(f"placement:{code}") if code else ""


def placement_line(row, tz_name: str) -> list:
    return [
        row.trainee_name,
        row.cohort_name,
        row.municipality_name,
        row.offer_department or row.offer_address,
        row.supervisor_name or row.offer_supervisor_name,
        placement_label(row.status),
        local_date(row.proposed_at, tz_name),
        local_date(row.answered_at, tz_name),
        row.internship_start,
        row.internship_end,
    ]


# --- trainees --------------------------------------------------------------------------------

TRAINEE_COLUMNS = (
    Column(_l("Name")),
    Column(_l("E-mail address")),
    Column(_l("Phone")),
    Column(_l("Group")),
    Column(_l("Home municipality")),
    Column(_l("Status")),
    Column(_l("Withdrew on"), CellKind.DATE),
    Column(_l("Outcome")),
    Column(_l("Outcome from"), CellKind.DATE),
    Column(_l("Municipality of the outcome")),
    Column(_l("Outcome note")),
)


def trainee_line(row) -> list:
    return [
        row.name,
        row.email,
        row.phone,
        row.cohort_name,
        row.home_municipality or "",
        label(row.status),
        row.withdrawn_on,
        outcome_label(row.outcome),
        row.outcome_date,
        row.outcome_municipality or "",
        row.outcome_note,
    ]


# --- research (anonymised) -------------------------------------------------------------------


@dataclass(frozen=True)
class PlacementFacts:
    """What the research export tells of a placement: no names, addresses or comments."""

    id: int
    status: str
    municipality: str


def main_placement(placements: Iterable[PlacementFacts]) -> PlacementFacts | None:
    """The placement that says where the trainee did (or will do) the internship: the last one
    that was not declined or withdrawn, else the last one. `placements` come oldest first."""
    placements = list(placements)
    successful = [p for p in placements if p.status not in UNSUCCESSFUL_PLACEMENTS]
    return (successful or placements or [None])[-1]


def _count_heading(status: str) -> object:
    return _l("%(status)s (number)", status=LABELS[status])


def _score_heading(kind: str, criterion: str) -> object:
    return _l(
        "%(evaluation)s: %(criterion)s",
        evaluation=EVALUATION_KIND_LABELS[kind],
        criterion=CRITERION_LABELS[criterion],
    )


SCORE_KEYS = tuple((kind, criterion) for kind in KINDS for criterion in CRITERIA)

RESEARCH_COLUMNS = (
    Column(_l("Pseudonym")),
    Column(_l("Group")),
    Column(_l("Home municipality")),
    Column(_l("Province")),
    Column(_l("Status")),
    Column(_l("Withdrew in (month)")),
    *(Column(_count_heading(status), CellKind.NUMBER) for status in STATUSES),
    Column(_l("Attendance (%)"), CellKind.RATE),
    Column(_l("Placement status")),
    Column(_l("Municipality of the placement")),
    *(Column(_score_heading(kind, criterion), CellKind.NUMBER) for kind, criterion in SCORE_KEYS),
    Column(_l("Outcome")),
    Column(_l("Outcome from (month)")),
    *(
        column
        for months in FOLLOW_UP_MONTHS
        for column in (
            Column(_l("Work at %(n)d months", n=months)),
            Column(_l("How it is known at %(n)d months", n=months)),
        )
    ),
)


@dataclass(frozen=True)
class ResearchFacts:
    """Everything the research export joins to a trainee, fetched once for all trainees."""

    secret_key: str
    attendance: Mapping[int, AttendanceCounts]
    placements: Mapping[int, PlacementFacts]  # trainee id -> main placement
    scores: Mapping[int, Mapping[str, Mapping]]  # placement id -> evaluation kind -> scores
    # Trainee id -> follow-up moment -> (work, evidence) of the latest information about it.
    work: Mapping[int, Mapping[int, tuple[str, str]]] = field(default_factory=dict)


def small_moments(work: Mapping[int, Mapping[int, tuple[str, str]]], cohort_of: Mapping[int, int]) -> set:
    """The (cohort id, moment) pairs with an answer from fewer than SMALL people: the export
    shows "< 5" there, as every figure that leaves the manager's own view does."""
    answered: dict[tuple[int, int], int] = {}
    for trainee_id, moments in work.items():
        for months in moments:
            key = (cohort_of.get(trainee_id), months)
            answered[key] = answered.get(key, 0) + 1
    return {key for key, count in answered.items() if count < SMALL}


def work_cells(row, facts: ResearchFacts, small: set) -> list[str]:
    cells = []
    for months in FOLLOW_UP_MONTHS:
        known = facts.work.get(row.trainee_id, {}).get(months)
        if known and (row.cohort_id, months) in small:
            cells += [SMALL_TEXT, SMALL_TEXT]
        elif known:
            cells += [label(f"work:{known[0]}"), label(f"evidence:{known[1]}")]
        else:
            cells += ["", ""]
    return cells


def evaluation_scores(scores: Mapping[str, Mapping]) -> list[int | None]:
    """The scores in column order; only scores 1..5, so nothing typed by a person gets through."""
    return [score_value((scores.get(kind) or {}).get(criterion)) for kind, criterion in SCORE_KEYS]


def research_line(row, facts: ResearchFacts, small: set = frozenset()) -> list:
    counts = facts.attendance.get(row.trainee_id, NO_ATTENDANCE)
    placement = facts.placements.get(row.trainee_id)
    scores = facts.scores.get(placement.id, {}) if placement else {}
    return [
        pseudonym(facts.secret_key, row.trainee_id),
        row.cohort_name,
        row.home_municipality or "",
        row.home_province or "",
        label(row.status),
        month(row.withdrawn_on),
        *(counts.of(status) for status in STATUSES),
        counts.rate,
        placement_label(placement.status) if placement else "",
        placement.municipality if placement else "",
        *evaluation_scores(scores),
        outcome_label(row.outcome),
        month(row.outcome_date),
        *work_cells(row, facts, small),
    ]
