"""Sessions: the trainee's "Mijn rooster", the trainer's sessions, editing and attendance."""

from datetime import date, timedelta

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.orm import joinedload

from accounts.models import Role, User
from accounts.permissions import role_required
from cohort.access import cohorts_for, trainees_for
from cohort.forms import (
    AbsenceForm,
    SessionForm,
    TrainerAssignmentForm,
    session_kind_choices,
    weekday_choices,
)
from core.clock import local_now, local_today
from core.errors import ServiceError
from core.forms import form_errors_from
from core.labels import EVALUATION_KIND_LABELS
from core.scope import one_or_404
from extensions import db
from outbox.edge import save_form
from placements.evaluations.services import evaluations_of_trainee
from sessions import services, trainer_assignment, weeks
from sessions.access import may_register_attendance, sessions_for
from sessions.models import AttendanceStatus, TrainingSession
from sessions.notices import recipients
from sessions.schedule import has_sessions_before, schedule_for

bp = Blueprint("sessions", __name__)


def _own_schedule(first: date | None = None, last: date | None = None) -> dict:
    """What a page of the trainee's own schedule shows from: their items from `first` to `last`,
    and the time now."""
    trainee = one_or_404(trainees_for(current_user), current_user.trainee_id)
    tz = current_app.config["TIMEZONE"]
    today, now = local_today(tz), local_now(tz)
    return {
        "trainee": trainee,
        "items": schedule_for(trainee, today, first, last),
        "today": today,
        "now": now,
        "moment_of": lambda item: weeks.moment(item, now),
    }


@bp.get("/schedule")
@role_required(Role.TRAINEE)
def my_schedule():
    """The coming weeks only: what the page shows is all it reads."""
    today = local_today(current_app.config["TIMEZONE"])
    first, horizon = weeks.coming_range(today)
    own = _own_schedule(first, horizon - timedelta(days=1))
    trainee, items, now = own["trainee"], own["items"], own["now"]
    # Nothing left in these weeks (a long break, or the end): the next day may lie beyond them.
    next_item = weeks.next_item(items, now) or weeks.next_item(schedule_for(trainee, today, horizon), now)
    return render_template(
        "sessions/my_schedule.html",
        next_item=next_item,
        weeks=weeks.coming_weeks(items, today),
        has_earlier=has_sessions_before(trainee, first),
        evaluations=[
            (placement_id, kind, EVALUATION_KIND_LABELS[kind])
            for placement_id, kind in evaluations_of_trainee(trainee.id)
        ],
        **own,
    )


@bp.get("/schedule/earlier")
@role_required(Role.TRAINEE)
def earlier_weeks():
    first, _horizon = weeks.coming_range(local_today(current_app.config["TIMEZONE"]))
    own = _own_schedule(last=first - timedelta(days=1))
    return render_template(
        "sessions/earlier_weeks.html", weeks=weeks.earlier_weeks(own["items"], own["today"]), **own
    )


@bp.route("/schedule/sessions/<int:session_id>/absence", methods=["GET", "POST"])
@role_required(Role.TRAINEE)
def report_absence(session_id: int):
    sess = one_or_404(sessions_for(current_user), session_id)
    trainee = one_or_404(trainees_for(current_user), current_user.trainee_id)
    form = AbsenceForm()

    def report():
        return services.report_absence(trainee, sess, form.reason.data)

    if save_form(form, report, _("Thank you. We have passed it on.")):
        return redirect(url_for("sessions.my_schedule"))
    return render_template("sessions/absence.html", form=form, sess=sess)


@bp.post("/schedule/sessions/<int:session_id>/absence/take-back")
@role_required(Role.TRAINEE)
def take_back_absence(session_id: int):
    sess = one_or_404(sessions_for(current_user), session_id)
    trainee = one_or_404(trainees_for(current_user), current_user.trainee_id)
    try:
        services.take_back_absence(trainee, sess, local_now(current_app.config["TIMEZONE"]))
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Good that you can come. We have passed it on."), "success")
    return redirect(url_for("sessions.my_schedule"))


# The trainer's home looks back this far for sessions whose attendance nobody registered yet.
REGISTER_LOOKBACK = timedelta(weeks=4)


@bp.get("/teaching")
@role_required(Role.TRAINER)
def teaching():
    """This week and next, and sessions of the weeks before still waiting for their attendance."""
    today = local_today(current_app.config["TIMEZONE"])
    this_monday = weeks.monday_of(today)
    next_monday = this_monday + timedelta(weeks=1)
    sessions = db.session.scalars(
        sa.select(TrainingSession)
        .options(joinedload(TrainingSession.cohort))
        .where(
            TrainingSession.trainer_id == current_user.id,
            TrainingSession.date.between(today - REGISTER_LOOKBACK, next_monday + timedelta(days=6)),
        )
        .order_by(TrainingSession.date, TrainingSession.start_time)
    ).all()
    registered = services.sessions_with_attendance([s.id for s in sessions])
    return render_template(
        "sessions/teaching.html",
        weeks=[
            (_("This week"), [s for s in sessions if this_monday <= s.date < next_monday], this_monday),
            (_("Next week"), [s for s in sessions if s.date >= next_monday], next_monday),
        ],
        friday=timedelta(days=4),
        to_register=[
            s for s in sessions if s.date < this_monday and not s.is_cancelled and s.id not in registered
        ],
        registered=registered,
        today=today,
    )


