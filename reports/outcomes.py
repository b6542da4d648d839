"""Outcomes: how far each trainee got, and whether they work after the programme. Pure: plain
values in and out, no Flask, no database (issue 17; the page, the follow-ups and the API build on
this).

The funnel, each step counted among those who reached the step before it (its denominator):

1. enrolled: every trainee of the cohort, withdrawn ones included;
2. completed training: still in the programme when the training phase ended;
3. completed internship: an internship completed, with a final evaluation;
4. completed programme: status "completed";
5. working at 6 months: of those, working (as integration consultant or otherwise) by their
   answer to the 6-month follow-up, or by an outcome recorded later;
6. still working at 12 months: of those working at 6 months, working at 12.

For the two working steps, no answer is *unknown*: counted apart (`unknown`), never as not
working, and a share of unknowns is shown as a bar of its own. Someone whose moment has not come
yet (6 months after a recent end date) is *not yet* asked: left out of that step's denominator and
counted apart (`not_yet`).

Any figure built from fewer than `SMALL` people leaves the manager's own view as "< 5"
(`shown`): a count of 1 to 4, and any count or share whose denominator is below 5.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from cohort.follow_ups.rules import WORKING, Work

SMALL = 5
SMALL_TEXT = "< 5"


@dataclass(frozen=True)
class TraineeFacts:
    completed_training: bool
    completed_internship: bool
    completed_programme: bool
    work_6m: Work | None = None  # None: no answer (unknown)
    work_12m: Work | None = None
    due_6m: bool = True  # the 6-month moment has come (else: not yet asked)
    due_12m: bool = True


STEPS = ("enrolled", "training", "internship", "programme", "working_6m", "working_12m")


@dataclass(frozen=True)
class FunnelStep:
    key: str  # one of STEPS
    count: int
    denominator: int  # the previous step's count (for "enrolled": itself)
    unknown: int = 0  # of the denominator, how many did not answer (working steps only)
    consultants: int = 0  # of the count, working as integration consultant (working steps only)
    not_yet: int = 0  # of the step before, whose moment has not come: not in the denominator

    @property
    def share(self) -> float | None:
        return self.count / self.denominator if self.denominator else None

    @property
    def unknown_share(self) -> float | None:
        return self.unknown / self.denominator if self.denominator else None


def _working(answer: Work | None) -> bool:
    return answer in WORKING


def _working_step(key: str, before: list[TraineeFacts], due: str, work: str) -> tuple[FunnelStep, list]:
    """A working step among those of `before` whose moment has come; returns the people working."""
    asked = [t for t in before if getattr(t, due)]
    working = [t for t in asked if _working(getattr(t, work))]
    step = FunnelStep(
        key,
        len(working),
        len(asked),
        unknown=sum(getattr(t, work) is None for t in asked),
        consultants=sum(getattr(t, work) == Work.CONSULTANT for t in working),
        not_yet=len(before) - len(asked),
    )
    return step, working


def funnel(trainees: Iterable[TraineeFacts]) -> list[FunnelStep]:
    """The six steps for these trainees (one cohort, or several together)."""
    everyone = list(trainees)
    trained = [t for t in everyone if t.completed_training]
    interned = [t for t in trained if t.completed_internship]
    finished = [t for t in interned if t.completed_programme]
    at_6m, working_6m = _working_step("working_6m", finished, "due_6m", "work_6m")
    at_12m, _working_12m = _working_step("working_12m", working_6m, "due_12m", "work_12m")
    return [
        FunnelStep("enrolled", len(everyone), len(everyone)),
        FunnelStep("training", len(trained), len(everyone)),
        FunnelStep("internship", len(interned), len(trained)),
        FunnelStep("programme", len(finished), len(interned)),
        at_6m,
        at_12m,
    ]


def shown(count: int, denominator: int | None = None) -> int | str:
    """A count as it may leave the manager's own view: "< 5" when it is built from fewer than
    five people (a count of 1 to 4, or a denominator below 5); else the count itself."""
    if (denominator is not None and denominator < SMALL) or 0 < count < SMALL:
        return SMALL_TEXT
    return count
