"""Placements: the manager's shortage view and proposals, the municipality's portal and answers."""

from datetime import timedelta

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.orm import joinedload

from accounts.models import Role, User
from accounts.permissions import role_required
from cohort import planning
from cohort.access import cohorts_for
from cohort.forms import weekday_choices
from cohort.models import Trainee
from core.clock import local_today
from core.errors import ServiceError
from core.forms import form_errors_from
from core.parsing import parse_id
from core.scope import one_or_404
from extensions import db
from outbox.edge import save_form
from outbox.queue import send_queued_mail
from outbox.retry import saved_message
from placements import group_proposal as grouping
from placements import services, supervisors
from placements.access import municipalities_for, offers_for, placements_for
from placements.evaluations.services import missing_evaluations
from placements.forms import (
    ConfirmPlacementForm,
    DeclinePlacementForm,
    GroupProposalForm,
    ProposeForm,
    ReasonForm,
    SupervisorForm,
)
from placements.links import placement_of_link
from placements.models import InternshipOffer, Placement, PlacementStatus
from placements.municipalities.services import add_place as add_place_to
from placements.proposals import proposal_facts
from placements.schedule import intern_days
from sessions.models import AbsenceNotice, TrainingSession
from sessions.weeks import monday_of

bp = Blueprint("placements", __name__)


# --- Manager: shortage, suggestions, proposals --------------------------------------


@bp.get("/cohorts/<int:cohort_id>/placements")
@role_required(Role.MANAGER)
def cohort_placements(cohort_id: int):
    cohort = one_or_404(cohorts_for(current_user), cohort_id)
    return render_template(
        "placements/cohort.html",
        cohort=cohort,
        view=services.shortage_view(cohort, local_today()),
        form=ProposeForm(),
        reason_form=ReasonForm(),
    )


@bp.route("/cohorts/<int:cohort_id>/placements/group", methods=["GET", "POST"])
@role_required(Role.MANAGER)
def group_proposal(cohort_id: int):
    """ "Stel voor voor de hele groep": the computed proposal (GET, with ?max_km=), the manager's
    changes and then the proposals sent (POST), all or nothing."""
    cohort = one_or_404(cohorts_for(current_user), cohort_id)
    form, errors, chosen = GroupProposalForm(), {}, {}
    try:
        max_km = grouping.max_km_from(request.values.get("max_km"))
    except ServiceError as error:
        max_km, errors = grouping.DEFAULT_MAX_KM, error.fields
    if request.method == "POST" and form.validate_on_submit():
        chosen = {
            trainee_id: parse_id(value)
            for key, value in request.form.items()
            if key.startswith("offer-") and (trainee_id := parse_id(key.removeprefix("offer-")))
        }
        try:
            sent = grouping.send_group_proposal(cohort, chosen, current_user)
        except ServiceError as error:
            db.session.rollback()
            errors = error.fields
        else:
            db.session.commit()
            send_queued_mail()
            flash(ngettext("%(num)d proposal is sent.", "%(num)d proposals are sent.", len(sent)), "success")
            return redirect(url_for("placements.cohort_placements", cohort_id=cohort.id))
    return render_template(
        "placements/group_proposal.html",
        cohort=cohort,
        proposal=grouping.group_proposal(cohort, max_km),
        chosen=chosen,
        errors=errors,
        form=form,
        reason_text=grouping.reason_text,
    ), 400 if errors else 200


