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
    # a step of the status history that is no status (cohort.models.MOVED_STEP)
    "moved": _l("Moved to another group"),
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


# After the programme (cohort/follow_ups/rules.py: Work, Evidence, Source): pages, exports, API.
WORK_LABELS = {
    "consultant": _l("Works as integration consultant"),
    "other": _l("Works, in another role"),
    "none": _l("Not working"),
}

# The same choice as the follow-up asks it of the former trainee ("je" in Dutch).
WORK_QUESTION_LABELS = {
    "consultant": _l("Yes, as integration consultant (or a similar job in civic integration)"),
    "other": _l("Yes, other work"),
    "none": _l("No, I do not have work now"),
}

EVIDENCE_LABELS = {
    "self_reported": _l("Told by the former trainee"),
    "employer_confirmed": _l("Confirmed by the employer"),
    "programme": _l("Recorded by the programme"),
}

SOURCE_LABELS = {
    "follow_up_link": _l("Answer to the e-mail"),
    "phone_call": _l("Phone call with the former trainee"),
    "employer": _l("Told by the employer"),
}

# In templates through `label`: label("work:consultant"), label("evidence:programme"), ...
LABELS.update({f"work:{code}": text for code, text in WORK_LABELS.items()})
LABELS.update({f"evidence:{code}": text for code, text in EVIDENCE_LABELS.items()})
LABELS.update({f"source:{code}": text for code, text in SOURCE_LABELS.items()})


# Each kind of e-mail (outbox_messages.kind), as the message log and its filter name it.
MESSAGE_KIND_LABELS = {
    "invitation": _l("Invitation to an account"),
    "reset": _l("New password"),
    "session_reminder": _l("Reminder of a session"),
    "change_notice": _l("Change in the schedule"),
    "return_day_notice": _l("Return day notice to a supervisor"),
    "placement_proposal": _l("Proposed intern to a municipality"),
    "placement_chase": _l("Reminder of an unanswered proposal"),
    "supervisor_confirmed": _l("Confirmation to a new supervisor"),
    "unplaced_alert": _l("Trainees without an internship place"),
    "evaluation_due": _l("Request for an evaluation"),
    "evaluation_chase": _l("Reminder of an evaluation"),
    "weekly_digest": _l("Weekly overview"),
    "offer_received": _l("Offer of internship places received"),
    "offer_received_approved": _l("Offer of internship places approved"),
    "offer_received_rejected": _l("Offer of internship places not taken"),
    "follow_up": _l("Question after the programme"),
    "follow_up_chase": _l("Reminder of the question after the programme"),
    "work_confirmation": _l("Question to an employer"),
}
LABELS.update(MESSAGE_KIND_LABELS)

# Where a message stands (outbox.models.MessageStatus): label("message:sent").
MESSAGE_STATUS_LABELS = {
    "pending": _l("Waiting"),
    "sending": _l("Being sent"),
    "sent": _l("Sent"),
    "failed": _l("Failed"),
    "skipped": _l("Skipped"),
}
LABELS.update({f"message:{code}": text for code, text in MESSAGE_STATUS_LABELS.items()})

# Who did something, as a history shows it: a person's name, or "automatically" for the system's
# own steps (the scheduler starting an internship; older rows say "scheduler" or "demo").
SYSTEM_ACTORS = frozenset({"", "scheduler", "demo"})


def actor(name: str | None) -> str:
    return str(_l("automatically")) if (name or "").strip() in SYSTEM_ACTORS else str(name)
