"""Programme template pages for managers: list, add and change templates.

Changing a template does not re-plan the cohorts that use it; each cohort is planned again from
its own settings page.
"""

import sqlalchemy as sa
from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from accounts.models import Role
from accounts.permissions import role_required
from cohort.forms import weekday_choices
from cohort.models import ProgrammeTemplate
from cohort.programmes import services as template_services
from cohort.programmes.forms import ProgrammeTemplateForm
from core.scope import one_or_404
from extensions import db
from outbox.edge import save_form

bp = Blueprint("programmes", __name__)


@bp.get("/programmes")
@role_required(Role.MANAGER)
def index():
    programmes = db.session.scalars(sa.select(ProgrammeTemplate).order_by(ProgrammeTemplate.name)).all()
    return render_template("cohort/programmes.html", programmes=programmes, day_names=dict(weekday_choices()))


@bp.route("/programmes/new", methods=["GET", "POST"])
@role_required(Role.MANAGER)
def new():
    return _form_page(ProgrammeTemplateForm(), None)


@bp.route("/programmes/<int:template_id>/edit", methods=["GET", "POST"])
@role_required(Role.MANAGER)
def edit(template_id: int):
    programme = one_or_404(sa.select(ProgrammeTemplate), template_id)
    form = ProgrammeTemplateForm.for_template(programme)
    if template_services.cohorts_using(programme):
        form.slug.render_kw = {"readonly": True}
        form.slug.description = _l("Groups use this programme, so its short name cannot change.")
    return _form_page(form, programme)


def _form_page(form: ProgrammeTemplateForm, programme: ProgrammeTemplate | None):
    """Save on a valid post and go back to the list; otherwise show the form with its problems."""
    if save_form(form, lambda: template_services.save_template(programme, form.values()), _("Saved.")):
        return redirect(url_for("programmes.index"))
    return render_template("cohort/programme_form.html", form=form, programme=programme)
