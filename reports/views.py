"""The manager's home page: the state of every running or planned cohort, and what needs attention.

A fixed number of queries, however many cohorts and trainees: the numbers come from
reports/stats_services.py (the same service as GET /api/v1/cohorts/{id}/stats) and the
attention list from reports/attention_queries.py.
"""

import sqlalchemy as sa
from flask import Blueprint, current_app, render_template

from accounts.models import Role, User
from accounts.permissions import role_required
from cohort.models import Trainee
from core.clock import local_today
from extensions import db
from outbox.models import MessageStatus, OutboxMessage
from reminders.heartbeat import scheduler_status
from reports.attention_queries import needs_attention
from reports.chart_data import dashboard_charts
from reports.monitoring import percent
from reports.stats_services import attendance_by_cohort_day, cohort_stats, current_cohort_ids

bp = Blueprint("reports", __name__)
bp.add_app_template_filter(percent, "percent")


def _count(model, *conditions) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*conditions))


def _site_counts() -> dict:
    return {
        "trainees": _count(Trainee),
        "users": _count(User, User.is_active),
        "failed_messages": _count(OutboxMessage, OutboxMessage.status == MessageStatus.FAILED),
    }


@bp.get("/dashboard")
@role_required(Role.MANAGER)
def dashboard():
    config = current_app.config
    today = local_today(config["TIMEZONE"])
    cohort_ids = current_cohort_ids(today)
    # The page's most expensive read, done once for the cohorts' numbers and the weekly charts.
    attendance_days = attendance_by_cohort_day(cohort_ids, today)
    threshold = config["ATTENDANCE_THRESHOLD"]
    return render_template(
        "reports/dashboard.html",
        today=today,
        cohorts=list(cohort_stats(cohort_ids, today, attendance_days).values()),
        attention=needs_attention(cohort_ids, today, threshold, config["TIMEZONE"]),
        threshold=threshold,
        charts=dashboard_charts(today, threshold, attendance_days),
        counts=_site_counts(),
        scheduler=scheduler_status(),
    )
