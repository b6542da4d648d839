"""The dashboard's pictures as server-side SVG: plain values in, SVG markup (a str) out.

Pure: no Flask, no database, no clock, no locale. Every text that reaches the SVG is escaped
(reports/svg.py); the caller marks the result safe. Words and formatted dates come in as
parameters (the caller translates them), so the same function draws Dutch and English charts.

Why SVG written by the app: it needs no JavaScript and no CDN, so it works under the strict
Content-Security-Policy (colours are SVG presentation attributes, not style attributes), prints,
and scales with the page (a viewBox and width 100%). Every chart also has a table with the same
numbers (the template's job); the SVG carries role="img" and a <title> for a short name.

Colours have at least 4.5:1 contrast on white and never carry meaning alone: there is always a
legend or a label in words, and the numbers are in the table.

One module per chart (timeline, attendance, funnel, places) and common.py for what they share;
this package gathers their public names, so callers import from `reports.charts`.
"""

from reports.charts.attendance import (
    PLOT_BOTTOM,
    PLOT_TOP,
    AttendanceTexts,
    WeekRate,
    attendance_svg,
    percent,
)
from reports.charts.common import BAD, GOOD, GRID, PLOT_LEFT, Month, next_month
from reports.charts.funnel import BAR_LEFT, BAR_RIGHT, FunnelStep, funnel_svg
from reports.charts.places import (
    NEEDED,
    OFFERED,
    SHORT_BAND,
    SHORT_BOTTOM,
    SHORT_TOP,
    MonthNeed,
    ShortageTexts,
    month_needs,
    province_svg,
    shortage_svg,
)
from reports.charts.timeline import (
    CLOSURE_BAND,
    CLOSURE_COLOUR,
    HOLIDAY_COLOUR,
    NAME_COLUMN,
    PHASE_COLOURS,
    PLOT_RIGHT,
    ClosureSpan,
    CohortTimeline,
    Holiday,
    PhaseSpan,
    TimelineTexts,
    timeline_svg,
)

__all__ = [
    # shared
    "BAD",
    "GOOD",
    "GRID",
    "PLOT_LEFT",
    "Month",
    "next_month",
    # 1. timeline
    "CLOSURE_BAND",
    "CLOSURE_COLOUR",
    "HOLIDAY_COLOUR",
    "NAME_COLUMN",
    "PHASE_COLOURS",
    "PLOT_RIGHT",
    "ClosureSpan",
    "CohortTimeline",
    "Holiday",
    "PhaseSpan",
    "TimelineTexts",
    "timeline_svg",
    # 2. attendance per week
    "PLOT_BOTTOM",
    "PLOT_TOP",
    "AttendanceTexts",
    "WeekRate",
    "attendance_svg",
    "percent",
    # 3. placement funnel
    "BAR_LEFT",
    "BAR_RIGHT",
    "FunnelStep",
    "funnel_svg",
    # 4. places needed versus offered
    "NEEDED",
    "OFFERED",
    "SHORT_BAND",
    "SHORT_BOTTOM",
    "SHORT_TOP",
    "MonthNeed",
    "ShortageTexts",
    "month_needs",
    "shortage_svg",
    "province_svg",
]
