"""The data behind the dashboard's five charts, in a fixed number of queries, drawn as SVG.

`dashboard_charts(today, threshold)` makes seven queries however many cohorts, trainees or sessions
there are (reports/chart_queries.py): cohorts with their phases, closures, grouped attendance
counts, trainees with their placements, offers, and per province the trainees without a place and
the free places. Call it inside a request: texts and month names
follow its language.

Which cohorts: the timeline shows every cohort that overlaps its window (three months back,
a year ahead); the other charts show the running and planned cohorts (not yet ended), and
attendance only those that have started.
"""

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache

from flask_babel import format_date
from flask_babel import gettext as _
from markupsafe import Markup

from core.holidays import dutch_holidays
from core.rates import rate_from_counts
from placements.matching import ProvinceNeed
from reports import charts
from reports.chart_queries import (
    CohortFacts,
    closures_between,
    load_cohorts,
    load_stages,
    offer_ranges,
    province_needs,
)
from reports.charts import ClosureSpan, CohortTimeline, FunnelStep, Holiday, Month, MonthNeed, WeekRate
from reports.stats_services import AttendanceDays, attendance_by_cohort_day

TIMELINE_MONTHS_BEFORE, TIMELINE_MONTHS = 3, 15
FORECAST_MONTHS = 12


# --- what the template gets ------------------------------------------------------------


@dataclass(frozen=True)
class TimelineChart:
    svg: Markup
    cohorts: list[CohortTimeline]
    holidays: list[Holiday]
    closures: list[ClosureSpan]

    @property
    def marks(self) -> list[tuple[date, date, bool, str]]:
        """Holidays and closures for the table, by date: (first day, last day, is_closure, name)."""
        marks = [(h.day, h.day, False, h.name) for h in self.holidays]
        marks += [(c.start, c.end, True, c.reason) for c in self.closures]
        return sorted(marks)


@dataclass(frozen=True)
class AttendanceChart:
    cohort_id: int
    cohort_name: str
    svg: Markup
    weeks: list[WeekRate]


@dataclass(frozen=True)
class FunnelChart:
    cohort_id: int
    cohort_name: str
    svg: Markup
    steps: list[FunnelStep]


@dataclass(frozen=True)
class ShortageChart:
    svg: Markup
    months: list[MonthNeed]

    @property
    def short_months(self) -> list[MonthNeed]:
        return [need for need in self.months if need.shortage]


@dataclass(frozen=True)
class ProvinceChart:
    svg: Markup
    rows: list[ProvinceNeed]


@dataclass(frozen=True)
class DashboardCharts:
    timeline: TimelineChart
    attendance: list[AttendanceChart]
    funnels: list[FunnelChart]
    shortage: ShortageChart
    provinces: ProvinceChart
    threshold: float
    groups: list[tuple[int, str]] = field(default_factory=list)  # (id, name) of the current cohorts
    group: int | None = None  # the one cohort whose attendance and funnel are drawn (None: all)


def _trusted(svg_markup: str) -> Markup:
    # reports/charts/ escapes every text and attribute it writes, so its output is safe HTML.
    return Markup(svg_markup)  # noqa: S704  # nosec B704


# --- months -----------------------------------------------------------------------------


def _months(first: date, count: int) -> list[Month]:
    months, day = [], first
    for _index in range(count):
        months.append(Month(day, format_date(day, "LLL")))
        day = charts.next_month(day)
    return months


def _months_back(today: date, back: int) -> date:
    index = today.year * 12 + today.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def _format_day(day: date) -> str:
    return format_date(day, "medium")


# --- 1. timeline ------------------------------------------------------------------------


def _phase_names() -> dict[str, str]:
    return {"training": _("Training"), "internship": _("Internship"), "guided_work": _("Guided work")}


def _holidays_between(first: date, last: date) -> list[Holiday]:
    calendar = dutch_holidays(range(first.year, last.year + 1))
    return [Holiday(day, name) for day, name in sorted(calendar.items()) if first <= day <= last]


def _timeline(cohorts: list[CohortFacts], months: list[Month], today: date) -> TimelineChart:
    first, last = months[0].first_day, charts.next_month(months[-1].first_day)
    shown = [
        CohortTimeline(c.name, tuple(c.phases))
        for c in cohorts
        if c.start_date < last and (c.end_date or c.start_date) >= first
    ]
    holidays = _holidays_between(first, last)
    closures = closures_between(first, last)
    texts = charts.TimelineTexts(
        title=_("Timeline of all groups"),
        phase_names=_phase_names(),
        holiday=_("Public holiday"),
        closure=_("Closure"),
        today=_("Today"),
        # Per chart (one language): the phases of many cohorts share their first and last days.
        format_day=lru_cache(maxsize=None)(_format_day),
    )
    markup = charts.timeline_svg("chart-timeline", months, shown, holidays, closures, today, texts)
    return TimelineChart(_trusted(markup), shown, holidays, closures)


# --- 2. attendance per week -------------------------------------------------------------


def weekly_rates(cohort: CohortFacts, days: list[tuple[date, int, int]], today: date) -> list[WeekRate]:
    """Programme weeks 1 up to this week (or the last week), each with its rate or None."""
    last_day = min(today, cohort.end_date or today)
    totals = defaultdict(lambda: [0, 0])
    for day, attended, counted in days:
        totals[cohort.week_of(day)][0] += attended
        totals[cohort.week_of(day)][1] += counted
    weeks = range(1, cohort.week_of(last_day) + 1)
    return [WeekRate(week, rate_from_counts(*totals[week]), totals[week][1]) for week in weeks]


