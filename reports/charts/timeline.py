"""Chart 1: every cohort's phases on a month axis, with public holidays, closures and today."""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from reports.charts.common import GRID, Month, next_month, shows_year
from reports.svg import INK, LegendItem, fits, legend_below, line, rect, shorten, svg, text

PHASE_COLOURS = {"training": "#0b3d91", "internship": "#9a4a00", "guided_work": "#1e6b34"}
HOLIDAY_COLOUR = "#b3261e"
CLOSURE_COLOUR = "#4d4d4d"
CLOSURE_BAND = "#e6e6e6"

TIMELINE_WIDTH = 960
NAME_COLUMN = 190
PLOT_RIGHT = 945
YEAR_Y, MONTH_Y = 13, 30
MARKS_TOP, MARKS_HEIGHT = 38, 12
ROWS_TOP, ROW_HEIGHT, BAR_HEIGHT = 58, 30, 18


@dataclass(frozen=True)
class PhaseSpan:
    kind: str  # "training", "internship" or "guided_work"
    start: date
    end: date  # inclusive


@dataclass(frozen=True)
class CohortTimeline:
    name: str
    phases: tuple[PhaseSpan, ...]

    def phase(self, kind: str) -> PhaseSpan | None:
        return next((phase for phase in self.phases if phase.kind == kind), None)


@dataclass(frozen=True)
class Holiday:
    day: date
    name: str


@dataclass(frozen=True)
class ClosureSpan:
    start: date
    end: date  # inclusive
    reason: str


@dataclass(frozen=True)
class TimelineTexts:
    title: str
    phase_names: Mapping[str, str]
    holiday: str
    closure: str
    today: str
    format_day: Callable[[date], str]


@dataclass(frozen=True)
class DateAxis:
    """Days from `start` up to (not including) `end`, spread over x = left..right."""

    start: date
    end: date
    left: float
    right: float

    def x(self, day: date) -> float:
        day = min(max(day, self.start), self.end)
        return self.left + (day - self.start).days * self.day_width

    @property
    def day_width(self) -> float:
        return (self.right - self.left) / (self.end - self.start).days

    def span(self, start: date, end: date) -> tuple[float, float] | None:
        """x and width of the inclusive range start..end, cut to the axis; None when outside."""
        if end < self.start or start >= self.end:
            return None
        left = self.x(start)
        return left, self.x(end + timedelta(days=1)) - left


def timeline_axis(months: Sequence[Month]) -> DateAxis:
    return DateAxis(months[0].first_day, next_month(months[-1].first_day), NAME_COLUMN, PLOT_RIGHT)


def _month_grid(axis: DateAxis, months: Sequence[Month], bottom: float) -> list[str]:
    parts = []
    for index, month in enumerate(months):
        x = axis.x(month.first_day)
        parts.append(line(x, YEAR_Y - 10, x, bottom, GRID))
        parts.append(text(x + 4, MONTH_Y, month.label))
        if shows_year(index, month):
            parts.append(text(x + 4, YEAR_Y, month.first_day.year, font_weight="bold"))
    return parts


def _closure_marks(axis: DateAxis, closures: Iterable[ClosureSpan], bottom, texts) -> list[str]:
    """A light band behind the rows (context) and a dark bar in the marks lane (contrast)."""
    parts = []
    for closure in closures:
        span = axis.span(closure.start, closure.end)
        if span is None:
            continue
        tooltip = f"{texts.closure}: {closure.reason}, {_days(closure.start, closure.end, texts)}"
        parts.append(rect(span[0], MARKS_TOP, span[1], bottom - MARKS_TOP, CLOSURE_BAND))
        parts.append(rect(span[0], MARKS_TOP + 3, span[1], MARKS_HEIGHT - 6, CLOSURE_COLOUR, tooltip))
    return parts


def _holiday_marks(axis: DateAxis, holidays: Iterable[Holiday], texts) -> list[str]:
    parts = []
    for holiday in holidays:
        if axis.span(holiday.day, holiday.day) is None:
            continue
        width = max(axis.day_width, 3)
        x = axis.x(holiday.day) + axis.day_width / 2 - width / 2
        tooltip = f"{holiday.name}, {texts.format_day(holiday.day)}"
        parts.append(rect(x, MARKS_TOP, width, MARKS_HEIGHT, HOLIDAY_COLOUR, tooltip))
    return parts


def _days(start: date, end: date, texts) -> str:
    return f"{texts.format_day(start)} – {texts.format_day(end)}"


def _phase_bar(axis: DateAxis, phase: PhaseSpan, y: float, cohort_name: str, texts) -> list[str]:
    span = axis.span(phase.start, phase.end)
    if span is None:
        return []
    name = texts.phase_names.get(phase.kind, phase.kind)
    colour = PHASE_COLOURS.get(phase.kind, INK)
    tooltip = f"{cohort_name}: {name}, {_days(phase.start, phase.end, texts)}"
    parts = [rect(span[0], y, span[1], BAR_HEIGHT, colour, tooltip)]
    if fits(name, span[1]):
        parts.append(text(span[0] + span[1] / 2, y + 13.5, name, anchor="middle", fill="#ffffff"))
    return parts


def _cohort_row(axis: DateAxis, cohort: CohortTimeline, index: int, texts) -> list[str]:
    top = ROWS_TOP + index * ROW_HEIGHT
    parts = [text(8, top + ROW_HEIGHT / 2 + 4.5, shorten(cohort.name, 24))]
    for phase in cohort.phases:
        parts += _phase_bar(axis, phase, top + (ROW_HEIGHT - BAR_HEIGHT) / 2, cohort.name, texts)
    return parts


def _today_marker(axis: DateAxis, today: date, bottom: float, label: str) -> list[str]:
    if axis.span(today, today) is None:
        return []
    x = axis.x(today) + axis.day_width / 2
    label_x = min(max(x, axis.left + 30), axis.right - 30)
    return [
        line(x, MONTH_Y + 4, x, bottom + 4, INK, width=2),
        text(label_x, bottom + 18, label, anchor="middle", font_weight="bold"),
    ]


def timeline_legend_items(texts: TimelineTexts) -> list[LegendItem]:
    phases = [(texts.phase_names[kind], colour) for kind, colour in PHASE_COLOURS.items()]
    return [
        *phases,
        (texts.holiday, HOLIDAY_COLOUR),
        (texts.closure, CLOSURE_COLOUR),
        (texts.today, INK, "line"),
    ]


def timeline_svg(
    chart_id: str,
    months: Sequence[Month],
    cohorts: Sequence[CohortTimeline],
    holidays: Sequence[Holiday],
    closures: Sequence[ClosureSpan],
    today: date,
    texts: TimelineTexts,
) -> str:
    """One row per cohort with its phases as coloured bars on a month axis; holidays as red
    ticks and closures as grey bars in a lane above the rows (closures also shade the rows);
    a black line for today."""
    axis = timeline_axis(months)
    bottom = ROWS_TOP + max(len(cohorts), 1) * ROW_HEIGHT
    key, height = legend_below(timeline_legend_items(texts), 8, bottom + 30, PLOT_RIGHT)
    body = [
        *_closure_marks(axis, closures, bottom, texts),
        *_month_grid(axis, months, bottom),
        *_holiday_marks(axis, holidays, texts),
    ]
    for index, cohort in enumerate(cohorts):
        body += _cohort_row(axis, cohort, index, texts)
    body += _today_marker(axis, today, bottom, texts.today)
    body += key
    return svg(chart_id, texts.title, TIMELINE_WIDTH, int(height), body)