def _trainer_choices(form, first: tuple = (None, "—")) -> None:
    """The active trainers and managers to choose from, after `first` (no trainer, or a prompt)."""
    trainers = db.session.execute(
        sa.select(User.id, User.name)
        .where(User.role.in_([Role.TRAINER, Role.MANAGER]), User.is_active)
        .order_by(User.name)
    ).all()
    form.trainer_id.choices = [first] + [tuple(row) for row in trainers]


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@role_required(Role.MANAGER)
def edit(session_id: int):
    sess = one_or_404(sessions_for(current_user), session_id)
    form = SessionForm(obj=sess)
    _trainer_choices(form)
    if save_form(form, lambda: services.update_session(sess, form.values()), _("The session is changed.")):
        return redirect(url_for("cohorts.detail", cohort_id=sess.cohort_id))
    return render_template("sessions/edit.html", form=form, sess=sess, cohort=sess.cohort)


@bp.route("/sessions/<int:session_id>/cancel", methods=["GET", "POST"])
@role_required(Role.MANAGER)
def cancel(session_id: int):
    """First a page that says who will hear of it, then the cancellation."""
    sess = one_or_404(sessions_for(current_user), session_id)
    if request.method == "GET" or sess.is_cancelled:
        people = recipients(sess)
        return render_template(
            "sessions/cancel.html",
            sess=sess,
            trainees=[p.name for p in people if not p.interns],
            supervisors=[p for p in people if p.interns],
        )
    services.cancel_session(sess)
    db.session.commit()
    flash(_("The session is cancelled. Everyone concerned gets a message."), "success")
    return redirect(url_for("cohorts.detail", cohort_id=sess.cohort_id))


@bp.route("/cohorts/<int:cohort_id>/sessions/trainer", methods=["GET", "POST"])
@role_required(Role.MANAGER)
def assign_trainer(cohort_id: int):
    """One trainer for many sessions: choose, see the sessions and the clashes, then assign."""
    cohort = one_or_404(cohorts_for(current_user), cohort_id)
    today = local_today(current_app.config["TIMEZONE"])
    form = TrainerAssignmentForm(
        kinds=[c for c, _label in session_kind_choices()],
        weekdays=[c for c, _label in weekday_choices()],
        first=max(today, cohort.start_date),
        last=cohort.end_date or cohort.start_date,
    )
    _trainer_choices(form, first=("", _("Choose a trainer")))  # a required select starts empty
    preview = None
    if form.validate_on_submit():
        try:
            selection = trainer_assignment.selection_from(form.values())
            if request.form.get("action") == "assign":
                count = trainer_assignment.assign(cohort, selection)
                db.session.commit()
                flash(
                    ngettext(
                        "%(num)d session now has %(name)s as trainer.",
                        "%(num)d sessions now have %(name)s as trainer.",
                        count,
                        name=selection.trainer.name,
                    ),
                    "success",
                )
                return redirect(url_for("cohorts.detail", cohort_id=cohort.id))
            preview = trainer_assignment.candidates(cohort, selection)
        except ServiceError as error:
            db.session.rollback()
            form_errors_from(form, error)
    status = 400 if form.errors else 200
    return render_template("sessions/assign_trainer.html", form=form, cohort=cohort, preview=preview), status


@bp.route("/cohorts/<int:cohort_id>/sessions/new", methods=["GET", "POST"])
@role_required(Role.MANAGER)
def add_extra(cohort_id: int):
    cohort = one_or_404(cohorts_for(current_user), cohort_id)
    form = SessionForm()
    _trainer_choices(form)
    if save_form(
        form, lambda: services.add_extra_session(cohort, form.values()), _("The extra session is added.")
    ):
        return redirect(url_for("cohorts.detail", cohort_id=cohort.id))
    return render_template("sessions/edit.html", form=form, sess=None, cohort=cohort)


def _attendance_entries(sheet: list[services.AttendanceLine]) -> list[dict]:
    """Read the register's rows (`status-<id>`, `note-<id>`). Rows left empty are skipped, or, with
    the button "everyone present", registered as present."""
    rest = AttendanceStatus.PRESENT if request.form.get("everyone_present") else None
    entries = []
    for line in sheet:
        trainee_id = line.trainee.id
        status = request.form.get(f"status-{trainee_id}") or rest
        if status:
            entries.append(
                {
                    "trainee_id": trainee_id,
                    "status": status,
                    "note": request.form.get(f"note-{trainee_id}", ""),
                }
            )
    return entries


@bp.route("/sessions/<int:session_id>/attendance", methods=["GET", "POST"])
@role_required(Role.MANAGER, Role.TRAINER)
def attendance(session_id: int):
    sess = one_or_404(sessions_for(current_user), session_id)
    if not may_register_attendance(current_user, sess):
        abort(403)
    sheet = services.attendance_sheet(sess)
    message = None
    if request.method == "POST":
        try:
            services.record_attendance(sess, _attendance_entries(sheet), current_user)
        except ServiceError as error:
            db.session.rollback()
            # A sheet of radio buttons goes wrong only when tampered with: say what the rule is.
            message = next(iter(error.fields.values()), error.message)
        else:
            db.session.commit()
            flash(_("Attendance is saved."), "success")
            return redirect(url_for("sessions.attendance", session_id=sess.id))
    return render_template(
        "sessions/attendance.html",
        sess=sess,
        sheet=sheet,
        statuses=list(AttendanceStatus),
        message=message,
        back=url_for("sessions.teaching") if current_user.role == Role.TRAINER else None,
    ), 400 if message else 200
