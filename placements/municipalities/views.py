"""Municipalities, their internship offers, and the public "Stageplek aanbieden" page."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import selectinload

from accounts.models import Role, User
from accounts.permissions import role_required
from cohort.models import Cohort
from core.errors import ConflictError, ServiceError
from core.forms import form_errors_from
from core.scope import one_or_404
from extensions import db
from outbox.edge import save_form
from outbox.queue import send_queued_mail
from placements.access import municipalities_for, offers_for
from placements.models import InternshipOffer, Municipality, OfferSubmission, SubmissionStatus
from placements.municipalities import register, services
from placements.municipalities.forms import (
    ApproveForm,
    MunicipalityForm,
    OfferForm,
    PublicOfferForm,
    RejectForm,
)

bp = Blueprint("municipalities", __name__)


def _cohort_choices(cohorts, empty_label) -> list[tuple]:
    return [(None, empty_label)] + [(c.id, f"{c.name} ({format_date(c.start_date)})") for c in cohorts]


def _all_cohorts() -> list[Cohort]:
    return db.session.scalars(sa.select(Cohort).order_by(Cohort.start_date.desc())).all()


# --- Municipalities (managers) -------------------------------------------------------


@bp.get("/municipalities")
@role_required(Role.MANAGER)
def index():
    pending = db.session.scalar(
        sa.select(sa.func.count(OfferSubmission.id)).where(OfferSubmission.status == SubmissionStatus.PENDING)
    )
    # The hosts (offers or contact persons); any of the register's 342 is found by searching.
    rows = services.municipality_overview(municipalities_for(current_user).where(register.is_host()))
    query = request.args.get("q", "").strip()[: register.MAX_NAME]
    return render_template(
        "placements/municipalities.html",
        rows=rows,
        pending=pending,
        query=query,
        found=register.search(query) if query else None,
        municipality_names=register.official_names(),
    )


@bp.route("/municipalities/new", methods=["GET", "POST"])
@role_required(Role.MANAGER)
def new():
    form = MunicipalityForm()
    if saved := save_form(form, lambda: services.create_municipality(form.values()), _("Saved.")):
        return redirect(url_for(".detail", municipality_id=saved.result.id))
    return render_template("placements/municipality_form.html", form=form, municipality=None)


@bp.route("/municipalities/<int:municipality_id>/edit", methods=["GET", "POST"])
@role_required(Role.MANAGER)
def edit(municipality_id: int):
    municipality = one_or_404(municipalities_for(current_user), municipality_id)
    form = MunicipalityForm(obj=municipality)
    if save_form(form, lambda: services.update_municipality(municipality, form.values()), _("Saved.")):
        return redirect(url_for(".detail", municipality_id=municipality.id))
    return render_template("placements/municipality_form.html", form=form, municipality=municipality)


@bp.get("/municipalities/<int:municipality_id>")
@role_required(Role.MANAGER)
def detail(municipality_id: int):
    municipality = one_or_404(municipalities_for(current_user), municipality_id)
    contacts = db.session.scalars(
        sa.select(User)
        .where(User.municipality_id == municipality.id, User.role == Role.MUNICIPALITY)
        .order_by(User.name)
    ).all()
    offers = db.session.scalars(
        offers_for(current_user)
        .where(InternshipOffer.municipality_id == municipality.id)
        .options(selectinload(InternshipOffer.cohort))
        .order_by(InternshipOffer.created_at.desc())
    ).all()
    return render_template(
        "placements/municipality.html", municipality=municipality, contacts=contacts, offers=offers
    )


# --- Internship offers (managers) ----------------------------------------------------


def _offer_form(**kwargs) -> OfferForm:
    form = OfferForm(**kwargs)
    form.cohort_id.choices = _cohort_choices(_all_cohorts(), _l("No group: a period"))
    return form


@bp.route("/municipalities/<int:municipality_id>/offers/new", methods=["GET", "POST"])
@role_required(Role.MANAGER)
def new_offer(municipality_id: int):
    municipality = one_or_404(municipalities_for(current_user), municipality_id)
    form = _offer_form()
    if save_form(
        form,
        lambda: services.create_offer(municipality, form.values()),
        _("The internship places are saved."),
    ):
        return redirect(url_for(".detail", municipality_id=municipality.id))
    return render_template("placements/offer_form.html", form=form, municipality=municipality, offer=None)


@bp.route("/offers/<int:offer_id>/edit", methods=["GET", "POST"])
@role_required(Role.MANAGER)
def edit_offer(offer_id: int):
    offer = one_or_404(offers_for(current_user), offer_id)
    form = _offer_form(obj=offer)
    if save_form(
        form, lambda: services.update_offer(offer, form.values()), _("The internship places are saved.")
    ):
        return redirect(url_for(".detail", municipality_id=offer.municipality_id))
    return render_template(
        "placements/offer_form.html", form=form, municipality=offer.municipality, offer=offer
    )


# --- Offering places: the public page -------------------------------------------------


@bp.route("/stageplek-aanbieden", methods=["GET", "POST"])
def offer_public():
    """No login. Protected by a honeypot field, a rate limit per address and field limits."""
    form, cohorts = PublicOfferForm(), services.open_cohorts()
    # The groups first, "another period" last; a visitor starts with the first group chosen.
    form.cohort_id.choices = _cohort_choices(cohorts, _l("Another period"))[1:] + [
        (None, _l("Another period"))
    ]
    if not form.is_submitted() and cohorts:
        form.cohort_id.data = cohorts[0].id
    if form.is_submitted() and form.website.data:
        return redirect(url_for(".offer_thanks"))  # a robot: answer as if saved, save nothing
    status = 200
    if form.validate_on_submit():
        try:
            services.submit_offer(form.values(), request.remote_addr or "")
        except services.SubmissionThrottled as throttled:
            minutes = max(1, round(throttled.retry_after.total_seconds() / 60))
            flash(_("You have sent this form many times. Try again in %(n)d minutes.", n=minutes), "error")
            status = 429
        except ServiceError as error:
            db.session.rollback()
            form_errors_from(form, error)
        else:
            db.session.commit()
            send_queued_mail()
            return redirect(url_for(".offer_thanks"))
    return render_template("placements/offer_public.html", form=form), status


@bp.get("/stageplek-aanbieden/bedankt")
def offer_thanks():
    return render_template("placements/offer_thanks.html")


# --- Deciding on offered places (managers) --------------------------------------------


def _guess_municipality(organisation: str, municipalities: list[Municipality]) -> int | None:
    """The municipality whose name the sender typed, with or without "Gemeente"."""
    wanted = organisation.lower().removeprefix("gemeente").strip()
    return next((m.id for m in municipalities if m.name.lower() == wanted), None)


def _approve_form(submission, municipalities, cohorts, formdata=None, foreign: bool = False) -> ApproveForm:
    """The approval form; inviting the sender is chosen already unless their address does not fit
    the municipality's contacts (`foreign`)."""
    form = ApproveForm(
        prefix=f"approve-{submission.id}",
        formdata=formdata,
        data={
            "municipality_id": _guess_municipality(submission.organisation, municipalities),
            "name": submission.organisation.removeprefix("Gemeente ").strip(),
            "cohort_id": submission.cohort_id,
            "invite_sender": not foreign,
        },
    )
    form.municipality_id.choices = [(None, _l("A new municipality (fill in below)"))] + [
        (m.id, m.name) for m in municipalities
    ]
    form.cohort_id.choices = _cohort_choices(cohorts, _l("No group: a period"))
    return form


