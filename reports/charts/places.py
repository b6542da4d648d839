"""Chart 4: internship places needed versus offered per month, with the months that fall short."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from reports.charts.common import BAD, PLOT_LEFT, Month, ValueAxis, grid_line, next_month, shows_year, slots
from reports.svg import legend_below, nice_ticks, rect, svg, text

NEEDED = "#0b3d91"
OFFERED = "#1e6b34"
SHORT_BAND = "#fdecea"

SHORTAGE_WIDTH = 600
SHORT_TOP, SHORT_BOTTOM = 34, 190


@dataclass(frozen=True)
class MonthNeed:
    month: Month
    needed: int
    offered: int

    @property
    def shortage(self) -> int:
        return max(0, self.needed - self.offered)


@dataclass(frozen=True)
class ShortageTexts:
    title: str
    needed: str
    offered: str
    short: str  # legend for a month with too few places


def month_needs(
    months: Sequence[Month],
    internships: Iterable[tuple[date, date, int]],
    offers: Iterable[tuple[date, date, int]],
) -> list[MonthNeed]:
    """Places needed and offered per month.

    `internships` are (first day, last day, trainees) per cohort: each of its trainees needs a
    place in every month the internship touches. `offers` are (first day, last day, places):
    the places count in every month that range touches. So a month compares the trainees on
    internship in it with the places available in it; an 8-week internship over three months
    needs its places, and has them offered, in all three.
    """
    internships, offers = list(internships), list(offers)
    needs = []
    for month in months:
        first, after = month.first_day, next_month(month.first_day)
        needed = sum(count for start, end, count in internships if start < after and end >= first)
        offered = sum(places for start, end, places in offers if start < after and end >= first)
        needs.append(MonthNeed(month, needed, offered))
    return needs


def _count_bar(value: int, x: float, width: float, axis: ValueAxis, colour: str, tooltip: str) -> list[str]:
    height = axis.height(value)
    return [
        rect(x, SHORT_BOTTOM - height, width, height, colour, tooltip),
        text(x + width / 2, SHORT_BOTTOM - height - 4, value, anchor="middle", size=11),
    ]


def _month_group(need: MonthNeed, index: int, x: float, slot: float, axis: ValueAxis, texts) -> list[str]:
    parts = []
    if need.shortage:
        parts.append(rect(x + 2, SHORT_TOP - 30, slot - 4, SHORT_BOTTOM - SHORT_TOP + 30, SHORT_BAND))
        short = f"−{need.shortage}"
        parts.append(text(x + slot / 2, SHORT_TOP - 14, short, anchor="middle", fill=BAD, font_weight="bold"))
    label = need.month.label
    tooltip = f"{label}: {texts.needed} {need.needed}, {texts.offered} {need.offered}"
    parts += _count_bar(need.needed, x + slot * 0.14, slot * 0.34, axis, NEEDED, tooltip)
    parts += _count_bar(need.offered, x + slot * 0.52, slot * 0.34, axis, OFFERED, tooltip)
    parts.append(text(x + slot / 2, SHORT_BOTTOM + 16, label, anchor="middle"))
    if shows_year(index, need.month):
        parts.append(
            text(x + slot / 2, SHORT_BOTTOM + 31, need.month.first_day.year, anchor="middle", size=11)
        )
    return parts


def shortage_svg(chart_id: str, months: Sequence[MonthNeed], texts: ShortageTexts) -> str:
    """Per month two bars: places needed and places offered; a month with more needed than
    offered gets a pink band and the shortage in red above it ("−3")."""
    right = SHORTAGE_WIDTH - 10
    ticks = nice_ticks(max([m.needed for m in months] + [m.offered for m in months] + [1]))
    axis = ValueAxis(SHORT_TOP, SHORT_BOTTOM, ticks[-1])
    body = []
    for tick in ticks:
        body += grid_line(axis.y(tick), right, tick)
    for index, (need, x, slot) in enumerate(slots(months, right)):
        body += _month_group(need, index, x, slot, axis, texts)
    items = [(texts.needed, NEEDED), (texts.offered, OFFERED), (texts.short, SHORT_BAND)]
    key, height = legend_below(items, PLOT_LEFT, SHORT_BOTTOM + 42, right)
    body += key
    return svg(chart_id, texts.title, SHORTAGE_WIDTH, int(height), body)


PROVINCE_WIDTH, PROVINCE_LABEL, PROVINCE_ROW = 600, 150, 34


def province_svg(chart_id: str, rows: Sequence[tuple[str, int, int]], texts: ShortageTexts) -> str:
    """Per province (label, needed, offered) two horizontal bars, needed over offered, and the
    shortage in red at the end ("−3"): where hosts are to be found."""
    right = PROVINCE_WIDTH - 50
    top = max([needed for _label, needed, _offered in rows] + [offered for *_x, offered in rows] + [1])
    scale = (right - PROVINCE_LABEL) / top
    body = []
    for index, (label, needed, offered) in enumerate(rows):
        y = 10 + index * PROVINCE_ROW
        tooltip = f"{label}: {texts.needed} {needed}, {texts.offered} {offered}"
        body.append(text(PROVINCE_LABEL - 8, y + 15, label, anchor="end"))
        for offset, value, colour in ((0, needed, NEEDED), (12, offered, OFFERED)):
            body.append(rect(PROVINCE_LABEL, y + offset, value * scale, 10, colour, tooltip))
            body.append(text(PROVINCE_LABEL + value * scale + 4, y + offset + 9, value, size=11))
        if needed > offered:
            body.append(
                text(
                    PROVINCE_WIDTH - 6,
                    y + 15,
                    f"−{needed - offered}",
                    anchor="end",
                    fill=BAD,
                    font_weight="bold",
                )
            )
    bottom = 10 + len(rows) * PROVINCE_ROW
    key, height = legend_below(
        [(texts.needed, NEEDED), (texts.offered, OFFERED)], PLOT_LEFT, bottom + 6, right
    )
    body += key
    return svg(chart_id, texts.title, PROVINCE_WIDTH, int(height), body)
