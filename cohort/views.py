"""Cohort pages for programme managers: plan a cohort, see its year, enrol trainees."""

from datetime import date, timedelta
from types import SimpleNamespace

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.models import Role
from accounts.permissions import role_required
from cohort import services
from cohort.access import cohorts_for, sees_trainee_details, trainees_for
from cohort.forms import ClosureForm, CohortForm, EnrolForm, MoveForm
from cohort.models import Closure, Cohort, ProgrammeTemplate, Trainee
from core.clock import local_today
from core.errors import ServiceError
from core.forms import form_errors_from
from core.scope import one_or_404
from extensions import db
from outbox.edge import save_form
from placements.municipalities.register import official_names
from sessions import weeks
from sessions.access import sees_attendance_of
from sessions.models import AbsenceNotice, TrainingSession
from sessions.services import year_check

bp = Blueprint("cohorts", __name__)


def _template_choices(form: CohortForm) -> None:
    templates = db.session.scalars(sa.select(ProgrammeTemplate).order_by(ProgrammeTemplate.name)).all()
    form.template.choices = [(t.slug, t.name) for t in templates]


@bp.get("/cohorts")
@role_required(Role.MANAGER, Role.TRAINER)
def index():
    cohorts = db.session.scalars(cohorts_for(current_user).order_by(Cohort.start_date.desc())).unique().all()
    return render_template("cohort/index.html", cohorts=cohorts)


@bp.route("/cohorts/new", methods=["GET", "POST"])
@role_required(Role.MANAGER)
def new():
    form = CohortForm()
    _template_choices(form)

    def plan():
        return services.save_cohort(None, services.cohort_input_from(form.settings()))

    if saved := save_form(form, plan, _("The group is planned.")):
        cohort, _changes = saved.result
        return redirect(url_for("cohorts.detail", cohort_id=cohort.id))
    return render_template("cohort/form.html", form=form, cohort=None)


@bp.route("/cohorts/<int:cohort_id>/edit", methods=["GET", "POST"])
@role_required(Role.MANAGER)
def edit(cohort_id: int):
    """Change the settings: first a confirmation that says what will change, then the save."""
    cohort = one_or_404(cohorts_for(current_user), cohort_id)
    form = CohortForm(data=CohortForm.data_from(cohort))
    _template_choices(form)
    if form.validate_on_submit():
        try:
            data = services.cohort_input_from(form.settings())
            if request.form.get("confirmed") != "yes":
                plan, changes = services.preview_plan(cohort, data, form.discard_edits.data)
                return render_template(
                    "cohort/confirm.html", form=form, cohort=cohort, plan=plan, changes=changes
                )
            services.save_cohort(cohort, data, form.discard_edits.data)
        except ServiceError as error:
            db.session.rollback()
            form_errors_from(form, error)
        else:
            db.session.commit()
            flash(_("The group is planned again."), "success")
            return redirect(url_for("cohorts.detail", cohort_id=cohort.id))
    return render_template("cohort/form.html", form=form, cohort=cohort)


CLASHES_LISTED = 10  # on top of the cohort page; more is a list nobody reads, and costs a page


# A day the cohort page can step from and to without leaving the calendar (date.max + 1 raises).
SHOWN_DAYS = (date(1900, 1, 1), date(9000, 12, 31))


def _day_argument() -> date | None:
    """The `day` of the address (?day=2027-03-22); anything else, or a day outside SHOWN_DAYS,
    is no day, and the page shows its default window."""
    try:
        day = date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        return None
    return day if SHOWN_DAYS[0] <= day <= SHOWN_DAYS[1] else None


