"""What re-planning a cohort changes in its stored sessions. Pure: plain values in and out.

A planned session is identified by its *slot*: its kind and the day the planner first wanted
it (`planned_date`, before any holiday move). Re-planning matches stored sessions to the new
plan by slot:

- sessions before `today` are history and never touched;
- extra sessions (added by hand) are never touched;
- a stored session without hand edits follows the plan: updated when its day or times
  differ, removed when its slot is gone;
- a hand-edited session is kept as it is, unless the manager chooses to discard edits, in
  which case it is treated like any other;
- slots of the plan without a stored session are added.
"""

from dataclasses import dataclass, field
from datetime import date, time

from cohort.planning import Plan, PlannedSession


@dataclass(frozen=True)
class StoredSession:
    id: int
    kind: str
    planned_date: date | None
    date: date
    start_time: time
    end_time: time
    is_edited: bool


@dataclass
class PlanChanges:
    added: list[PlannedSession] = field(default_factory=list)
    updated: list[tuple[StoredSession, PlannedSession]] = field(default_factory=list)
    removed: list[StoredSession] = field(default_factory=list)
    kept_edits: list[StoredSession] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.updated or self.removed)


def slot_of(planned: PlannedSession) -> tuple[str, date]:
    return (str(planned.kind), planned.moved_from or planned.date)


def _differs(stored: StoredSession, planned: PlannedSession) -> bool:
    return (stored.date, stored.start_time, stored.end_time) != (
        planned.date,
        planned.start_time,
        planned.end_time,
    )


def diff_plan(stored: list[StoredSession], plan: Plan, today: date, discard_edits: bool) -> PlanChanges:
    """The changes that bring the stored future sessions in line with `plan`."""
    changes = PlanChanges()
    wanted = {slot_of(p): p for p in plan.sessions if p.date >= today}
    for session in stored:
        if session.date < today or session.kind == "extra":
            continue
        planned = wanted.pop((session.kind, session.planned_date), None)
        if session.is_edited and not discard_edits:
            changes.kept_edits.append(session)
        elif planned is None:
            changes.removed.append(session)
        elif session.is_edited or _differs(session, planned):
            changes.updated.append((session, planned))
    changes.added = sorted(wanted.values(), key=lambda p: (p.date, p.start_time))
    return changes
