"""The numbers per cohort for the dashboard and GET /api/v1/cohorts/{id}/stats.

Each number is one GROUP BY query over all the cohorts asked for, so the number of queries stays
the same however many cohorts, trainees or sessions there are. Attendance follows the one rule
of core/rates.py; the date rules (phase, week, the last 4 weeks) are in reports/monitoring.py.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from cohort.models import IN_PROGRAMME, Cohort, CohortPhase, Trainee, TraineeStatus
from cohort.planning import PhaseKind
from core.rates import ATTENDED, COUNTED, rate_from_counts, recent_window_start
from extensions import db
from outbox.models import MessageStatus, OutboxMessage
from placements.evaluations.services import missing_evaluations
from placements.models import Placement, PlacementStatus
from reports import monitoring
from reports.monitoring import CohortStats, PhaseSpan, PlacementCounts, TraineeCounts
from sessions.models import Attendance, SessionStatus, TrainingSession

# A trainee with a placement in one of these states is not "missing" a place.
HAS_PLACE_STATUSES = (
    PlacementStatus.PROPOSED,
    PlacementStatus.CONFIRMED,
    PlacementStatus.ACTIVE,
    PlacementStatus.COMPLETED,
)


# --- attendance (shared with the attention list) -------------------------------------------


def session_counting_rules(today: date) -> tuple:
    """The part of counting_rules() that needs no trainee: a recorded present, late or unexcused
    absence, for a session that was not cancelled, up to today."""
    return (
        Attendance.status.in_(sorted(COUNTED)),
        TrainingSession.status != SessionStatus.CANCELLED,
        TrainingSession.date <= today,
    )


def after_withdrawal() -> sa.ColumnElement:
    """The trainee part: rows of a withdrawn trainee's sessions after the day they withdrew."""
    return sa.and_(
        Trainee.status == TraineeStatus.WITHDRAWN,
        Trainee.withdrawn_on.is_not(None),
        TrainingSession.date > Trainee.withdrawn_on,
    )


def counting_rules(today: date) -> tuple:
    """WHERE conditions for attendance rows that count (core/rates.py): a recorded present, late
    or unexcused absence, for a session that was not cancelled, up to today, and for a withdrawn
    trainee on or before the day they withdrew."""
    return (*session_counting_rules(today), sa.not_(after_withdrawal()))


def _count_if(condition) -> sa.ColumnElement:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def attendance_counts(group_by: tuple, today: date, *conditions) -> list[sa.Row]:
    """Rows of `group_by` columns, then attended, counted, attended_4w and counted_4w."""
    attended = Attendance.status.in_(sorted(ATTENDED))
    recent = TrainingSession.date >= recent_window_start(today)
    query = (
        sa.select(
            *group_by,
            _count_if(attended).label("attended"),
            sa.func.count().label("counted"),
            _count_if(sa.and_(attended, recent)).label("attended_4w"),
            _count_if(recent).label("counted_4w"),
        )
        .select_from(Attendance)
        .join(TrainingSession, TrainingSession.id == Attendance.session_id)
        .join(Trainee, Trainee.id == Attendance.trainee_id)
        .where(*counting_rules(today), *conditions)
        .group_by(*group_by)
    )
    return db.session.execute(query).all()


@dataclass(frozen=True)
class CohortAttendance:
    """A cohort's attendance counts: over the whole programme so far and over the last 4 weeks."""

    attended: int
    counted: int
    attended_4w: int
    counted_4w: int


DayCounts = tuple[date, int, int]  # (day, attended, counted)
AttendanceDays = dict[int, list[DayCounts]]  # cohort id -> its session days
# The tables attendance figures read, for values kept under their data versions (core/data_versions.py).
ATTENDANCE_TABLES = ("attendance", "training_sessions", "trainees", "trainee_status_changes")


def _day_counts(ids: list[int], today: date, sign: int, *conditions) -> sa.Select:
    attended = _count_if(Attendance.status.in_(sorted(ATTENDED)))
    return (
        sa.select(
            TrainingSession.cohort_id, TrainingSession.date, attended, sa.func.count(), sa.literal(sign)
        )
        .select_from(Attendance)
        .join(TrainingSession, TrainingSession.id == Attendance.session_id)
        .where(*session_counting_rules(today), TrainingSession.cohort_id.in_(ids), *conditions)
        .group_by(TrainingSession.cohort_id, TrainingSession.date)
    )