@bp.post("/cohorts/<int:cohort_id>/placements")
@role_required(Role.MANAGER)
def propose(cohort_id: int):
    cohort = one_or_404(cohorts_for(current_user), cohort_id)
    form = ProposeForm()
    if form.validate_on_submit():
        trainee = one_or_404(
            sa.select(Trainee).where(Trainee.cohort_id == cohort.id), int(form.trainee_id.data)
        )
        offer = one_or_404(sa.select(InternshipOffer), int(form.offer_id.data))
        try:
            services.propose(trainee, offer, current_user)
        except ServiceError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            send_queued_mail()
            if services.has_contact(offer.municipality_id):
                flash(_("The proposal has been sent to the municipality."), "success")
            else:
                # Nothing was sent: say so, and what to do (the scheduler sends it once there is one).
                message = _(
                    "This municipality has no contact person yet, so nobody could be asked. The"
                    " proposal waits and goes out as soon as the municipality has one: add a contact"
                    " person under Users."
                )
                flash(message, "error")
    return redirect(url_for("placements.cohort_placements", cohort_id=cohort.id))


@bp.post("/placements/<int:placement_id>/withdraw")
@role_required(Role.MANAGER)
def withdraw(placement_id: int):
    placement = one_or_404(placements_for(current_user), placement_id)
    try:
        services.withdraw(placement, ReasonForm().reason.data or "", current_user)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("The proposal is withdrawn."), "success")
    return redirect(url_for("placements.cohort_placements", cohort_id=placement.cohort_id))


@bp.post("/placements/<int:placement_id>/links/revoke")
@role_required(Role.MANAGER)
def revoke_links(placement_id: int):
    placement = one_or_404(placements_for(current_user), placement_id)
    services.revoke_email_links(placement, current_user)
    db.session.commit()
    flash(
        _(
            "The e-mail links for %(name)s no longer work. New e-mails have new links.",
            name=placement.trainee.name,
        ),
        "success",
    )
    return redirect(url_for("placements.cohort_placements", cohort_id=placement.cohort_id))


@bp.post("/placements/<int:placement_id>/end")
@role_required(Role.MANAGER)
def end(placement_id: int):
    """Close an internship: completed, or ended early with a reason (which frees the place)."""
    placement = one_or_404(placements_for(current_user), placement_id)
    completed = request.form.get("outcome") == "completed"
    try:
        services.end(placement, completed, ReasonForm().reason.data or "", current_user)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Saved."), "success")
    return redirect(url_for("placements.cohort_placements", cohort_id=placement.cohort_id))


@bp.route("/placements/<int:placement_id>/supervisor", methods=["GET", "POST"])
@role_required(Role.MANAGER)
def supervisor(placement_id: int):
    """Correct the supervisor's name or address, e.g. after mail to them bounced."""
    placement = one_or_404(placements_for(current_user), placement_id)
    acting = placement.acting_supervisor
    form = SupervisorForm(
        data={
            "supervisor_name": acting.name if acting else "",
            "supervisor_email": acting.email if acting else "",
            "supervisor_phone": acting.phone if acting else "",
        }
    )
    saved = save_form(form, lambda: services.update_supervisor(placement, form.values()), saved_message)
    if saved:
        return redirect(url_for("placements.cohort_placements", cohort_id=placement.cohort_id))
    return render_template("placements/supervisor.html", form=form, placement=placement)


# --- Municipality: the portal and answering ------------------------------------------


PORTAL_STATUSES = (PlacementStatus.PROPOSED, PlacementStatus.CONFIRMED, PlacementStatus.ACTIVE)


