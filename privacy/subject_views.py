"""A trainee's data: the export (page and JSON download) for the manager and for the trainee
themself, and the manager's erasure with its confirmation. Every export is written to the audit log."""

import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.models import Role
from accounts.permissions import role_required
from cohort.access import trainees_for
from cohort.models import Trainee
from core.audit import AuditAction, AuditSubject, record
from core.scope import one_or_404
from extensions import db
from privacy.erasure import erase_trainee as erase
from privacy.erasure_forms import CONFIRMATION_WORD, EraseForm
from privacy.subject_export import subject_data

bp = Blueprint("privacy_subject", __name__)

EXPORT_SUBJECT = AuditSubject.DATA_EXPORT


def _exported(trainee: Trainee) -> dict:
    """The export, written to the audit log first (so it lists itself) and committed."""
    record(current_user, trainee.id, AuditAction.EXPORT, EXPORT_SUBJECT)
    db.session.flush()
    data = subject_data(trainee)
    db.session.commit()
    return data


def _page(trainee: Trainee, download_url: str):
    return render_template(
        "privacy/subject_data.html", trainee=trainee, data=_exported(trainee), download_url=download_url
    )


def _download(trainee: Trainee) -> Response:
    body = json.dumps(_exported(trainee), ensure_ascii=False, indent=2)
    # The file name has the record number, never the person's name.
    filename = f"gegevens-deelnemer-{trainee.id}.json"
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


def _own_trainee() -> Trainee:
    if current_user.trainee_id is None:
        abort(404)
    return one_or_404(trainees_for(current_user), current_user.trainee_id)


# Managers open any trainee's data here; a trainee only their own (anyone else's is a 404, as
# everywhere), though their account page links to /account/data.
@bp.get("/trainees/<int:trainee_id>/data")
@role_required(Role.MANAGER, Role.TRAINEE)
def trainee_data(trainee_id: int):
    trainee = one_or_404(trainees_for(current_user), trainee_id)
    return _page(trainee, url_for(".trainee_data_json", trainee_id=trainee.id))


@bp.get("/trainees/<int:trainee_id>/data.json")
@role_required(Role.MANAGER, Role.TRAINEE)
def trainee_data_json(trainee_id: int):
    return _download(one_or_404(trainees_for(current_user), trainee_id))


@bp.get("/account/data")
@role_required(Role.TRAINEE)
def account_data():
    return _page(_own_trainee(), url_for(".account_data_json"))


@bp.get("/account/data.json")
@role_required(Role.TRAINEE)
def account_data_json():
    return _download(_own_trainee())


# --- erasure ------------------------------------------------------------------------------------


def _confirm_page(trainee: Trainee, form: EraseForm, status: int = 200):
    return render_template(
        "privacy/erase_confirm.html", trainee=trainee, form=form, word=CONFIRMATION_WORD
    ), status


@bp.get("/trainees/<int:trainee_id>/erase")
@role_required(Role.MANAGER)
def erase_confirm(trainee_id: int):
    return _confirm_page(one_or_404(trainees_for(current_user), trainee_id), EraseForm())


@bp.post("/trainees/<int:trainee_id>/erase")
@role_required(Role.MANAGER)
def erase_trainee(trainee_id: int):
    trainee = one_or_404(trainees_for(current_user), trainee_id)
    form = EraseForm()
    if trainee.erased_at is not None:
        flash(_("The personal data of this trainee has already been erased."), "success")
        return redirect(url_for("cohorts.detail", cohort_id=trainee.cohort_id))
    if not form.validate_on_submit():
        return _confirm_page(trainee, form, 400)
    erase(trainee, current_user)
    db.session.commit()
    flash(_("The personal data of trainee #%(id)d has been erased.", id=trainee.id), "success")
    return redirect(url_for("cohorts.detail", cohort_id=trainee.cohort_id))