def _query_attendance_by_cohort_day(ids: list[int], today: date) -> dict[int, list[DayCounts]]:
    """The rule of counting_rules() as all rows that pass its session part, less the rows of
    withdrawn trainees after they withdrew, in one query (UNION ALL, the second part with sign
    -1). Why not one join: joining every row to its trainee costs a third of the time while
    only a withdrawn trainee's rows can fail the trainee part. The first part reads the index
    on attendance(session_id, status, trainee_id) alone; the second starts from the (few)
    withdrawn trainees' rows."""
    withdrawn = sa.select(Trainee.id).where(Trainee.status == TraineeStatus.WITHDRAWN)
    after = _day_counts(ids, today, -1, Attendance.trainee_id.in_(withdrawn), after_withdrawal()).join(
        Trainee, Trainee.id == Attendance.trainee_id
    )
    rows = db.session.execute(sa.union_all(_day_counts(ids, today, 1), after))
    totals: dict[tuple[int, date], list[int]] = defaultdict(lambda: [0, 0])
    for cohort_id, day, attended, counted, sign in rows:
        totals[cohort_id, day][0] += sign * int(attended)
        totals[cohort_id, day][1] += sign * int(counted)
    by_cohort: dict[int, list[DayCounts]] = {cohort_id: [] for cohort_id in ids}
    for (cohort_id, day), (attended, counted) in sorted(totals.items()):
        if counted:
            by_cohort[cohort_id].append((day, attended, counted))
    return by_cohort


def attendance_by_cohort_day(cohort_ids: Iterable[int], today: date) -> AttendanceDays:
    """Cohort id -> (day, attended, counted) per session day, by the rule of core/rates.py, in
    one query. Grouped by the session's cohort: a trainee moved to another cohort leaves their
    attendance with the sessions they attended. The dashboard reads these rows once and hands
    them to both the cohorts' numbers and the weekly charts: they are its most expensive read."""
    ids = list(dict.fromkeys(cohort_ids))
    return _query_attendance_by_cohort_day(ids, today) if ids else {}


def _attendance_by_cohort(
    ids: list[int], today: date, days_of: AttendanceDays
) -> dict[int, CohortAttendance]:
    recent_start = recent_window_start(today)
    totals = {}
    for cohort_id in ids:
        days = days_of.get(cohort_id, [])
        recent = [(attended, counted) for day, attended, counted in days if day >= recent_start]
        totals[cohort_id] = CohortAttendance(
            attended=sum(attended for _day, attended, _counted in days),
            counted=sum(counted for _day, _attended, counted in days),
            attended_4w=sum(attended for attended, _counted in recent),
            counted_4w=sum(counted for _attended, counted in recent),
        )
    return totals


# --- trainees, placements, messages ---------------------------------------------------------


def _trainee_counts(ids: list[int]) -> dict[int, TraineeCounts]:
    rows = db.session.execute(
        sa.select(Trainee.cohort_id, Trainee.status, sa.func.count())
        .where(Trainee.cohort_id.in_(ids))
        .group_by(Trainee.cohort_id, Trainee.status)
    ).all()
    by_cohort: dict[int, Counter] = defaultdict(Counter)
    for cohort_id, status, count in rows:
        key = "active" if status in IN_PROGRAMME else status
        by_cohort[cohort_id][key] += count
    return {
        cohort_id: TraineeCounts(counts["active"], counts["withdrawn"], counts["completed"])
        for cohort_id, counts in by_cohort.items()
    }


def _placement_counts(ids: list[int]) -> dict[int, Counter]:
    """Cohort id -> placement status -> trainees (not withdrawn) with a placement in that status."""
    rows = db.session.execute(
        sa.select(Placement.cohort_id, Placement.status, sa.func.count(sa.distinct(Placement.trainee_id)))
        .join(Trainee, Trainee.id == Placement.trainee_id)
        .where(
            Placement.cohort_id.in_(ids),
            Placement.status.in_(HAS_PLACE_STATUSES),
            Trainee.status != TraineeStatus.WITHDRAWN,
        )
        .group_by(Placement.cohort_id, Placement.status)
    ).all()
    by_cohort: dict[int, Counter] = defaultdict(Counter)
    for cohort_id, status, count in rows:
        by_cohort[cohort_id][status] = count
    return by_cohort


def missing_placement_counts(ids: Iterable[int]) -> dict[int, int]:
    """Cohort id -> enrolled or active trainees without a proposal or place in that cohort; only
    cohorts with an internship phase (the others need no places)."""
    has_place = sa.exists().where(
        Placement.trainee_id == Trainee.id,
        Placement.cohort_id == Trainee.cohort_id,
        Placement.status.in_(HAS_PLACE_STATUSES),
    )
    has_internship = sa.exists().where(
        CohortPhase.cohort_id == Trainee.cohort_id, CohortPhase.kind == PhaseKind.INTERNSHIP
    )
    rows = db.session.execute(
        sa.select(Trainee.cohort_id, sa.func.count())
        .where(Trainee.cohort_id.in_(list(ids)), Trainee.status.in_(IN_PROGRAMME), ~has_place, has_internship)
        .group_by(Trainee.cohort_id)
    ).all()
    return dict(rows)


