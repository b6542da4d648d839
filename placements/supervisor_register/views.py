"""The supervisor register's pages: a municipality's list (with a form to add one) and one
supervisor's page (their details, whether they are active, their calendar link and interns).

Managers see every municipality's register, a contact only their own: anything else is 404.
"""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.models import Role
from accounts.permissions import role_required
from core.scope import one_or_404
from extensions import db
from outbox.edge import save_form
from outbox.retry import follow_new_address
from placements import supervisors
from placements.access import municipalities_for, supervisors_for
from placements.forms import SupervisorRecordForm
from placements.supervisor_feed import supervisor_feed_url

bp = Blueprint("supervisors", __name__)
STAFF = (Role.MANAGER, Role.MUNICIPALITY)


@bp.route("/municipalities/<int:municipality_id>/supervisors", methods=["GET", "POST"])
@role_required(*STAFF)
def index(municipality_id: int):
    municipality = one_or_404(municipalities_for(current_user), municipality_id)
    form = SupervisorRecordForm()
    saved = save_form(
        form, lambda: supervisors.add(municipality.id, form.values()), _("The supervisor is in the list.")
    )
    if saved:
        return redirect(url_for("supervisors.index", municipality_id=municipality.id))
    return render_template(
        "placements/supervisors.html",
        municipality=municipality,
        register=supervisors.register(municipality.id),
        form=form,
    )


@bp.route("/supervisors/<int:supervisor_id>", methods=["GET", "POST"])
@role_required(*STAFF)
def edit(supervisor_id: int):
    supervisor = one_or_404(supervisors_for(current_user), supervisor_id)
    form = SupervisorRecordForm(obj=supervisor)

    def save() -> int:
        """The new details; mail waiting for them (or bounced) follows a new address."""
        if supervisors.update(supervisor, form.values()):
            return follow_new_address(supervisors.addressed_to_supervisor(supervisor.id))
        return 0

    if save_form(form, save, _("Saved.")):
        return redirect(url_for("supervisors.index", municipality_id=supervisor.municipality_id))
    interns = supervisors.interns_of(supervisor.id)
    feed_url = supervisor_feed_url(supervisor) if supervisor.is_active and interns else None
    return render_template(
        "placements/supervisor_record.html",
        supervisor=supervisor,
        form=form,
        interns=interns,
        feed_url=feed_url,
    )


@bp.post("/supervisors/<int:supervisor_id>/feed/reset")
@role_required(*STAFF)
def reset_feed(supervisor_id: int):
    """A new calendar link for the supervisor; the old one stops working at once."""
    supervisor = one_or_404(supervisors_for(current_user), supervisor_id)
    supervisors.reset_feed(supervisor)
    db.session.commit()
    flash(_("The supervisor has a new calendar link. The old link no longer works."), "success")
    return redirect(url_for("supervisors.edit", supervisor_id=supervisor.id))
