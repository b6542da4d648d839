"""The outcomes pages: did the programme get people into work as consultants, and did they stay.

Managers see every cohort side by side (/outcomes), one cohort with its former trainees by name
(/cohorts/<id>/outcomes), and a one-page summary per host municipality to print. A municipality
contact sees the interns their municipality hosted (/portal/outcomes). Figures that leave the
manager's own view (the print, the portal) show "< 5" when built from fewer than five people.
Pages that name people write who looked to the audit log.
"""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import Blueprint, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from accounts.models import Role
from accounts.permissions import role_required
from cohort.access import cohorts_for
from cohort.models import Cohort
from core import audit
from core.audit import AuditAction, AuditSubject
from core.clock import local_today, utcnow
from core.scope import one_or_404
from extensions import db
from placements.access import municipalities_for
from reports import outcome_queries as queries
from reports.charts.outcomes import FunnelTexts, StepBar, outcomes_svg
from reports.monitoring import percent
from reports.outcomes import SMALL_TEXT, WORKING_STEPS, FunnelStep, shown

bp = Blueprint("outcomes", __name__)

STEP_LABELS = {
    "enrolled": _l("Enrolled"),
    "training": _l("Completed training"),
    "internship": _l("Completed internship"),
    "programme": _l("Completed programme"),
    "working_6m": _l("Working at 6 months"),
    "working_12m": _l("Still working at 12 months"),
}

# How each figure is counted: the page's definitions section.
DEFINITIONS = {
    "enrolled": _l(
        "Everyone enrolled in the group, also people who stopped early. "
        "Someone who moved to another group counts in the group they moved to."
    ),
    "training": _l(
        "Of the enrolled: the 6 weeks of training are over and the person had not stopped "
        "by the last training day."
    ),
    "internship": _l(
        "Of those: an internship with a final evaluation by the workplace supervisor (week 8), "
        "that did not end early."
    ),
    "programme": _l("Of those: the programme manager marked the programme as completed."),
    "working_6m": _l(
        "Of those: working 6 months after the end date, as integration consultant or in other work, "
        "by the latest information about that moment. No information is unknown, never counted as "
        "not working. Someone whose moment has not come yet, or whose link still works, is not yet counted."
    ),
    "working_12m": _l(
        "Of those working at 6 months: still working 12 months after the end date, counted the same way."
    ),
}


@dataclass(frozen=True)
class StepView:
    """One funnel step as a page shows it."""

    key: str
    label: str
    step: FunnelStep
    value: str  # "12 of 20 (60%)" or, outside the manager's view, "< 5"
    unknown: str
    consultants: str


def _value(step: FunnelStep, small_rule: bool) -> str:
    if small_rule and shown(step.count, step.denominator) == SMALL_TEXT:
        return SMALL_TEXT
    if step.key == "enrolled":
        return str(step.count)
    return _(
        "%(count)d of %(total)d (%(share)s)",
        count=step.count,
        total=step.denominator,
        share=percent(step.share),
    )


def _part(count: int, step: FunnelStep, small_rule: bool) -> str:
    if small_rule and shown(count, step.denominator) == SMALL_TEXT:
        return SMALL_TEXT
    return f"{count} ({percent(count / step.denominator)})" if step.denominator else "—"


def step_views(steps: list[FunnelStep], small_rule: bool = False) -> list[StepView]:
    return [
        StepView(
            s.key,
            str(STEP_LABELS[s.key]),
            s,
            _value(s, small_rule),
            _part(s.unknown, s, small_rule) if s.key in WORKING_STEPS else "",
            _part(s.consultants, s, small_rule) if s.key in WORKING_STEPS else "",
        )
        for s in steps
    ]


def _drawn(count: int, shown_as: str, step: FunnelStep) -> float | None:
    """A part's share as a bar, or None where the table shows "< 5" (or nothing) instead."""
    if shown_as in ("", SMALL_TEXT) or not step.denominator:
        return None
    return count / step.denominator


