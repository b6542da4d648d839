"""Enrolling many trainees at once from a CSV or XLSX file: upload, preview, confirm.

The preview saves nothing. Its confirm form carries the valid rows in one signed
field, so no state waits on the server and the rows cannot be changed in between.
"""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy.exc import IntegrityError

from accounts.models import Role
from accounts.permissions import role_required
from cohort import services
from cohort.access import cohorts_for
from cohort.importing import services as importing
from cohort.importing.forms import ConfirmImportForm, ImportUploadForm
from cohort.models import Cohort
from core.errors import ServiceError
from core.scope import one_or_404
from extensions import db
from outbox.queue import send_queued_mail
from placements.municipalities import register

bp = Blueprint("trainee_import", __name__)

SALT = "trainee-import"

FIELD_LABELS = {
    "name": _l("Name"),
    "email": _l("E-mail address"),
    "phone": _l("Phone"),
    "municipality": _l("Home municipality"),
    "languages": _l("Languages spoken"),
}

PROBLEM_TEXTS = {
    "required": _l("Required."),
    "invalid_email": _l("Not a valid e-mail address."),
    "invalid_phone": _l("Use digits, spaces and + - ( ) only."),
    "already_enrolled": _l("Already enrolled in this group, or already has an account."),
}

FILE_PROBLEM_TEXTS = {
    "wrong_type": _l("Choose a CSV or XLSX file."),
    "unreadable": _l("We cannot read this file. Save it as CSV (UTF-8) or XLSX and try again."),
    "empty": _l("There are no trainees in this file."),
    "too_large": _l(
        "This file is too large to read. Copy only the list of trainees into a new file and try again."
    ),
}


def problem_text(row: importing.CheckedRow, key: str) -> str:
    """A row's problem with one field, as a sentence in the reader's language."""
    code = row.problems[key]
    if code == "too_long":
        return _("Use at most %(n)d characters.", n=importing.MAX_LENGTHS[key])
    if code == "in_other_group" and key == "email":
        return _(
            "Already in the group %(group)s, with this e-mail address. Move them from their file.",
            group=row.known_group,
        )
    if code == "in_other_group":
        return _(
            "Someone in the group %(group)s has this phone number. Move them from their file, "
            "or enrol this person by hand.",
            group=row.known_group,
        )
    if code == "duplicate_in_file":
        return _("This address is also in row %(row)d.", row=row.duplicate_of)
    if code == "ambiguous_municipality":
        return register.resolution_problem(row.municipality_hints, ())
    if code == "unknown_municipality":
        return register.resolution_problem((), row.municipality_hints)
    return str(PROBLEM_TEXTS[code])


def file_problem_text(error: importing.ImportFileError) -> str:
    if error.code == "too_many_rows":
        return _("The file has more than %(n)d rows. Split it into smaller files.", n=error.params["n"])
    if error.code == "missing_columns":
        names = ", ".join(str(FIELD_LABELS[key]) for key in error.params["columns"])
        return _("The first row must name the columns. Missing: %(columns)s.", columns=names)
    return str(FILE_PROBLEM_TEXTS[error.code])


def refusal_text(error: Exception) -> str:
    """Why the confirm saved nothing: the service's reason, or a clash with a save at the same moment."""
    if isinstance(error, ServiceError):
        return error.message
    return _("Someone saved one of these addresses at the same moment. Try again.")


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def sign_rows(cohort: Cohort, rows: list[importing.CheckedRow]) -> str:
    return _serializer().dumps({"cohort": cohort.id, "rows": [row.to_payload() for row in rows]})


def signed_rows(cohort: Cohort) -> list[importing.CheckedRow]:
    """The rows the preview signed for this cohort; a missing, changed or foreign field is a 400."""
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        data = _serializer().loads(form.rows.data)
        signed_for = data["cohort"]
        rows = [importing.CheckedRow.from_payload(row) for row in data["rows"]]
    except (BadData, KeyError, TypeError):
        abort(400)
    if signed_for != cohort.id or not rows:
        abort(400)  # signed for another cohort, or nothing to enrol (the page offers no button then)
    return rows


def check_upload(cohort: Cohort, upload) -> list[importing.CheckedRow]:
    """Read and check the file with two queries in all, however many rows it has."""
    raw_rows = importing.parse_rows(upload.filename, upload.read())
    municipalities = register.name_index()
    emails = importing.emails_in(raw_rows)
    taken = services.taken_trainee_emails(cohort, emails)
    known = services.known_people(emails, {row.values.get("phone", "") for row in raw_rows})
    return importing.check_rows(raw_rows, municipalities, taken, known, cohort.id)


def render_preview(cohort: Cohort, rows: list[importing.CheckedRow]):
    valid = [row for row in rows if row.is_valid]
    form = ConfirmImportForm(formdata=None, rows=sign_rows(cohort, valid))
    return render_template(
        "cohort/import_preview.html",
        cohort=cohort,
        rows=rows,
        valid_count=len(valid),
        problem_count=len(rows) - len(valid),
        form=form,
        fields=FIELD_LABELS,
        problem_text=problem_text,
    )


@bp.route("/cohorts/<int:cohort_id>/trainees/import", methods=["GET", "POST"])
@role_required(Role.MANAGER)
def upload(cohort_id: int):
    cohort = one_or_404(cohorts_for(current_user), cohort_id)
    form = ImportUploadForm()
    if form.validate_on_submit():
        try:
            return render_preview(cohort, check_upload(cohort, form.file.data))
        except importing.ImportFileError as error:
            form.file.errors.append(file_problem_text(error))
    return render_template(
        "cohort/import_upload.html",
        cohort=cohort,
        form=form,
        columns=importing.COLUMN_NAMES,
        labels=FIELD_LABELS,
        required=importing.REQUIRED_FIELDS,
    )


@bp.post("/cohorts/<int:cohort_id>/trainees/import/confirm")
@role_required(Role.MANAGER)
def confirm(cohort_id: int):
    """Enrol every signed row in one transaction, or none of them."""
    cohort = one_or_404(cohorts_for(current_user), cohort_id)
    rows = signed_rows(cohort)
    # Enrolled elsewhere or here since the preview: the same checks again, on the same rows.
    emails = {row.email for row in rows}
    importing.mark_known(rows, services.known_people(emails, {row.phone for row in rows}), cohort.id)
    importing.mark_taken(rows, services.taken_trainee_emails(cohort, emails))
    if not all(row.is_valid for row in rows):
        flash(
            _(
                "Some addresses were enrolled after your preview. Nothing has been saved yet: "
                "check the list and confirm again."
            ),
            "error",
        )
        return render_preview(cohort, rows), 409
    try:
        services.enrol_trainees(cohort, [row.enrolment() for row in rows], actor=current_user)
        db.session.commit()
    except (ServiceError, IntegrityError) as error:
        db.session.rollback()
        flash(_("Nothing has been saved. %(problem)s", problem=refusal_text(error)), "error")
        return redirect(url_for(".upload", cohort_id=cohort.id))
    send_queued_mail()
    flash(ngettext("%(num)d trainee enrolled.", "%(num)d trainees enrolled.", len(rows)), "success")
    return redirect(url_for("cohorts.detail", cohort_id=cohort.id))
