"""The trainee's "Mijn rooster" and the trainer's own sessions. Planning fills them with sessions."""

import sqlalchemy as sa
from flask import Blueprint, render_template
from flask_login import current_user

from accounts.models import Role
from accounts.permissions import role_required
from cohort.access import cohorts_for
from extensions import db

bp = Blueprint("sessions", __name__)


@bp.get("/schedule")
@role_required(Role.TRAINEE)
def my_schedule():
    cohort = db.session.scalar(cohorts_for(current_user))
    return render_template("sessions/my_schedule.html", cohort=cohort, trainee=current_user.trainee)


@bp.get("/teaching")
@role_required(Role.TRAINER)
def teaching():
    cohorts = db.session.scalars(cohorts_for(current_user).order_by(sa.text("start_date"))).all()
    return render_template("sessions/teaching.html", cohorts=cohorts)
