"""Chart 3: how far a cohort's trainees got with their placements."""

from collections.abc import Sequence
from dataclasses import dataclass

from reports.charts.common import GOOD
from reports.svg import rect, shorten, svg, text

FUNNEL_WIDTH = 340
STEP_COLUMN, BAR_LEFT, BAR_RIGHT = 8, 108, 300
STEP_HEIGHT = 30


@dataclass(frozen=True)
class FunnelStep:
    label: str
    count: int


def funnel_svg(chart_id: str, title: str, steps: Sequence[FunnelStep]) -> str:
    """One horizontal bar per step, its length relative to the first step's count (the
    trainees), with the step's name on the left and its number at the end of the bar."""
    most = max([step.count for step in steps] + [1])
    body = []
    for index, step in enumerate(steps):
        top = 6 + index * STEP_HEIGHT
        width = step.count / most * (BAR_RIGHT - BAR_LEFT)
        body.append(text(STEP_COLUMN, top + 18, shorten(step.label, 14)))
        body.append(
            rect(BAR_LEFT, top + 4, max(width, 1), STEP_HEIGHT - 8, GOOD, f"{step.label}: {step.count}")
        )
        body.append(text(BAR_LEFT + width + 6, top + 18, step.count, font_weight="bold"))
    return svg(chart_id, title, FUNNEL_WIDTH, 12 + len(steps) * STEP_HEIGHT, body)