def chart(chart_id: str, title: str, views: list[StepView]) -> Markup:
    """The funnel as a picture: a bar, and within it the part, only where the table gives a
    figure; a "< 5" draws nothing (and says nothing in a tooltip)."""
    bars = [
        StepBar(
            v.label,
            None if v.value == SMALL_TEXT else v.step.share,
            _drawn(v.step.consultants, v.consultants, v.step),
            _drawn(v.step.unknown, v.unknown, v.step),
            v.value,
        )
        for v in views
    ]
    texts = FunnelTexts(
        title, _("Reached this step"), _("Of whom as integration consultant"), _("No answer (unknown)")
    )
    # reports/charts/ escapes every text and attribute it writes, so its output is safe HTML.
    return Markup(outcomes_svg(chart_id, bars, texts))  # noqa: S704  # nosec B704


def _all_cohorts() -> list[Cohort]:
    return list(db.session.scalars(sa.select(Cohort).order_by(Cohort.start_date, Cohort.id)))


@bp.get("/outcomes")
@role_required(Role.MANAGER)
def index():
    cohorts = _all_cohorts()
    rows = queries.load_outcomes(sa.true(), utcnow(), local_today())
    funnels = queries.funnels(cohorts, rows, _("All groups"))
    views = [(f, step_views(f.steps)) for f in funnels]
    total = views[-1]
    return render_template(
        "reports/outcomes.html",
        columns=views,
        total_chart=chart("chart-outcomes-all", _("Outcomes of all groups"), total[1]),
        labels=STEP_LABELS,
        definitions=DEFINITIONS,
        working_steps=WORKING_STEPS,
        evidence={m: queries.evidence_tally(rows, m) for m in (6, 12)},
    )


@bp.get("/cohorts/<int:cohort_id>/outcomes")
@role_required(Role.MANAGER)
def cohort(cohort_id: int):
    group = one_or_404(cohorts_for(current_user), cohort_id)
    rows, steps = queries.cohort_outcomes(group.id, utcnow(), local_today())
    views = step_views(steps)
    audit.record_many(current_user, [r.id for r in rows], AuditAction.VIEW, AuditSubject.WORK_OUTCOMES)
    page = render_template(
        "reports/cohort_outcomes.html",
        cohort=group,
        steps=views,
        funnel_chart=chart(f"chart-outcomes-{group.id}", _("Outcomes: %(name)s", name=group.name), views),
        rows=rows,
        definitions=DEFINITIONS,
        labels=STEP_LABELS,
    )
    db.session.commit()  # the audit events, after rendering
    return page


@bp.get("/municipalities/<int:municipality_id>/outcomes")
@role_required(Role.MANAGER)
def municipality_summary(municipality_id: int):
    """One page to print for a municipality: its interns' funnel, no names, "< 5" where small."""
    municipality = one_or_404(municipalities_for(current_user), municipality_id)
    _rows, steps = queries.hosted_by(municipality.id, utcnow(), local_today())
    views = step_views(steps, small_rule=True)
    return render_template(
        "reports/municipality_outcomes.html",
        municipality=municipality,
        steps=views,
        funnel_chart=chart(
            "chart-outcomes-municipality",
            _("Outcomes: %(name)s", name=municipality.name),
            views,
        ),
        definitions=DEFINITIONS,
        labels=STEP_LABELS,
        today=local_today(),
    )


@bp.get("/portal/outcomes")
@role_required(Role.MUNICIPALITY)
def portal():
    """A host's former interns: by name, only their own, with the figures under the "< 5" rule."""
    municipality = one_or_404(municipalities_for(current_user), current_user.municipality_id)
    hosted, steps = queries.hosted_by(municipality.id, utcnow(), local_today())
    views = step_views(steps, small_rule=True)
    rows = [r for r in hosted if r.left_on is not None]  # former interns, by name
    audit.record_many(current_user, [r.id for r in rows], AuditAction.VIEW, AuditSubject.WORK_OUTCOMES)
    page = render_template(
        "reports/portal_outcomes.html",
        municipality=municipality,
        rows=rows,
        steps=[v for v in views if v.key in WORKING_STEPS],
    )
    db.session.commit()
    return page