def _reject_form(submission, formdata=None) -> RejectForm:
    return RejectForm(prefix=f"reject-{submission.id}", formdata=formdata)


def _all_municipalities() -> list[Municipality]:
    return db.session.scalars(sa.select(Municipality).order_by(Municipality.name)).all()


def _submissions_page(posted: tuple | None = None, status: int = 200):
    """The pending offers, each with its two forms; `posted` (id, form) shows a refused form again."""
    submissions = db.session.scalars(
        sa.select(OfferSubmission)
        .where(OfferSubmission.status == SubmissionStatus.PENDING)
        .order_by(OfferSubmission.created_at)
    ).all()
    municipalities, cohorts = _all_municipalities(), _all_cohorts()
    domains = services.contact_domains()
    items = []
    for submission in submissions:
        guessed = _guess_municipality(submission.organisation, municipalities)
        foreign = services.foreign_domains(submission, domains.get(guessed, set()))
        approve = _approve_form(submission, municipalities, cohorts, foreign=bool(foreign))
        forms = [approve, _reject_form(submission)]
        if posted and posted[0] == submission.id:
            forms = [posted[1] if isinstance(posted[1], type(f)) else f for f in forms]
        items.append((submission, *forms, foreign))
    cohort_names = {c.id: c.name for c in cohorts}
    return render_template("placements/submissions.html", items=items, cohort_names=cohort_names), status


def _submission_or_404(submission_id: int) -> OfferSubmission:
    return db.session.get(OfferSubmission, submission_id) or abort(404)


def _refused(submission_id: int, form, error: ServiceError):
    db.session.rollback()  # a decision may be half made when a later step says no: keep nothing
    form_errors_from(form, error)
    return _submissions_page((submission_id, form), 409 if isinstance(error, ConflictError) else 400)


@bp.get("/offers/submissions")
@role_required(Role.MANAGER)
def submissions():
    return _submissions_page()


@bp.post("/offers/submissions/<int:submission_id>/approve")
@role_required(Role.MANAGER)
def approve_submission(submission_id: int):
    submission = _submission_or_404(submission_id)
    form = _approve_form(submission, _all_municipalities(), _all_cohorts(), formdata=request.form)
    if not form.validate():
        return _submissions_page((submission_id, form), 400)
    try:
        offer = services.approve_submission(submission, form.values())
    except ServiceError as error:
        db.session.rollback()
        return _refused(submission_id, form, error)
    db.session.commit()
    send_queued_mail()
    flash(_("The offer is accepted. The contact person gets an e-mail."), "success")
    return redirect(url_for(".detail", municipality_id=offer.municipality_id))


@bp.post("/offers/submissions/<int:submission_id>/reject")
@role_required(Role.MANAGER)
def reject_submission(submission_id: int):
    submission = _submission_or_404(submission_id)
    form = _reject_form(submission, formdata=request.form)
    if not form.validate():
        return _submissions_page((submission_id, form), 400)
    try:
        services.reject_submission(submission, form.reason.data)
    except ServiceError as error:
        db.session.rollback()
        return _refused(submission_id, form, error)
    db.session.commit()
    send_queued_mail()
    flash(_("The offer is refused. The sender gets the reason by e-mail."), "success")
    return redirect(url_for(".submissions"))
