"""What a manager writes in a trainee's file: dated notes and the outcome. Flush, never commit.

Every change is written to the audit log with a fixed word, never the text itself. An erased
trainee's file takes no new personal data.
"""

from datetime import date

from flask_babel import gettext as _

from accounts.models import User
from cohort.models import Trainee, TraineeNote, TraineeOutcome
from core import audit
from core.audit import AuditAction, AuditSubject
from core.errors import ConflictError, ValidationError
from extensions import db
from placements.models import Municipality

NOTE_MAX = 5000
OUTCOME_NOTE_MAX = 300


def _refuse_if_erased(trainee: Trainee) -> None:
    if trainee.erased_at is not None:
        raise ConflictError(_("This trainee's personal data has been erased; nothing can be added."))


def _invalid(problems: dict[str, str]) -> ValidationError:
    return ValidationError(_("Please check the fields marked below."), problems)


def add_note(trainee: Trainee, noted_on: date | None, text: str, actor: User, today: date) -> TraineeNote:
    """A dated note by a manager; the date may lie in the past (a conversation last week), not ahead."""
    _refuse_if_erased(trainee)
    text = (text or "").strip()
    problems = {}
    if not text:
        problems["text"] = _("Required.")
    elif len(text) > NOTE_MAX:
        problems["text"] = _("Use at most %(n)d characters.", n=NOTE_MAX)
    if noted_on is None:
        problems["noted_on"] = _("Required.")
    elif noted_on > today:
        problems["noted_on"] = _("Choose today or a day before.")
    if problems:
        raise _invalid(problems)
    note = TraineeNote(trainee_id=trainee.id, author_id=actor.id, noted_on=noted_on, text=text)
    db.session.add(note)
    audit.record(actor, trainee.id, AuditAction.CHANGE, AuditSubject.NOTE)
    db.session.flush()
    return note


def _outcome_problems(outcome: str | None, on: date | None, municipality_id: int | None, note: str) -> dict:
    """Each outcome asks for what it means: employed as consultant names where and from when,
    "other" names the reason."""
    if outcome not in set(TraineeOutcome):
        return {"outcome": _("Choose an outcome.")}
    problems = {}
    if outcome == TraineeOutcome.EMPLOYED_CONSULTANT:
        if municipality_id is None:
            problems["outcome_municipality_id"] = _("Choose the municipality.")
        elif db.session.get(Municipality, municipality_id) is None:
            problems["outcome_municipality_id"] = _("Unknown municipality.")
        if on is None:
            problems["outcome_date"] = _("Give the first working day.")
    if outcome == TraineeOutcome.OTHER and not note:
        problems["outcome_note"] = _("Give the reason.")
    if len(note) > OUTCOME_NOTE_MAX:
        problems["outcome_note"] = _("Use at most %(n)d characters.", n=OUTCOME_NOTE_MAX)
    return problems


def set_outcome(
    trainee: Trainee,
    outcome: str | None,
    outcome_date: date | None,
    municipality_id: int | None,
    note: str,
    actor: User,
) -> None:
    """Record where the trainee ended up; a later outcome replaces the earlier one."""
    _refuse_if_erased(trainee)
    note = (note or "").strip()
    if problems := _outcome_problems(outcome, outcome_date, municipality_id, note):
        raise _invalid(problems)
    trainee.outcome, trainee.outcome_date, trainee.outcome_note = outcome, outcome_date, note
    # Only employment as a consultant is at a municipality; another outcome names none.
    employed = outcome == TraineeOutcome.EMPLOYED_CONSULTANT
    trainee.outcome_municipality_id = municipality_id if employed else None
    audit.record(actor, trainee.id, AuditAction.CHANGE, AuditSubject.OUTCOME)
    db.session.flush()
