"""The manager's home page: the state of every running or planned cohort, and what needs attention.

A fixed number of queries, however many cohorts and trainees: the numbers come from
reports/stats_services.py (the same service as GET /api/v1/cohorts/{id}/stats) and the
attention list from reports/attention_queries.py.

The charts and the attendance rows they share with the numbers are read far more often than
they change, so a worker keeps them under the data versions of the tables they read
(core/data_versions.py): any committed write to one of those tables shows on the next request.
"""

from collections.abc import Mapping
from dataclasses import replace
from types import MappingProxyType

import sqlalchemy as sa
from flask import Blueprint, current_app, render_template, request
from flask_babel import get_locale
from markupsafe import Markup

from accounts.models import Role, User
from accounts.permissions import role_required
from cohort.models import Trainee
from core.clock import local_today
from core.data_versions import cache, cached
from core.parsing import parse_id
from extensions import db
from reminders.heartbeat import scheduler_status
from reports.attention_queries import needs_attention
from reports.chart_data import dashboard_charts
from reports.monitoring import CohortStats, percent
from reports.stats_services import (
    ATTENDANCE_TABLES,
    attendance_by_cohort_day,
    cohort_stats,
    current_cohort_ids,
    failed_message_counts,
)

bp = Blueprint("reports", __name__)
bp.add_app_template_filter(percent, "percent")


def _count(model, *conditions) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*conditions))


def _site_counts(failed: dict[int | None, int]) -> dict:
    """`failed`: failed_message_counts(), whose groups (None: about no group) add up to all of them."""
    return {
        "trainees": _count(Trainee),
        "users": _count(User, User.is_active),
        "failed_messages": sum(failed.values()),
    }


def _fragment(template: str, **context) -> Markup:
    """A part of the page rendered on its own, to be kept and put in the page as it is."""
    return Markup(render_template(template, **context))  # noqa: S704  # nosec B704 - our template


# What the cached values read (tests/test_data_versions.py checks these against their SQL).
STATS_TABLES = (
    *ATTENDANCE_TABLES,
    "cohorts",
    "cohort_phases",
    "placements",
    "evaluations",
    "internship_offers",
    "municipalities",
    "supervisors",
)
CHART_TABLES = (
    *ATTENDANCE_TABLES,
    "cohorts",
    "cohort_phases",
    "closures",
    "placements",
    "internship_offers",
    "municipalities",
)


def cached_attendance_days(cohort_ids: list[int], today) -> Mapping[int, tuple]:
    """The dashboard's costliest read, kept read-only: every request and thread shares it."""

    def read() -> Mapping[int, tuple]:
        days = attendance_by_cohort_day(cohort_ids, today)
        return MappingProxyType({cohort_id: tuple(rows) for cohort_id, rows in days.items()})

    return cached("attendance_by_cohort_day", ATTENDANCE_TABLES, (tuple(cohort_ids), today), read)


def cached_charts(today, threshold: float, attendance_days, group: int | None) -> Markup:
    """The charts section, rendered: the same for every manager, per language, day and chosen group."""

    def render() -> Markup:
        return _fragment(
            "reports/_charts.html", charts=dashboard_charts(today, threshold, attendance_days, group)
        )

    return cached("dashboard_charts", CHART_TABLES, (str(get_locale()), today, threshold, group), render)


def group_stats(cohort_ids: list[int], today, attendance_days, failed) -> tuple[CohortStats, ...]:
    """The groups' numbers, kept under the data versions of what they read; the failed messages
    (`failed`: the outbox changes all day, and is not versioned) are counted fresh by the caller."""
    stats = cached(
        "cohort_stats",
        STATS_TABLES,
        (tuple(cohort_ids), today),
        lambda: tuple(cohort_stats(cohort_ids, today, attendance_days, failed={}).values()),
    )
    return tuple(replace(s, failed_messages=failed.get(s.cohort_id, 0)) for s in stats)


def chosen_group(cohorts: tuple[CohortStats, ...], today) -> int | None:
    """The group whose charts the dashboard draws: the one asked for (`?cohort=`), else the one
    that started last. Any other value shows that default: an address is no reason for an error."""
    asked = parse_id(request.args.get("cohort"))
    if any(c.cohort_id == asked for c in cohorts):
        return asked
    started = [c for c in cohorts if c.start_date <= today]
    return max(started, key=lambda c: c.start_date).cohort_id if started else None


def cohort_cards_html(cohorts: tuple[CohortStats, ...], threshold: float) -> Markup:
    """The cards of the groups, kept under their numbers: the same numbers, the same cards."""

    def render() -> Markup:
        return _fragment("reports/_cohort_cards.html", cohorts=cohorts, threshold=threshold)

    return cache().kept(("cohort_cards", str(get_locale()), threshold, cohorts), render)


@bp.get("/dashboard")
@role_required(Role.MANAGER)
def dashboard():
    config = current_app.config
    today = local_today(config["TIMEZONE"])
    cohort_ids = current_cohort_ids(today)
    # The page's most expensive read, done once for the cohorts' numbers and the weekly charts.
    attendance_days = cached_attendance_days(cohort_ids, today)
    threshold = config["ATTENDANCE_THRESHOLD"]
    failed = failed_message_counts()  # fresh: the outbox has no data version
    groups = group_stats(cohort_ids, today, attendance_days, failed)
    return render_template(
        "reports/dashboard.html",
        today=today,
        cohort_cards=cohort_cards_html(groups, threshold),
        attention=needs_attention(cohort_ids, today, threshold, config["TIMEZONE"]),
        threshold=threshold,
        charts=cached_charts(today, threshold, attendance_days, chosen_group(groups, today)),
        counts=_site_counts(failed),
        scheduler=scheduler_status(),
    )
