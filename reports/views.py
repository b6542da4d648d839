"""The manager's home page. The monitoring issue grows it into the full dashboard."""

import sqlalchemy as sa
from flask import Blueprint, render_template
from sqlalchemy.orm import selectinload

from accounts.models import Role, User
from accounts.permissions import role_required
from cohort.models import Cohort, Trainee
from extensions import db
from reminders.heartbeat import scheduler_status
from reminders.models import MessageStatus, OutboxMessage

bp = Blueprint("reports", __name__)


def _count(model, *conditions) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*conditions))


@bp.get("/dashboard")
@role_required(Role.MANAGER)
def dashboard():
    # The trainee counts per cohort come in one extra query, not one per cohort.
    cohorts = db.session.scalars(
        sa.select(Cohort).options(selectinload(Cohort.trainees)).order_by(Cohort.start_date)
    ).all()
    counts = {
        "trainees": _count(Trainee),
        "users": _count(User, User.is_active),
        "failed_messages": _count(OutboxMessage, OutboxMessage.status == MessageStatus.FAILED),
    }
    return render_template(
        "reports/dashboard.html", cohorts=cohorts, counts=counts, scheduler=scheduler_status()
    )
