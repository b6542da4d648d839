"""The outcomes funnel: per step, the share of the step before that reached it (working as a
consultant darker within it), and the share without an answer as a grey bar of its own."""

from collections.abc import Sequence
from dataclasses import dataclass

from reports.charts.common import GOOD
from reports.monitoring import percent
from reports.svg import legend_below, rect, shorten, svg, text

WIDTH = 640
LABEL_RIGHT, BAR_LEFT, BAR_RIGHT = 8, 210, 520
ROW = 40
TRACK = "#e4e4e4"
CONSULTANT = "#062a66"
UNKNOWN = "#6b6b6b"


@dataclass(frozen=True)
class StepBar:
    label: str
    share: float | None  # count / denominator; None: nobody to count
    consultant_share: float | None  # of the denominator, working as consultant (working steps)
    unknown_share: float | None  # of the denominator, no answer (working steps)
    value: str  # what the end of the bar says: "12 of 20 (60%)", or "< 5"


@dataclass(frozen=True)
class FunnelTexts:
    title: str
    reached: str  # legend: "reached this step"
    consultant: str  # "of whom working as integration consultant"
    unknown: str  # "no answer (unknown)"


def _bar(y: float, share: float | None, colour: str, height: float, tooltip: str) -> str:
    return rect(
        BAR_LEFT, y, max((share or 0) * (BAR_RIGHT - BAR_LEFT), 1 if share else 0), height, colour, tooltip
    )


def outcomes_svg(chart_id: str, steps: Sequence[StepBar], texts: FunnelTexts) -> str:
    body = []
    for index, step in enumerate(steps):
        top = 8 + index * ROW
        body.append(text(LABEL_RIGHT, top + 16, shorten(step.label, 30)))
        body.append(rect(BAR_LEFT, top + 4, BAR_RIGHT - BAR_LEFT, 16, TRACK))
        body.append(_bar(top + 4, step.share, GOOD, 16, f"{step.label}: {step.value}"))
        if step.consultant_share:
            body.append(
                _bar(
                    top + 4,
                    step.consultant_share,
                    CONSULTANT,
                    16,
                    f"{texts.consultant}: {percent(step.consultant_share)}",
                )
            )
        if step.unknown_share is not None:
            body.append(
                _bar(
                    top + 23,
                    step.unknown_share,
                    UNKNOWN,
                    7,
                    f"{texts.unknown}: {percent(step.unknown_share)}",
                )
            )
        body.append(text(BAR_RIGHT + 8, top + 16, step.value, font_weight="bold"))
    items = [(texts.reached, GOOD), (texts.consultant, CONSULTANT), (texts.unknown, UNKNOWN)]
    key, height = legend_below(items, LABEL_RIGHT, 12 + len(steps) * ROW, WIDTH - 8)
    return svg(chart_id, texts.title, WIDTH, int(height), body + key)
