"""What more than one chart uses: shared colours, months, and the layout of a plot with values
on a left-hand axis and one slot per item along the bottom (attendance, places)."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from reports.svg import line, text

GRID = "#c8c8c8"
GOOD = "#0b3d91"
BAD = "#b3261e"

T = TypeVar("T")


@dataclass(frozen=True)
class Month:
    first_day: date
    label: str  # e.g. "mrt" or "jan 2027", in the reader's language


def next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def shows_year(index: int, month: Month) -> bool:
    """A month axis names the year at its first month and at every January."""
    return index == 0 or month.first_day.month == 1


# --- a plot of values: a left-hand axis and a slot per item -----------------------------

PLOT_LEFT = 52


@dataclass(frozen=True)
class ValueAxis:
    """Values 0..most spread upwards over y = bottom..top."""

    top: float
    bottom: float
    most: float

    def height(self, value: float) -> float:
        return value / self.most * (self.bottom - self.top)

    def y(self, value: float) -> float:
        return self.bottom - self.height(value)


def value_label(y: float, label, **extra) -> str:
    """A value on the left-hand axis: right-aligned against the plot, centred on y."""
    return text(PLOT_LEFT - 6, y + 4.5, label, anchor="end", **extra)


def grid_line(y: float, right: float, label=None) -> list[str]:
    """A horizontal grid line across the plot, with its value on the axis unless label is None."""
    parts = [line(PLOT_LEFT, y, right, y, GRID)]
    if label is not None:
        parts.append(value_label(y, label))
    return parts


def slot_width(count: int, right: float) -> float:
    return (right - PLOT_LEFT) / max(count, 1)


def slots(items: Sequence[T], right: float) -> Iterable[tuple[T, float, float]]:
    """Each item with the x of its slot and the slot's width, the slots filling PLOT_LEFT..right."""
    width = slot_width(len(items), right)
    for index, item in enumerate(items):
        yield item, PLOT_LEFT + index * width, width
