"""Chart 2: a cohort's attendance rate per programme week against the threshold."""

import html
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from reports.charts.common import BAD, GOOD, PLOT_LEFT, ValueAxis, grid_line, slot_width, slots, value_label
from reports.monitoring import percent  # one rounding rule for every page (monitoring is pure)
from reports.svg import INK, legend_below, line, num, svg, text

ATTENDANCE_WIDTH = 600
PLOT_TOP, PLOT_BOTTOM = 14, 176
RATES = ValueAxis(PLOT_TOP, PLOT_BOTTOM, 1)


@dataclass(frozen=True)
class WeekRate:
    week: int
    rate: float | None  # None: nothing that counts was recorded that week
    counted: int


@dataclass(frozen=True)
class AttendanceTexts:
    title: str  # e.g. "Attendance per week: Cohort 3"
    week: str
    threshold: str  # legend, e.g. "Threshold 80%"
    below: str  # legend: "below the threshold"
    at_or_above: str


def _rate_grid(right: float, threshold: float) -> list[str]:
    """Grid lines at 0, 50 and 100%; the threshold's own value, in bold, where it is not one of
    those (labels closer than a line of text would overlap)."""
    parts = []
    for rate in (0, 0.5, 1):
        label = percent(rate) if abs(rate - threshold) >= 0.1 else None
        parts += grid_line(RATES.y(rate), right, label)
    return parts


def _threshold_line(threshold: float, right: float) -> list[str]:
    y = RATES.y(threshold)
    return [
        line(PLOT_LEFT, y, right, y, INK, width=1.5, stroke_dasharray="6 4"),
        value_label(y, percent(threshold), font_weight="bold"),
    ]


def _week_bar(week: WeekRate, x: float, width: float, threshold: float, week_word: str) -> str:
    """The same markup as reports/svg.py's rect(), written directly: a page draws thousands of
    these bars, and only the (escaped) tooltip holds text; the rest are numbers and a colour."""
    height = max(RATES.height(week.rate), 2)  # 0% stays visible as a sliver
    colour = GOOD if week.rate >= threshold else BAD
    tooltip = html.escape(f"{week_word} {week.week}: {percent(week.rate)}", quote=True)
    return (
        f'<rect x="{num(x)}" y="{num(PLOT_BOTTOM - height)}" width="{num(max(width, 0))}" '
        f'height="{num(height)}" fill="{colour}"><title>{tooltip}</title></rect>'
    )


@lru_cache(maxsize=64)
def _frame(threshold: float, week_word: str, threshold_word: str, below: str, at_or_above: str):
    """What every attendance chart with these words and this threshold shares, drawn once: the
    grid (before the bars), the axis word, threshold line and legend (after them), and the height.
    The dashboard draws dozens of these charts per page; only their bars and weeks differ."""
    right = ATTENDANCE_WIDTH - 14
    items = [(at_or_above, GOOD), (below, BAD), (threshold_word, INK, "dash")]
    before = "".join(_rate_grid(right, threshold))
    after = [text(PLOT_LEFT - 6, PLOT_BOTTOM + 16, week_word, anchor="end")]
    after += _threshold_line(threshold, right)
    key, height = legend_below(items, PLOT_LEFT, PLOT_BOTTOM + 28, right)
    return before, "".join(after + key), int(height)


def attendance_svg(chart_id: str, weeks: Sequence[WeekRate], threshold: float, texts: AttendanceTexts) -> str:
    """A bar per programme week (0-100%), blue at or above the threshold, red below it, and the
    threshold as a dashed line. Weeks without data have no bar (the table says "no data")."""
    right = ATTENDANCE_WIDTH - 14
    before, after, height = _frame(threshold, texts.week, texts.threshold, texts.below, texts.at_or_above)
    body = [before]
    label_every = max(1, -(-24 // int(slot_width(len(weeks), right))))  # week numbers 24 apart or more
    for index, (week, x, slot) in enumerate(slots(weeks, right)):
        if week.rate is not None:
            body.append(_week_bar(week, x + slot * 0.15, slot * 0.7, threshold, texts.week))
        if index % label_every == 0:
            body.append(text(x + slot / 2, PLOT_BOTTOM + 16, week.week, anchor="middle"))
    body.append(after)
    return svg(chart_id, texts.title, ATTENDANCE_WIDTH, height, body)
