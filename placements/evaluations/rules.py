"""What a supervisor scores in an evaluation, and when each evaluation is due. Pure: plain values only.

Internship weeks count like programme weeks: week 1 is the calendar week (Monday to Sunday) of the
internship phase's start date. The mid-term evaluation is due on the Monday of internship week 4,
the final one on the Monday of week 8; never later than the Monday of the internship's last week,
so a shorter internship still gets both before it ends.
"""

from collections.abc import Mapping
from datetime import date, timedelta

MIDTERM = "midterm"
FINAL = "final"
KINDS = (MIDTERM, FINAL)
DUE_WEEK = {MIDTERM: 4, FINAL: 8}

# The work of an integration consultant, in the order the form asks for it.
CRITERIA = (
    "conversation",
    "law_and_pip",
    "cultural_sensitivity",
    "dutch_at_work",
    "independence",
    "cooperation",
)

# 1 = not yet sufficient ... 5 = excellent; the view layer gives the codes their words.
SCORES = (1, 2, 3, 4, 5)
SCORE_MEANINGS = {
    1: "not_yet_sufficient",
    2: "almost_sufficient",
    3: "sufficient",
    4: "good",
    5: "excellent",
}

MISSING = "missing"
OUT_OF_RANGE = "out_of_range"


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def due_date(internship_start: date, kind: str, internship_end: date | None = None) -> date:
    """The Monday of the kind's internship week, or of the last week if the internship ends sooner."""
    if kind not in DUE_WEEK:
        raise ValueError(f"unknown evaluation kind: {kind!r}")
    due = monday_of(internship_start) + timedelta(weeks=DUE_WEEK[kind] - 1)
    if internship_end is not None:
        due = min(due, monday_of(internship_end))
    return due


def is_due(kind: str, internship_start: date, today: date, internship_end: date | None = None) -> bool:
    """True from the due date on: the evaluation should be filled in by now."""
    return today >= due_date(internship_start, kind, internship_end)


def score_value(value: object) -> int | None:
    """The score as an int 1..5, from an int or a string of digits; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdecimal():
        value = int(value.strip())
    return value if isinstance(value, int) and value in SCORES else None


def validate_scores(scores: Mapping[str, object]) -> dict[str, str]:
    """Criterion code -> problem code (MISSING or OUT_OF_RANGE); empty when every score is fine."""
    problems = {}
    for code in CRITERIA:
        value = scores.get(code)
        if value is None or (isinstance(value, str) and not value.strip()):
            problems[code] = MISSING
        elif score_value(value) is None:
            problems[code] = OUT_OF_RANGE
    return problems


def clean_scores(scores: Mapping[str, object]) -> dict[str, int]:
    """The valid scores as ints, in CRITERIA order; other keys are dropped. Validate first."""
    return {code: score_value(scores.get(code)) for code in CRITERIA if score_value(scores.get(code))}
