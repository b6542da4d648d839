"""The facts behind the outcomes page, the API's outcomes and a host's view of its interns, in a
fixed number of queries however many cohorts and trainees (reports/outcomes.py counts them).

Definitions (the page's definitions section says the same in words):
- completed training: the cohort's training phase has ended and the trainee had not withdrawn by
  its last day;
- completed internship: a placement with a final evaluation that did not end early;
- completed programme: status "completed";
- working at 6 (12) months: the latest information about that moment says working; it counts
  once the moment's link has closed (30 days after the moment) or something is known about it,
  before that the trainee is "not yet" asked.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app

from cohort.follow_ups.models import WorkOutcome
from cohort.follow_ups.rules import Work, moment_at
from cohort.models import Cohort, CohortPhase, Trainee, TraineeStatus
from cohort.planning import PhaseKind
from extensions import db
from placements.models import (
    Evaluation,
    EvaluationKind,
    InternshipOffer,
    Municipality,
    Placement,
    PlacementStatus,
)
from reports.outcomes import TraineeFacts, funnel

# A placement with a final evaluation that did not end early is a completed internship.
INTERNSHIP_DONE = (PlacementStatus.CONFIRMED, PlacementStatus.ACTIVE, PlacementStatus.COMPLETED)
# A municipality hosted the trainee when a placement there was confirmed (ended early included).
HOSTED = (*INTERNSHIP_DONE, PlacementStatus.ENDED_EARLY)


@dataclass(frozen=True)
class Known:
    """The latest information about one follow-up moment."""

    work: str
    employer: str
    evidence: str
    known_on: date


@dataclass
class TraineeOutcome:
    id: int
    name: str
    cohort_id: int
    status: str
    left_on: date | None
    stopped: bool  # asked not to be asked again
    facts: TraineeFacts
    known: dict[int, Known] = field(default_factory=dict)  # months -> the latest information
    host_ids: set[int] = field(default_factory=set)  # municipalities of their internships


def _phase_ends(cohort_ids: Iterable[int]) -> dict[int, dict[str, date]]:
    """Per cohort the last day of its training, of its internship and of the programme (its own
    end date, else its last phase's end)."""
    ids = set(cohort_ids)
    ends: dict[int, dict[str, date]] = defaultdict(dict)
    phases = db.session.execute(
        sa.select(CohortPhase.cohort_id, CohortPhase.kind, CohortPhase.end_date).where(
            CohortPhase.cohort_id.in_(ids)
        )
    )
    for cohort_id, kind, end in phases:
        ends[cohort_id][kind] = end
        ends[cohort_id]["programme"] = max(end, ends[cohort_id].get("programme", end))
    for cohort_id, end in db.session.execute(sa.select(Cohort.id, Cohort.end_date).where(Cohort.id.in_(ids))):
        if end is not None:
            ends[cohort_id]["programme"] = end
    return ends


def _is_over(end: date | None, today: date) -> bool:
    return end is not None and end < today


def _internships(trainee_ids: list[int]) -> tuple[set[int], dict[int, set[int]]]:
    """Who completed an internship, and each trainee's host municipalities (any placement that
    was confirmed), in one query."""
    final = sa.select(Evaluation.placement_id).where(Evaluation.kind == EvaluationKind.FINAL)
    rows = db.session.execute(
        sa.select(
            Placement.trainee_id, InternshipOffer.municipality_id, Placement.id.in_(final), Placement.status
        )
        .join(InternshipOffer, InternshipOffer.id == Placement.offer_id)
        .where(Placement.trainee_id.in_(trainee_ids), Placement.status.in_(HOSTED))
    )
    done, hosts = set(), defaultdict(set)
    for trainee_id, municipality_id, has_final, status in rows:
        hosts[trainee_id].add(municipality_id)
        if has_final and status in INTERNSHIP_DONE:
            done.add(trainee_id)
    return done, hosts


def latest_known(where: sa.ColumnElement[bool]) -> dict[int, dict[int, Known]]:
    """Per trainee matching `where` (a condition on Trainee) and per moment, the latest
    information: the last recorded wins. One query, only the columns it needs."""
    employer = sa.func.coalesce(Municipality.name, WorkOutcome.employer_name)
    rows = db.session.execute(
        sa.select(
            WorkOutcome.trainee_id,
            WorkOutcome.months,
            WorkOutcome.work,
            employer,
            WorkOutcome.evidence,
            WorkOutcome.known_on,
        )
        .join(Trainee, Trainee.id == WorkOutcome.trainee_id)
        .outerjoin(Municipality, Municipality.id == WorkOutcome.employer_municipality_id)
        .where(where)
        .order_by(WorkOutcome.recorded_at, WorkOutcome.id)
    )
    known: dict[int, dict[int, Known]] = defaultdict(dict)
    for trainee_id, months, work, employer_name, evidence, known_on in rows:
        known[trainee_id][months] = Known(work, employer_name, evidence, known_on)
    return known


def _is_due(left_on: date | None, months: int, known: dict[int, Known], now: datetime, tz: str) -> bool:
    if months in known:
        return True
    if left_on is None:
        return False
    return now >= moment_at(left_on, months, tz).link_until


def _facts(
    t,
    left_on: date | None,
    ends: dict[str, date],
    internship_done: bool,
    mine: dict,
    now: datetime,
    today: date,
) -> TraineeFacts:
    """One trainee's facts for the funnel (see the definitions above)."""
    training_end = ends.get(PhaseKind.TRAINING)
    left = left_on is not None
    withdrew_in_training = t.status == TraineeStatus.WITHDRAWN and (
        training_end is None or (t.withdrawn_on or today) <= training_end
    )
    tz = current_app.config["TIMEZONE"]
    return TraineeFacts(
        completed_training=_is_over(training_end, today) and not withdrew_in_training,
        completed_internship=internship_done,
        completed_programme=t.status == TraineeStatus.COMPLETED,
        work_6m=Work(mine[6].work) if 6 in mine else None,
        work_12m=Work(mine[12].work) if 12 in mine else None,
        training_due=left or _is_over(training_end, today),
        internship_due=left or _is_over(ends.get(PhaseKind.INTERNSHIP), today),
        programme_due=left or _is_over(ends.get("programme"), today),
        due_6m=_is_due(left_on, 6, mine, now, tz),
        due_12m=_is_due(left_on, 12, mine, now, tz),
    )


def load_outcomes(where: sa.ColumnElement[bool], now: datetime, today: date) -> list[TraineeOutcome]:
    """Every trainee matching `where` (a condition on Trainee) with their facts, in 5 queries."""
    trainees = db.session.execute(
        sa.select(
            Trainee.id,
            Trainee.name,
            Trainee.cohort_id,
            Trainee.status,
            Trainee.withdrawn_on,
            Trainee.left_on.label("left_on"),
            Trainee.follow_ups_stopped_at,
        )
        .where(where)
        .order_by(Trainee.name, Trainee.id)
    ).all()
    if not trainees:
        return []
    ids = [t.id for t in trainees]
    phase_ends = _phase_ends(t.cohort_id for t in trainees)
    internship_done, hosts = _internships(ids)
    known = latest_known(where)
    result = []
    for t in trainees:
        mine = known.get(t.id, {})
        left_on = t.left_on
        facts = _facts(t, left_on, phase_ends.get(t.cohort_id, {}), t.id in internship_done, mine, now, today)
        result.append(
            TraineeOutcome(
                t.id,
                t.name,
                t.cohort_id,
                t.status,
                left_on,
                t.follow_ups_stopped_at is not None,
                facts,
                mine,
                hosts.get(t.id, set()),
            )
        )
    return result


def cohort_outcomes(cohort_id: int, now: datetime, today: date) -> tuple[list[TraineeOutcome], list]:
    """One cohort's trainees with their facts, and its funnel: the page and the API read this."""
    rows = load_outcomes(Trainee.cohort_id == cohort_id, now, today)
    return rows, funnel(row.facts for row in rows)


def hosted_by(municipality_id: int, now: datetime, today: date) -> tuple[list[TraineeOutcome], list]:
    """The trainees whose internship this municipality hosted (a confirmed placement there), and
    their funnel: the print per municipality and the host's portal read this."""
    hosted = (
        sa.select(Placement.trainee_id)
        .join(InternshipOffer, InternshipOffer.id == Placement.offer_id)
        .where(InternshipOffer.municipality_id == municipality_id, Placement.status.in_(HOSTED))
    )
    rows = load_outcomes(Trainee.id.in_(hosted), now, today)
    return rows, funnel(row.facts for row in rows)


@dataclass(frozen=True)
class CohortFunnel:
    cohort_id: int | None  # None: all cohorts together
    name: str
    steps: list


def funnels(cohorts: list[Cohort], rows: list[TraineeOutcome], all_name: str) -> list[CohortFunnel]:
    """One funnel per cohort (in the given order), then one of them all together."""
    by_cohort = defaultdict(list)
    for row in rows:
        by_cohort[row.cohort_id].append(row.facts)
    result = [CohortFunnel(c.id, c.name, funnel(by_cohort[c.id])) for c in cohorts]
    result.append(CohortFunnel(None, all_name, funnel(row.facts for row in rows)))
    return result


def evidence_tally(rows: Iterable[TraineeOutcome], months: int) -> dict[str, int]:
    """How the latest information about a moment is known, among those who completed the programme."""
    tally: dict[str, int] = defaultdict(int)
    for row in rows:
        if row.facts.completed_programme and months in row.known:
            tally[row.known[months].evidence] += 1
    return dict(tally)