def failed_message_counts() -> dict[int | None, int]:
    """Cohort id -> failed messages about one of its sessions, placements or trainees; the key
    None counts failed messages that concern no cohort (invitations, digests, password resets)."""
    cohort_id = sa.func.coalesce(TrainingSession.cohort_id, Placement.cohort_id, Trainee.cohort_id)
    rows = db.session.execute(
        sa.select(cohort_id, sa.func.count())
        .select_from(OutboxMessage)
        .outerjoin(TrainingSession, TrainingSession.id == OutboxMessage.session_id)
        .outerjoin(Placement, Placement.id == OutboxMessage.placement_id)
        .outerjoin(Trainee, Trainee.id == OutboxMessage.trainee_id)
        .where(OutboxMessage.status == MessageStatus.FAILED)
        .group_by(cohort_id)
    ).all()
    return dict(rows)


# --- cohorts and their phases ---------------------------------------------------------------


def current_cohort_ids(today: date) -> list[int]:
    """Running and planned cohorts (not those that ended before today), by start date."""
    return list(
        db.session.scalars(
            sa.select(Cohort.id)
            .where(sa.or_(Cohort.end_date.is_(None), Cohort.end_date >= today))
            .order_by(Cohort.start_date, Cohort.name, Cohort.id)
        )
    )


def _phases(ids: list[int]) -> dict[int, list[PhaseSpan]]:
    rows = db.session.execute(
        sa.select(CohortPhase.cohort_id, CohortPhase.kind, CohortPhase.start_date, CohortPhase.end_date)
        .where(CohortPhase.cohort_id.in_(ids))
        .order_by(CohortPhase.start_date)
    ).all()
    phases: dict[int, list[PhaseSpan]] = defaultdict(list)
    for cohort_id, kind, start, end in rows:
        phases[cohort_id].append(PhaseSpan(kind, start, end))
    return phases


@dataclass(frozen=True)
class _Numbers:
    """Everything the GROUP BY queries found, keyed by cohort id."""

    phases: dict
    trainees: dict
    attendance: dict
    placements: dict
    missing: dict
    evaluations: Counter
    failed: dict


def _placements_of(numbers: _Numbers, cohort_id: int) -> PlacementCounts:
    statuses = numbers.placements.get(cohort_id, Counter())
    return PlacementCounts(
        confirmed=statuses[PlacementStatus.CONFIRMED],
        proposed=statuses[PlacementStatus.PROPOSED],
        missing=numbers.missing.get(cohort_id, 0),
        active=statuses[PlacementStatus.ACTIVE],
        completed=statuses[PlacementStatus.COMPLETED],
    )


def _stats_of(cohort: sa.Row, numbers: _Numbers, today: date) -> CohortStats:
    phases = numbers.phases.get(cohort.id, [])
    attendance = numbers.attendance.get(cohort.id)
    last_day = monitoring.last_day(phases, cohort.end_date)
    internship = monitoring.internship_of(phases)
    return CohortStats(
        cohort_id=cohort.id,
        name=cohort.name,
        start_date=cohort.start_date,
        phase=monitoring.phase_on(phases, today),
        week=monitoring.programme_week(cohort.start_date, last_day, today),
        internship=internship,
        trainees=numbers.trainees.get(cohort.id, TraineeCounts()),
        attendance_rate=rate_from_counts(attendance.attended, attendance.counted) if attendance else None,
        attendance_rate_4w=(
            rate_from_counts(attendance.attended_4w, attendance.counted_4w) if attendance else None
        ),
        placements=_placements_of(numbers, cohort.id),
        evaluations_missing=numbers.evaluations[cohort.id],
        failed_messages=numbers.failed.get(cohort.id, 0),
        places_needed_now=monitoring.internship_near_or_running(internship, today),
    )


def cohort_stats(
    cohort_ids: Iterable[int],
    today: date,
    attendance_days: AttendanceDays | None = None,
    failed: dict[int | None, int] | None = None,
) -> dict[int, CohortStats]:
    """Cohort id -> its numbers today, for the cohorts that exist among `cohort_ids`, in the order
    asked for; a fixed number of queries (see the module doc). `attendance_days`: the rows of
    attendance_by_cohort_day for (at least) these cohorts, when the caller has them already;
    `failed`: failed_message_counts(), likewise."""
    ids = list(dict.fromkeys(cohort_ids))
    if not ids:
        return {}
    if attendance_days is None:
        attendance_days = attendance_by_cohort_day(ids, today)
    rows = db.session.execute(
        sa.select(Cohort.id, Cohort.name, Cohort.start_date, Cohort.end_date).where(Cohort.id.in_(ids))
    ).all()
    numbers = _Numbers(
        phases=_phases(ids),
        trainees=_trainee_counts(ids),
        attendance=_attendance_by_cohort(ids, today, attendance_days),
        placements=_placement_counts(ids),
        missing=missing_placement_counts(ids),
        evaluations=Counter(m.cohort_id for m in missing_evaluations(ids, today=today)),
        failed=failed_message_counts() if failed is None else failed,
    )
    by_id = {row.id: row for row in rows}
    return {cid: _stats_of(by_id[cid], numbers, today) for cid in ids if cid in by_id}
