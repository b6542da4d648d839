"""The exports page and its downloads (managers only): attendance, placements, trainees, and the
anonymised export for evaluation research, each as CSV or XLSX.

A download is a GET with the form's fields in the address (a group's id, dates, the format). An
invalid choice shows the page again with the problem at the field (400). A valid one streams the
file: CSV straight from the database cursor, XLSX from a temporary file (reports/export_writers.py).
Exports that hold personal data leave one audit event per trainee in them; the research export
holds none (reports/exports.py).
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import Blueprint, Response, current_app, render_template, request, stream_with_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from accounts.models import Role
from accounts.permissions import role_required
from core.audit import AuditSubject
from core.clock import local_today
from extensions import db
from reports import export_queries as queries
from reports import exports
from reports.export_forms import ExportChoice, ExportForm, PeriodExportForm
from reports.export_writers import CSV_MIMETYPE, XLSX_MIMETYPE, csv_chunks, file_chunks

bp = Blueprint("exports", __name__)


Rows = Iterable[sa.Row]


def _today() -> date:
    return local_today(current_app.config["TIMEZONE"])


def attendance_statement(choice: ExportChoice) -> sa.Select:
    return queries.attendance_statement(choice.cohort_id, choice.start, choice.end)


def attendance_lines(choice: ExportChoice, rows: Rows) -> Iterator[list]:
    counts = queries.attendance_counts(choice.cohort_id, _today(), choice.start, choice.end)
    return (exports.attendance_line(row, counts) for row in rows)


def placement_statement(choice: ExportChoice) -> sa.Select:
    return queries.placement_statement(choice.cohort_id)


def placement_lines(choice: ExportChoice, rows: Rows) -> Iterator[list]:
    tz_name = current_app.config["TIMEZONE"]
    return (exports.placement_line(row, tz_name) for row in rows)


def trainee_statement(choice: ExportChoice) -> sa.Select:
    return queries.trainee_statement(choice.cohort_id)


def trainee_lines(choice: ExportChoice, rows: Rows) -> Iterator[list]:
    return (exports.trainee_line(row) for row in rows)


def research_statement(choice: ExportChoice) -> sa.Select:
    return queries.research_statement(choice.cohort_id)


def research_lines(choice: ExportChoice, rows: Rows) -> Iterator[list]:
    work, cohort_of = queries.work_after_programme(choice.cohort_id)
    facts = exports.ResearchFacts(
        secret_key=current_app.config["SECRET_KEY"],
        attendance=queries.attendance_counts(choice.cohort_id, _today()),
        placements=queries.main_placements(choice.cohort_id),
        scores=queries.evaluation_scores(choice.cohort_id),
        work=work,
    )
    small = exports.small_moments(work, cohort_of)
    return (exports.research_line(row, facts, small) for row in rows)


@dataclass(frozen=True)
class Export:
    kind: str  # also the endpoint's name
    title: object
    description: object
    file_word: object  # the first word of the file name
    columns: tuple[exports.Column, ...]
    # The rows of the file; the same statement says whose data is in it (the audit log).
    statement: Callable[[ExportChoice], sa.Select]
    lines: Callable[[ExportChoice, Rows], Iterator[list]]  # the statement's rows -> lines
    audit_subject: str | None  # None: no personal data in it
    has_period: bool = False


EXPORTS = {
    export.kind: export
    for export in (
        Export(
            "attendance",
            _l("Attendance"),
            _l("One line per trainee per session in the period, with the trainee's attendance rate."),
            _l("attendance"),
            exports.ATTENDANCE_COLUMNS,
            attendance_statement,
            attendance_lines,
            AuditSubject.ATTENDANCE_EXPORT,
            has_period=True,
        ),
        Export(
            "placements",
            _l("Placements"),
            _l("Every proposed and confirmed internship place, with its status and dates."),
            _l("placements"),
            exports.PLACEMENT_COLUMNS,
            placement_statement,
            placement_lines,
            AuditSubject.PLACEMENT_EXPORT,
        ),
        Export(
            "trainees",
            _l("Trainees"),
            _l("Contact details, status and outcome of every trainee."),
            _l("trainees"),
            exports.TRAINEE_COLUMNS,
            trainee_statement,
            trainee_lines,
            AuditSubject.TRAINEE_EXPORT,
        ),
        Export(
            "research",
            _l("Anonymised, for evaluation research"),
            _l(
                "No names, contact details or written comments: each trainee has a code that stays "
                "the same in every export. With attendance, placement, evaluation scores and outcome."
            ),
            _l("research"),
            exports.RESEARCH_COLUMNS,
            research_statement,
            research_lines,
            None,
        ),
    )
}


def _form(export: Export, cohorts: list[tuple[int, str]], formdata=None) -> ExportForm:
    form_class = PeriodExportForm if export.has_period else ExportForm
    return form_class(export.kind, cohorts, formdata=formdata)


def _page(failed: ExportForm | None = None, status: int = 200):
    cohorts = queries.cohort_names()
    forms = {
        kind: failed if failed is not None and failed.kind == kind else _form(export, cohorts)
        for kind, export in EXPORTS.items()
    }
    return render_template("reports/exports.html", exports=EXPORTS, forms=forms), status


def _file_name(export: Export, choice: ExportChoice) -> str:
    scope = choice.cohort_name or _("all")
    return exports.filename(str(export.file_word), scope, choice.file_format, choice.start, choice.end)


def _response(export: Export, choice: ExportChoice, statement: sa.Select) -> Response:
    headings, kinds = exports.headings(export.columns), exports.kinds(export.columns)
    headers = {
        "Content-Disposition": f'attachment; filename="{_file_name(export, choice)}"',
        "Cache-Control": "no-store",  # personal data: not for a shared cache or the browser's
    }
    lines = export.lines(choice, queries.stream(statement))
    if choice.file_format == "csv":
        body = stream_with_context(csv_chunks(headings, kinds, lines))
        return Response(body, mimetype=CSV_MIMETYPE, headers=headers)
    from reports.xlsx_writer import xlsx_file  # openpyxl on the first XLSX export only (its module doc)

    file = xlsx_file(headings, kinds, lines, sheet_title=str(export.title))
    size = file.seek(0, 2)
    file.seek(0)
    return Response(file_chunks(file), mimetype=XLSX_MIMETYPE, headers={**headers, "Content-Length": size})


def _download(kind: str):
    export = EXPORTS[kind]
    form = _form(export, queries.cohort_names(), formdata=request.args)
    if not form.validate():
        return _page(failed=form, status=400)
    choice = form.choice()
    statement = export.statement(choice)
    if export.audit_subject:
        queries.record_export(current_user, statement, export.audit_subject)
        db.session.commit()
    return _response(export, choice, statement)


@bp.get("/exports")
@role_required(Role.MANAGER)
def index():
    return _page()


@bp.get("/exports/attendance")
@role_required(Role.MANAGER)
def attendance():
    return _download("attendance")


@bp.get("/exports/placements")
@role_required(Role.MANAGER)
def placements():
    return _download("placements")


@bp.get("/exports/trainees")
@role_required(Role.MANAGER)
def trainees():
    return _download("trainees")


@bp.get("/exports/research")
@role_required(Role.MANAGER)
def research():
    return _download("research")
