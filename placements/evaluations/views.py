"""Mid-term and final evaluations of interns by their supervisors.

The supervisor fills in the form in the portal (a contact of the offer's municipality, or a
manager on their behalf) or through a signed e-mail link without logging in. The manager, the
municipality's contacts and the intern read it; the manager sees which are missing.
"""

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.models import Role
from accounts.permissions import role_required
from core.clock import local_today
from core.labels import actor
from core.scope import one_or_404
from outbox.edge import save_form
from placements.access import placements_for
from placements.evaluations import services
from placements.evaluations.forms import (
    CRITERION_LABELS,
    KIND_LABELS,
    evaluation_form,
    score_field,
    score_label,
)
from placements.evaluations.rules import CRITERIA
from placements.models import Placement

bp = Blueprint("evaluations", __name__)

KIND_PATH = "<any(midterm, final):kind>"


def _sender(evaluation) -> str:
    """Who sent it, in the reader's language; the link records "e-mail link (supervisor's name)"."""
    sent_by = evaluation.submitted_by if evaluation else ""
    if not sent_by.startswith(services.LINK_SUBMITTER):
        return actor(sent_by)
    name = sent_by.removeprefix(services.LINK_SUBMITTER).strip(" ()") or _("the supervisor")
    return _("%(name)s, through the e-mail link", name=name)


def _form_page(placement: Placement, kind: str, submitted_by: str, done_url: str):
    """Show the form; on a valid post save it, commit and go to `done_url`."""
    existing = services.find_evaluation(placement.id, kind)
    form = evaluation_form(existing)

    def submit():
        return services.submit_evaluation(placement, kind, form.scores(), form.comments.data, submitted_by)

    if save_form(form, submit, _("Thank you. The evaluation is saved.")):
        return redirect(done_url)
    return render_template(
        "placements/evaluation_form.html",
        form=form,
        placement=placement,
        kind=kind,
        kind_label=KIND_LABELS[kind],
        due=services.due_date_of(placement, kind),
        existing=existing,
        sender=_sender(existing),
        is_open=services.is_evaluable(placement),
        criteria=[(code, CRITERION_LABELS[code], form[score_field(code)]) for code in CRITERIA],
    )


@bp.route(f"/evaluations/<int:placement_id>/{KIND_PATH}", methods=["GET", "POST"])
@role_required(Role.MANAGER, Role.MUNICIPALITY)
def fill_in(placement_id: int, kind: str):
    placement = one_or_404(placements_for(current_user), placement_id)
    done_url = url_for("evaluations.show", placement_id=placement.id, kind=kind)
    return _form_page(placement, kind, current_user.name, done_url)


@bp.route("/e/evaluation/<token>", methods=["GET", "POST"])
def by_link(token: str):
    """The e-mail link: no login; the signed token names the placement and the kind."""
    found = services.read_evaluation_token(token)
    if found is None:
        return _link_invalid()
    placement, kind = found
    done_url = url_for("evaluations.by_link", token=token)
    return _form_page(placement, kind, services.link_submitter(placement), done_url)


def _link_invalid():
    explanation = _(
        "The link is not complete or is too old: a link works for 30 days. "
        "Ask the programme manager for a new link."
    )
    page = render_template(
        "errors/error.html", code=404, title=_("This link does not work"), explanation=explanation
    )
    return page, 404


@bp.get(f"/evaluations/<int:placement_id>/{KIND_PATH}/view")
@role_required(Role.MANAGER, Role.MUNICIPALITY, Role.TRAINEE)
def show(placement_id: int, kind: str):
    placement = one_or_404(placements_for(current_user), placement_id)
    evaluation = services.find_evaluation(placement.id, kind)
    scores = evaluation.scores if evaluation else {}
    return render_template(
        "placements/evaluation.html",
        placement=placement,
        kind=kind,
        kind_label=KIND_LABELS[kind],
        due=services.due_date_of(placement, kind),
        evaluation=evaluation,
        sender=_sender(evaluation),
        rows=[(CRITERION_LABELS[c], score_label(scores[c]) if c in scores else "—") for c in CRITERIA],
        may_fill_in=current_user.role in (Role.MANAGER, Role.MUNICIPALITY),
    )


@bp.get("/evaluations/missing")
@role_required(Role.MANAGER)
def missing():
    due = services.missing_evaluations(today=local_today())
    return render_template("placements/evaluations_missing.html", due_evaluations=due)
