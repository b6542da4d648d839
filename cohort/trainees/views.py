"""The trainee file: everything about one trainee on one page, for programme managers.

Opening the file is written to the audit log (a VIEW of "file"); the notes, outcome, completion,
withdrawal and move forms post to their own routes and come back to the file.
"""

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user

from accounts.models import Role
from accounts.permissions import role_required
from cohort import services
from cohort.access import trainees_for
from cohort.follow_ups import services as follow_up_services
from cohort.follow_ups.forms import RecordOutcomeForm
from cohort.forms import MoveForm, WithdrawForm
from cohort.models import Cohort, Trainee
from cohort.trainees import services as trainee_file_services
from cohort.trainees.file import FILE_OPTIONS, load_trainee_file, municipality_choices, other_cohorts
from cohort.trainees.forms import CompleteForm, NoteForm, OutcomeForm, outcome_label
from core import audit
from core.audit import AuditAction, AuditSubject
from core.clock import local_today
from core.scope import one_or_404
from extensions import db
from outbox.edge import save_form
from placements.municipalities.register import official_names

bp = Blueprint("trainee_file", __name__)


def _trainee(trainee_id: int) -> Trainee:
    return one_or_404(trainees_for(current_user).options(*FILE_OPTIONS), trainee_id)


def _forms(trainee: Trainee, **posted) -> dict:
    """The file's forms: the one just posted (with its problems) or fresh ones."""
    today = local_today()
    forms = {
        "note_form": NoteForm(prefix="note", data={"noted_on": today}),
        "outcome_form": OutcomeForm(prefix="outcome", data=OutcomeForm.data_from(trainee)),
        "complete_form": CompleteForm(prefix="complete", data={"completed_on": today}),
        "withdraw_form": WithdrawForm(prefix="withdraw", data={"withdrawn_on": today}),
        "move_form": MoveForm(prefix="move"),
        "work_form": RecordOutcomeForm(prefix="work", data={"known_on": today}),
        **posted,
    }
    forms["outcome_form"].outcome_municipality_id.choices = [(None, "—"), *municipality_choices()]
    forms["move_form"].cohort_id.choices = other_cohorts(trainee)
    return forms


def average_score(evaluation) -> str:
    scores = list(evaluation.scores.values())
    return format_decimal(sum(scores) / len(scores), format="0.0") if scores else "—"


def _page(trainee: Trainee, **posted) -> str:
    return render_template(
        "cohort/trainee_file.html",
        file=load_trainee_file(trainee, local_today()),
        municipality_names=official_names(),
        outcome_label=outcome_label,
        average_score=average_score,
        **_forms(trainee, **posted),
    )


def _save_on_file(trainee: Trainee, name: str, form, action, success: str, section: str):
    """The file's form `name` (its prefix): saved, back to its section of the file; or refused,
    the file again with the form's problems (400)."""
    if save_form(form, action, success):
        return redirect(url_for(".show", trainee_id=trainee.id, _anchor=section))
    return _page(trainee, **{f"{name}_form": form}), 400


@bp.get("/trainees/<int:trainee_id>")
@role_required(Role.MANAGER)
def show(trainee_id: int):
    trainee = _trainee(trainee_id)
    audit.record(current_user, trainee.id, AuditAction.VIEW, AuditSubject.FILE)
    page = _page(trainee)
    db.session.commit()  # after rendering: a commit before would expire what the page shows
    return page


@bp.post("/trainees/<int:trainee_id>/notes")
@role_required(Role.MANAGER)
def add_note(trainee_id: int):
    trainee = _trainee(trainee_id)
    form = NoteForm(prefix="note")

    def add():
        return trainee_file_services.add_note(
            trainee, form.noted_on.data, form.text.data, current_user, local_today()
        )

    return _save_on_file(trainee, "note", form, add, _("The note is saved."), "notes")


@bp.post("/trainees/<int:trainee_id>/outcome")
@role_required(Role.MANAGER)
def set_outcome(trainee_id: int):
    trainee = _trainee(trainee_id)
    form = OutcomeForm(prefix="outcome")
    form.outcome_municipality_id.choices = [(None, "—"), *municipality_choices()]

    def save():
        return trainee_file_services.set_outcome(
            trainee,
            form.outcome.data,
            form.outcome_date.data,
            form.outcome_municipality_id.data,
            form.outcome_note.data,
            current_user,
        )

    return _save_on_file(trainee, "outcome", form, save, _("The outcome is saved."), "outcome")


@bp.post("/trainees/<int:trainee_id>/work-outcomes")
@role_required(Role.MANAGER)
def record_work_outcome(trainee_id: int):
    """After the programme: what a manager heard on the phone or from the employer."""
    trainee = _trainee(trainee_id)
    form = RecordOutcomeForm(prefix="work")

    def save():
        return follow_up_services.record_outcome(
            trainee,
            form.months.data,
            form.work.data,
            form.employer.data,
            form.hours_per_week.data,
            form.source.data,
            form.known_on.data,
            form.note.data,
            current_user,
            stop_asking=form.stop_asking.data,
        )

    return _save_on_file(trainee, "work", form, save, _("The information is saved."), "work-after")


@bp.post("/trainees/<int:trainee_id>/complete")
@role_required(Role.MANAGER)
def complete(trainee_id: int):
    trainee = _trainee(trainee_id)
    form = CompleteForm(prefix="complete")

    def finish():
        return services.complete_trainee(trainee, form.completed_on.data, current_user)

    return _save_on_file(
        trainee, "complete", form, finish, _("The trainee has completed the programme."), "status"
    )


@bp.post("/trainees/<int:trainee_id>/withdraw")
@role_required(Role.MANAGER)
def withdraw(trainee_id: int):
    trainee = _trainee(trainee_id)
    form = WithdrawForm(prefix="withdraw")

    def leave():
        return services.withdraw_trainee(trainee, form.withdrawn_on.data, form.reason.data, current_user)

    return _save_on_file(trainee, "withdraw", form, leave, _("The trainee is withdrawn."), "status")


@bp.post("/trainees/<int:trainee_id>/move")
@role_required(Role.MANAGER)
def move(trainee_id: int):
    trainee = _trainee(trainee_id)
    form = MoveForm(prefix="move")
    form.cohort_id.choices = other_cohorts(trainee)

    def move_to_chosen_group():
        cohort = db.session.get(Cohort, form.cohort_id.data)
        return services.move_trainee(trainee, cohort, current_user, form.reason.data)

    return _save_on_file(
        trainee, "move", form, move_to_chosen_group, _("The trainee is moved to the other group."), "status"
    )