@bp.get("/cohorts/<int:cohort_id>")
@role_required(Role.MANAGER, Role.TRAINER)
def detail(cohort_id: int):
    """The cohort's page: what needs attention on top, then one week or month of its sessions."""
    cohort = one_or_404(cohorts_for(current_user), cohort_id)
    trainees = db.session.scalars(
        trainees_for(current_user).where(Trainee.cohort_id == cohort.id).order_by(Trainee.name)
    ).all()
    today = local_today()
    window = weeks.window_for(
        request.args.get("view"),
        _day_argument(),
        today,
        cohort.start_date,
        cohort.end_date or cohort.start_date,
    )
    absences = db.session.scalars(
        sa.select(AbsenceNotice)
        .join(TrainingSession)
        .where(
            TrainingSession.cohort_id == cohort.id,
            TrainingSession.date >= today,
            sees_attendance_of(current_user),
        )
        .order_by(TrainingSession.date)
    ).all()
    # The table reads the window; the warnings on top come from the whole year, checked once.
    sessions = db.session.scalars(
        sa.select(TrainingSession)
        .where(
            TrainingSession.cohort_id == cohort.id, TrainingSession.date.between(window.first, window.last)
        )
        .order_by(TrainingSession.date, TrainingSession.start_time)
    ).all()
    checked = year_check(cohort)
    return render_template(
        "cohort/detail.html",
        cohort=cohort,
        sessions=sessions,
        window=window,
        trainees=trainees,
        # A trainer sees the trainees' names and status, not where they live (cohort.access).
        show_details=all(sees_trainee_details(current_user, t) for t in trainees),
        absences=absences,
        conflicts=checked.messages(),
        # The first clashes, each with a link to its week; the rest are counted.
        conflicting=checked.clashes[:CLASHES_LISTED],
        clash_count=len(checked.clashes),
        moved=checked.moved,
        today=today,
        phase=cohort.phase_on(today),
        user_id=current_user.id,
        session_url=SimpleNamespace(
            edit=_session_url_maker("sessions.edit"), attendance=_session_url_maker("sessions.attendance")
        ),
    )


def _session_url_maker(endpoint: str):
    """The URL of `endpoint` for any session id, from one url_for call instead of one per table row."""
    marker = "2147483647"
    prefix, suffix = url_for(endpoint, session_id=int(marker)).split(marker)
    return lambda session_id: f"{prefix}{session_id}{suffix}"


@bp.route("/cohorts/<int:cohort_id>/trainees/new", methods=["GET", "POST"])
@role_required(Role.MANAGER)
def enrol(cohort_id: int):
    """Enrol a trainee; someone who is already a trainee (same e-mail or phone) is offered to be
    moved instead. With only the phone the same, "a new person after all" enrols them anyway."""
    cohort = one_or_404(cohorts_for(current_user), cohort_id)
    form = EnrolForm()
    known = None
    if form.is_submitted() and form.validate():
        known = services.same_person(form.email.data, form.phone.data)
        if known and known.by == "phone" and request.form.get("new_person") == "yes":
            known = None

    def enrol():
        return services.enrol_trainee(
            cohort,
            name=form.name.data,
            email=form.email.data,
            phone=form.phone.data,
            home_municipality=form.home_municipality.data or "",
            languages=(form.languages.data or "").split(","),
            actor=current_user,
        )

    if known is None and save_form(
        form,
        enrol,
        lambda trainee: _("%(name)s is enrolled and has been invited by e-mail.", name=trainee.name),
    ):
        return redirect(url_for("cohorts.detail", cohort_id=cohort.id))
    return render_template(
        "cohort/enrol.html",
        form=form,
        cohort=cohort,
        known=known,
        move_form=MoveForm(prefix="move", formdata=None, cohort_id=cohort.id),
        municipality_names=official_names(),
    )


@bp.route("/closures", methods=["GET", "POST"])
@role_required(Role.MANAGER)
def closures():
    form = ClosureForm()

    def add():
        return services.add_closure(form.start_date.data, form.end_date.data, form.reason.data)

    if save_form(form, add, _("Saved. Plan the groups again to move their sessions.")):
        return redirect(url_for("cohorts.closures"))
    listing = db.session.scalars(
        sa.select(Closure)
        .where(Closure.end_date >= local_today() - timedelta(days=365))
        .order_by(Closure.start_date)
    ).all()
    return render_template("cohort/closures.html", form=form, closures=listing)
