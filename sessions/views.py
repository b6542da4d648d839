"""Sessions: the trainee's "Mijn rooster", the trainer's sessions, editing and attendance."""

from datetime import timedelta

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.models import Role, User
from accounts.permissions import role_required
from cohort.access import cohorts_for, trainees_for
from cohort.forms import AbsenceForm, SessionForm
from core.clock import local_today
from core.errors import ServiceError
from core.scope import one_or_404
from extensions import db
from outbox.edge import save_form
from sessions import services
from sessions.access import may_register_attendance, sessions_for
from sessions.models import AttendanceStatus, TrainingSession
from sessions.schedule import schedule_for

bp = Blueprint("sessions", __name__)

COMING_WEEKS = timedelta(weeks=4)  # "Mijn rooster" shows this far ahead; the calendar feed shows all


@bp.get("/schedule")
@role_required(Role.TRAINEE)
def my_schedule():
    trainee = one_or_404(trainees_for(current_user), current_user.trainee_id)
    today = local_today()
    items = schedule_for(trainee, today)
    coming = [i for i in items if i.date >= today]
    upcoming = next((i for i in coming if not i.is_cancelled), None)
    return render_template(
        "sessions/my_schedule.html",
        trainee=trainee,
        next_item=upcoming,
        today=today,
        coming=[i for i in coming if i is not upcoming and i.date < today + COMING_WEEKS],
        past=[i for i in items if i.date < today][::-1],
        absence_form=AbsenceForm(),
    )


@bp.route("/schedule/sessions/<int:session_id>/absence", methods=["GET", "POST"])
@role_required(Role.TRAINEE)
def report_absence(session_id: int):
    sess = one_or_404(sessions_for(current_user), session_id)
    trainee = one_or_404(trainees_for(current_user), current_user.trainee_id)
    form = AbsenceForm()

    def report():
        return services.report_absence(trainee, sess, form.reason.data)

    if save_form(form, report, _("Thank you. Your absence has been passed on.")):
        return redirect(url_for("sessions.my_schedule"))
    return render_template("sessions/absence.html", form=form, sess=sess)


@bp.get("/teaching")
@role_required(Role.TRAINER)
def teaching():
    sessions = db.session.scalars(
        sa.select(TrainingSession)
        .where(TrainingSession.trainer_id == current_user.id, TrainingSession.date >= local_today())
        .order_by(TrainingSession.date, TrainingSession.start_time)
        .limit(50)
    ).all()
    cohorts = db.session.scalars(cohorts_for(current_user)).unique().all()
    return render_template("sessions/teaching.html", sessions=sessions, cohorts=cohorts)


def _trainer_choices(form: SessionForm) -> None:
    trainers = db.session.execute(
        sa.select(User.id, User.name)
        .where(User.role.in_([Role.TRAINER, Role.MANAGER]), User.is_active)
        .order_by(User.name)
    ).all()
    form.trainer_id.choices = [(None, "—")] + [tuple(row) for row in trainers]


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@role_required(Role.MANAGER)
def edit(session_id: int):
    sess = one_or_404(sessions_for(current_user), session_id)
    form = SessionForm(obj=sess)
    _trainer_choices(form)
    if save_form(form, lambda: services.update_session(sess, form.values()), _("The session is changed.")):
        return redirect(url_for("cohorts.detail", cohort_id=sess.cohort_id))
    return render_template("sessions/edit.html", form=form, sess=sess, cohort=sess.cohort)


@bp.post("/sessions/<int:session_id>/cancel")
@role_required(Role.MANAGER)
def cancel(session_id: int):
    sess = one_or_404(sessions_for(current_user), session_id)
    services.cancel_session(sess)
    db.session.commit()
    flash(_("The session is cancelled."), "success")
    return redirect(url_for("cohorts.detail", cohort_id=sess.cohort_id))


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
    """Read the register's rows (`status-<id>`, `note-<id>`); rows left empty are skipped."""
    ids = [line.trainee.id for line in sheet]
    return [
        {"trainee_id": i, "status": request.form[f"status-{i}"], "note": request.form.get(f"note-{i}", "")}
        for i in ids
        if request.form.get(f"status-{i}")
    ]


@bp.route("/sessions/<int:session_id>/attendance", methods=["GET", "POST"])
@role_required(Role.MANAGER, Role.TRAINER)
def attendance(session_id: int):
    sess = one_or_404(sessions_for(current_user), session_id)
    if not may_register_attendance(current_user, sess):
        abort(403)
    sheet = services.attendance_sheet(sess)
    errors = {}
    if request.method == "POST":
        try:
            services.record_attendance(sess, _attendance_entries(sheet), current_user)
        except ServiceError as error:
            db.session.rollback()
            errors = error.fields
        else:
            db.session.commit()
            flash(_("Attendance is saved."), "success")
            return redirect(url_for("sessions.attendance", session_id=sess.id))
    return render_template(
        "sessions/attendance.html",
        sess=sess,
        sheet=sheet,
        statuses=list(AttendanceStatus),
        errors=errors,
    ), 400 if errors else 200