@bp.get("/portal")
@role_required(Role.MUNICIPALITY)
def portal():
    municipality = one_or_404(municipalities_for(current_user), current_user.municipality_id)
    # The cohorts' names are joined in: a lazy load per cohort grew with the municipality's history.
    offers = db.session.scalars(
        sa.select(InternshipOffer)
        .options(joinedload(InternshipOffer.cohort))
        .where(InternshipOffer.municipality_id == municipality.id)
        .order_by(InternshipOffer.created_at.desc())
    ).all()
    # Only what the page shows: proposals waiting and interns now; completed ones grow every year.
    placements = (
        db.session.scalars(
            placements_for(current_user)
            .options(joinedload(Placement.trainee).joinedload(Trainee.cohort))
            .where(Placement.status.in_(PORTAL_STATUSES))
            .order_by(Placement.proposed_at)
        )
        .unique()
        .all()
    )
    interns = [p for p in placements if p.status != PlacementStatus.PROPOSED]
    today = local_today()
    absences = db.session.scalars(
        sa.select(AbsenceNotice)
        .join(TrainingSession)
        .where(
            AbsenceNotice.trainee_id.in_([p.trainee_id for p in interns]),
            TrainingSession.date >= today,
        )
        .order_by(TrainingSession.date)
    ).all()
    return render_template(
        "placements/portal.html",
        municipality=municipality,
        offers=offers,
        interns=interns,
        awaiting=[p for p in placements if p.status == PlacementStatus.PROPOSED],
        absences=absences,
        days=intern_days(interns),
        # Each intern's days are shown for this week and the next (the feed has all of them).
        window=(monday_of(today), monday_of(today) + timedelta(days=13)),
        contacts=_contacts(municipality.id),
        due_evaluations=missing_evaluations(municipality_id=municipality.id),
    )


@bp.post("/portal/offers/<int:offer_id>/add-place")
@role_required(Role.MUNICIPALITY)
def add_place(offer_id: int):
    """One more place, for an intern the municipality wants to take beyond what it offered."""
    offer = one_or_404(offers_for(current_user), offer_id)
    try:
        add_place_to(offer)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("There is one more place. You can now confirm a proposed intern."), "success")
    return redirect(url_for("placements.portal", _anchor="offers-heading"))


def _contacts(municipality_id: int) -> list[User]:
    return db.session.scalars(
        sa.select(User).where(User.municipality_id == municipality_id, User.is_active).order_by(User.name)
    ).all()


def _answer(placement: Placement, actor: User | None, actor_label: str):
    """The confirm-or-decline page, shared by the portal and the e-mail link."""
    confirm_form, decline_form = (
        ConfirmPlacementForm(prefix="confirm"),
        DeclinePlacementForm(prefix="decline"),
    )
    register = supervisors.register(placement.offer.municipality_id, active_only=True)
    confirm_form.supervisor_id.choices = [("", _("A new supervisor (fill in below)"))] + [
        (s.id, f"{s.name} ({s.email})") for s in register
    ]
    if request.method == "GET":
        confirm_form.workplace_address.data = placement.offer.address
        confirm_form.supervisor_id.data = placement.offer.supervisor_id
        cohort = placement.trainee.cohort
        confirm_form.weekdays.data = [planning.weekday_code(d) for d in services.default_weekdays(cohort)]
    action = request.form.get("action")
    form = {"confirm": confirm_form, "decline": decline_form}.get(action)
    if form is not None and form.validate_on_submit():
        try:
            if action == "confirm":
                services.confirm(placement, confirm_form.values(), actor, actor_label)
            else:
                services.decline(placement, decline_form.reason.data, actor, actor_label)
        except ServiceError as error:
            db.session.rollback()
            form_errors_from(form, error)
        else:
            db.session.commit()
            send_queued_mail()  # the supervisor's confirmation, with their calendar link
    return render_template(
        "placements/answer.html",
        placement=placement,
        confirm_form=confirm_form,
        decline_form=decline_form,
        register=register,
        facts=proposal_facts(placement),
        day_names=dict(weekday_choices()),
        programme_phone=current_app.config["PROGRAMME_PHONE"],
        signed_in=actor is not None,
    )


@bp.route("/e/placement/<token>", methods=["GET", "POST"])
def answer(token: str):
    """Answer a proposal from the e-mail link: no password, and only for this one placement."""
    placement = placement_of_link(token, "answer")
    if placement is None:
        return render_template("placements/link_invalid.html"), 404
    return _answer(placement, None, _("e-mail link"))


@bp.route("/portal/placements/<int:placement_id>", methods=["GET", "POST"])
@role_required(Role.MUNICIPALITY)
def answer_in_portal(placement_id: int):
    return _answer(one_or_404(placements_for(current_user), placement_id), current_user, "")