def _attendance(
    cohorts: list[CohortFacts], today: date, threshold: float, attendance_days: AttendanceDays | None
) -> list[AttendanceChart]:
    started = [c for c in cohorts if c.is_current(today) and c.start_date <= today]
    if attendance_days is None:
        attendance_days = attendance_by_cohort_day([c.id for c in started], today)
    # The words every chart shares, translated once (there are dozens of charts).
    shared = charts.AttendanceTexts(
        title="",
        week=_("Week"),
        threshold=_("Threshold %(rate)s", rate=charts.percent(threshold)),
        below=_("Below the threshold"),
        at_or_above=_("At or above the threshold"),
    )
    result = []
    for cohort in started:
        weeks = weekly_rates(cohort, attendance_days.get(cohort.id, []), today)
        texts = replace(shared, title=_("Attendance per week: %(name)s", name=cohort.name))
        markup = charts.attendance_svg(f"chart-attendance-{cohort.id}", weeks, threshold, texts)
        result.append(AttendanceChart(cohort.id, cohort.name, _trusted(markup), weeks))
    return result


# --- 3. placement funnel ----------------------------------------------------------------


def _funnel_labels() -> list[str]:
    return [_("Trainees"), _("Proposed"), _("Confirmed"), _("Active"), _("Completed")]


def funnel_steps(stages: dict[int, int], labels: list[str] | None = None) -> list[FunnelStep]:
    """Trainees, then how many got at least as far as each step (so the bars never grow).
    `labels`: the five step names, when the caller translated them already."""
    reached = list(stages.values())
    trainees, *reached_labels = labels or _funnel_labels()
    steps = [FunnelStep(trainees, len(reached))]
    steps += [
        FunnelStep(label, sum(stage >= n for stage in reached)) for n, label in enumerate(reached_labels, 1)
    ]
    return steps


def _funnels(cohorts: list[CohortFacts], today: date) -> list[FunnelChart]:
    labels = _funnel_labels()  # translated once for every cohort's funnel
    result = []
    for cohort in (c for c in cohorts if c.is_current(today)):
        steps = funnel_steps(cohort.stages, labels)
        title = _("Placements: %(name)s", name=cohort.name)
        markup = charts.funnel_svg(f"chart-funnel-{cohort.id}", title, steps)
        result.append(FunnelChart(cohort.id, cohort.name, _trusted(markup), steps))
    return result


# --- 4. places needed versus offered ----------------------------------------------------


def _shortage(cohorts: list[CohortFacts], today: date) -> ShortageChart:
    months = _months(date(today.year, today.month, 1), FORECAST_MONTHS)
    current = [c for c in cohorts if c.is_current(today) and c.internship is not None]
    internships = {c.id: c.internship for c in current}
    needs = charts.month_needs(
        months,
        [(c.internship.start, c.internship.end, len(c.stages)) for c in current],
        offer_ranges(internships, months[0].first_day),
    )
    texts = charts.ShortageTexts(
        title=_("Internship places needed and offered per month"),
        needed=_("Places needed"),
        offered=_("Places offered"),
        short=_("Too few places"),
    )
    return ShortageChart(_trusted(charts.shortage_svg("chart-shortage", needs, texts)), needs)


def _provinces(cohorts: list[CohortFacts], today: date) -> ProvinceChart:
    """Where hosts are to be found: per province, the trainees of groups whose internship has not
    ended who still have no proposal or place, against the free places offered for those groups."""
    waiting = [c.id for c in cohorts if c.internship is not None and c.internship.end >= today]
    rows = province_needs(waiting)
    texts = charts.ShortageTexts(
        title=_("Places still needed and free places per province"),
        needed=_("Still without a place"),
        offered=_("Free places"),
        short=_("Too few places"),
    )
    unknown = _("Home municipality not known")
    labels = [(r.province or unknown, r.needed, r.offered) for r in rows]
    return ProvinceChart(_trusted(charts.province_svg("chart-provinces", labels, texts)), rows)


# --- all four ---------------------------------------------------------------------------


def dashboard_charts(
    today: date, threshold: float, attendance_days: AttendanceDays | None = None, group: int | None = None
) -> DashboardCharts:
    """The five dashboard charts with their tables' rows; seven queries in all (six when the
    caller passes the rows of stats_services.attendance_by_cohort_day for the current cohorts).
    The overview charts cover every group; attendance per week and the placement funnel are drawn
    for the one cohort `group` (the dashboard's choice), or for every current one when None."""
    months = _months(_months_back(today, TIMELINE_MONTHS_BEFORE), TIMELINE_MONTHS)
    cohorts = load_cohorts(months[0].first_day)
    load_stages(cohorts)
    drawn = cohorts if group is None else [c for c in cohorts if c.id == group]
    return DashboardCharts(
        timeline=_timeline(cohorts, months, today),
        attendance=_attendance(drawn, today, threshold, attendance_days),
        funnels=_funnels(drawn, today),
        shortage=_shortage(cohorts, today),
        provinces=_provinces(cohorts, today),
        threshold=threshold,
        groups=[(c.id, c.name) for c in cohorts if c.is_current(today)],
        group=group,
    )
