"""Readable names for the codes stored in the database, in the interface's language."""

from flask_babel import lazy_gettext as _l

LABELS = {
    # session kinds
    "training": _l("Training day"),
    "return_day": _l("Return day"),
    "extra": _l("Extra session"),
    "internship": _l("Internship"),
    "guided_work": _l("Guided work"),
    # phases
    "phase:training": _l("Training"),
    "phase:internship": _l("Internship"),
    "phase:guided_work": _l("Guided work"),
    # placements
    "placement:proposed": _l("Proposed"),
    "placement:confirmed": _l("Confirmed"),
    "placement:declined": _l("Declined"),
    "placement:withdrawn": _l("Withdrawn"),
    "placement:active": _l("In internship"),
    "placement:completed": _l("Completed"),
    "placement:ended_early": _l("Ended early"),
    # session status
    "scheduled": _l("Planned"),
    "cancelled": _l("Cancelled"),
    # attendance
    "present": _l("Present"),
    "late": _l("Late"),
    "absent_excused": _l("Absent with notice"),
    "absent": _l("Absent"),
    # trainee status
    "enrolled": _l("Enrolled"),
    "active": _l("Active"),
    "withdrawn": _l("Withdrawn"),
    "completed": _l("Completed"),
}


def label(code: str | None) -> str:
    return str(LABELS.get(code, code or ""))


# Where a trainee ended up (cohort.models.TraineeOutcome): the trainee file, its form and the exports.
OUTCOME_LABELS = {
    "employed_consultant": _l("Employed as integration consultant"),
    "other_work": _l("Other work"),
    "education": _l("Further education"),
    "no_work": _l("No work (yet)"),
    "other": _l("Other"),
}


def outcome_label(code: str | None) -> str:
    return str(OUTCOME_LABELS.get(code, code or ""))


# The evaluations and what they score (placements/evaluations/rules.py: KINDS, CRITERIA), in form order.
EVALUATION_KIND_LABELS = {"midterm": _l("Mid-term evaluation"), "final": _l("Final evaluation")}

CRITERION_LABELS = {
    "conversation": _l("Conversation skills"),
    "law_and_pip": _l("Knowledge of the Wet inburgering and the PIP"),
    "cultural_sensitivity": _l("Cultural sensitivity"),
    "dutch_at_work": _l("Dutch at work"),
    "independence": _l("Independence"),
    "cooperation": _l("Cooperation"),
}
