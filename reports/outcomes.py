"""Outcomes: how far each trainee got, and whether they work after the programme. Pure: plain
values in and out, no Flask, no database (issue 17; the page, the follow-ups and the API build on
this).

The funnel, each step counted among those who reached the step before it and whose moment for
this step has come (its denominator):

1. enrolled: every trainee of the cohort, withdrawn ones included;
2. completed training: still in the programme when the training phase ended;
3. completed internship: an internship completed, with a final evaluation;
4. completed programme: status "completed";
5. working at 6 months: of those, working (as integration consultant or otherwise) by the
   latest information about the 6-month moment (an answer, a confirmation, a call);
6. still working at 12 months: of those working at 6 months, working at 12.

For the two working steps, no answer is *unknown*: counted apart (`unknown`), never as not
working, and a share of unknowns is shown as a bar of its own. Someone whose moment for a step has
not come yet (a training still running, 6 months after a recent end date) is *not yet* there:
left out of that step's denominator and counted apart (`not_yet`).

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
    # Whether each step's moment has come for this trainee (its phase is over, or they left);
    # before that they are "not yet" at that step, never counted as not reaching it.
    training_due: bool = True
    internship_due: bool = True
    programme_due: bool = True
    due_6m: bool = True  # the 6-month moment has come (else: not yet asked)
    due_12m: bool = True


STEPS = ("enrolled", "training", "internship", "programme", "working_6m", "working_12m")
WORKING_STEPS = STEPS[-2:]  # the steps after the programme: with unknowns and consultants


@dataclass(frozen=True)
class FunnelStep:
    key: str  # one of STEPS
    count: int
    denominator: int  # of the previous step's count, those whose moment for this step has come
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


# Each step after "enrolled": (key, when its moment has come, whether it was reached, the answer
# it reads for the working steps).
_STEPS = (
    ("training", "training_due", lambda t: t.completed_training, None),
    ("internship", "internship_due", lambda t: t.completed_internship, None),
    ("programme", "programme_due", lambda t: t.completed_programme, None),
    ("working_6m", "due_6m", lambda t: _working(t.work_6m), "work_6m"),
    ("working_12m", "due_12m", lambda t: _working(t.work_12m), "work_12m"),
)


def funnel(trainees: Iterable[TraineeFacts]) -> list[FunnelStep]:
    """The six steps for these trainees (one cohort, or several together)."""
    reached = list(trainees)
    steps = [FunnelStep("enrolled", len(reached), len(reached))]
    for key, due, reaches, answer in _STEPS:
        asked = [t for t in reached if getattr(t, due)]
        made_it = [t for t in asked if reaches(t)]
        steps.append(
            FunnelStep(
                key,
                len(made_it),
                len(asked),
                unknown=sum(getattr(t, answer) is None for t in asked) if answer else 0,
                consultants=sum(getattr(t, answer) == Work.CONSULTANT for t in made_it) if answer else 0,
                not_yet=len(reached) - len(asked),
            )
        )
        reached = made_it
    return steps


def shown(count: int, denominator: int | None = None) -> int | str:
    """A count as it may leave the manager's own view: "< 5" when it is built from fewer than
    five people (a count of 1 to 4, or a denominator below 5); else the count itself."""
    if (denominator is not None and denominator < SMALL) or 0 < count < SMALL:
        return SMALL_TEXT
    return count
