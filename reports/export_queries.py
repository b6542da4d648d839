"""The SQL behind the exports: plain column rows, never ORM objects, so no row can lazy-load more.

Long lists (attendance: every trainee at every session) are streamed: fetched in batches of
BATCH_SIZE over a server-side cursor where the database has one (PostgreSQL), so memory does not
grow with the export. What is joined to every line (a trainee's attendance counts, placement and
scores) is fetched beforehand in one GROUP BY or one query per kind: its size follows the number of
trainees, not of lines. Either way the number of queries does not depend on the amount of data.
"""

from collections.abc import Iterator
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from accounts.models import User
from cohort.models import Cohort, CohortPhase, Trainee
from cohort.planning import PhaseKind
from core.audit import AuditAction, AuditEvent
from extensions import db
from placements.models import Evaluation, InternshipOffer, Municipality, Placement, Supervisor
from reports import outcome_queries
from reports.exports import AttendanceCounts, PlacementFacts, main_placement, tally
from reports.stats_services import after_withdrawal, counting_rules
from sessions.models import Attendance, AttendanceStatus, SessionStatus, TrainingSession

BATCH_SIZE = 500


def stream(statement: sa.Select) -> Iterator[sa.Row]:
    """The statement's rows, fetched BATCH_SIZE at a time."""
    result = db.session.execute(statement.execution_options(yield_per=BATCH_SIZE))
    try:
        yield from result
    finally:
        result.close()


def cohort_names() -> list[tuple[int, str]]:
    """Every group, newest first: the choices of the export forms."""
    query = sa.select(Cohort.id, Cohort.name).order_by(Cohort.start_date.desc(), Cohort.id.desc())
    return [(row.id, row.name) for row in db.session.execute(query)]


def _in_cohort(cohort_id: int | None) -> tuple:
    return () if cohort_id is None else (Trainee.cohort_id == cohort_id,)


def _in_period(start: date | None, end: date | None) -> tuple:
    """Sessions from `start` up to and including `end`; an open side (None) does not limit."""
    conditions = []
    if start is not None:
        conditions.append(TrainingSession.date >= start)
    if end is not None:
        conditions.append(TrainingSession.date <= end)
    return tuple(conditions)


def _trainee_order() -> tuple:
    return (Cohort.start_date, Cohort.id, Trainee.name, Trainee.id)


# --- attendance ------------------------------------------------------------------------------


def _excused_like_counted(today: date) -> sa.ColumnElement:
    """An excused absence never counts for the rate, so counting_rules() leaves it out; the exports
    still show how many there were, under the same rules as the rest: held, up to today, and not
    after the trainee withdrew. The withdrawal rule is stats_services' own; the two session
    conditions are restated because session_counting_rules() comes bound to the counted statuses."""
    return sa.and_(
        Attendance.status == AttendanceStatus.ABSENT_EXCUSED,
        TrainingSession.status != SessionStatus.CANCELLED,
        TrainingSession.date <= today,
        sa.not_(after_withdrawal()),
    )


def attendance_counts(
    cohort_id: int | None, today: date, start: date | None = None, end: date | None = None
) -> dict[int, AttendanceCounts]:
    """Per trainee of the group (or of all groups): how many sessions had each recorded status, by
    the rule the dashboard and the trainee file use (reports/stats_services.py: counting_rules), so
    the rate is the same everywhere. Like there, a trainee moved to another group keeps the
    sessions they attended in their earlier group: these count too, whatever group is exported."""
    query = (
        sa.select(Attendance.trainee_id, Attendance.status, sa.func.count())
        .join(TrainingSession, TrainingSession.id == Attendance.session_id)
        .join(Trainee, Trainee.id == Attendance.trainee_id)
        .where(
            sa.or_(sa.and_(*counting_rules(today)), _excused_like_counted(today)),
            *_in_cohort(cohort_id),
            *_in_period(start, end),
        )
        .group_by(Attendance.trainee_id, Attendance.status)
    )
    return tally(db.session.execute(query))


def attendance_statement(cohort_id: int | None, start: date | None, end: date | None) -> sa.Select:
    """Every trainee at every session of their group in the period (up to their withdrawal),
    with the recorded attendance if there is one.

    The lines are per group on purpose, as the export is chosen per group: the sessions of the
    trainee's current group. A trainee moved from another group has no lines for the sessions
    they attended there (their trainee file lists those). The rate and the number of sessions that
    count on each line (attendance_counts) do include them, so that the rate is the one the
    dashboard and the trainee file show, even where it differs from the lines alone."""
    return (
        sa.select(
            Trainee.id.label("trainee_id"),
            Trainee.name.label("trainee_name"),
            Cohort.name.label("cohort_name"),
            TrainingSession.date,
            TrainingSession.kind,
            TrainingSession.title,
            TrainingSession.status.label("session_status"),
            Attendance.status.label("attendance_status"),
        )
        .select_from(Trainee)
        .join(Cohort, Cohort.id == Trainee.cohort_id)
        .join(TrainingSession, TrainingSession.cohort_id == Trainee.cohort_id)
        .outerjoin(
            Attendance,
            sa.and_(Attendance.session_id == TrainingSession.id, Attendance.trainee_id == Trainee.id),
        )
        .where(sa.not_(after_withdrawal()), *_in_cohort(cohort_id), *_in_period(start, end))
        .order_by(*_trainee_order(), TrainingSession.date, TrainingSession.start_time, TrainingSession.id)
    )


# --- placements ------------------------------------------------------------------------------


def placement_statement(cohort_id: int | None) -> sa.Select:
    internship = aliased(CohortPhase)
    own_supervisor, offer_supervisor = aliased(Supervisor), aliased(Supervisor)
    return (
        sa.select(
            Placement.trainee_id,
            Trainee.name.label("trainee_name"),
            Cohort.name.label("cohort_name"),
            Municipality.name.label("municipality_name"),
            InternshipOffer.department.label("offer_department"),
            InternshipOffer.address.label("offer_address"),
            sa.func.coalesce(offer_supervisor.name, "").label("offer_supervisor_name"),
            sa.func.coalesce(own_supervisor.name, "").label("supervisor_name"),
            Placement.status,
            Placement.proposed_at,
            Placement.answered_at,
            internship.start_date.label("internship_start"),
            internship.end_date.label("internship_end"),
        )
        .select_from(Placement)
        .join(Trainee, Trainee.id == Placement.trainee_id)
        .join(Cohort, Cohort.id == Placement.cohort_id)
        .join(InternshipOffer, InternshipOffer.id == Placement.offer_id)
        .join(Municipality, Municipality.id == InternshipOffer.municipality_id)
        .outerjoin(own_supervisor, own_supervisor.id == Placement.supervisor_id)
        .outerjoin(offer_supervisor, offer_supervisor.id == InternshipOffer.supervisor_id)
        .outerjoin(
            internship,
            sa.and_(internship.cohort_id == Placement.cohort_id, internship.kind == PhaseKind.INTERNSHIP),
        )
        .where(*(() if cohort_id is None else (Placement.cohort_id == cohort_id,)))
        .order_by(*_trainee_order(), Placement.proposed_at, Placement.id)
    )


# --- trainees --------------------------------------------------------------------------------


def trainee_statement(cohort_id: int | None) -> sa.Select:
    home = aliased(Municipality)
    outcome = aliased(Municipality)
    return (
        sa.select(
            Trainee.id.label("trainee_id"),
            Trainee.name,
            Trainee.email,
            Trainee.phone,
            Cohort.name.label("cohort_name"),
            home.name.label("home_municipality"),
            Trainee.status,
            Trainee.withdrawn_on,
            Trainee.outcome,
            Trainee.outcome_date,
            outcome.name.label("outcome_municipality"),
            Trainee.outcome_note,
        )
        .select_from(Trainee)
        .join(Cohort, Cohort.id == Trainee.cohort_id)
        .outerjoin(home, home.id == Trainee.home_municipality_id)
        .outerjoin(outcome, outcome.id == Trainee.outcome_municipality_id)
        .where(*_in_cohort(cohort_id))
        .order_by(*_trainee_order())
    )


# --- research --------------------------------------------------------------------------------


def research_statement(cohort_id: int | None) -> sa.Select:
    """The trainees for the anonymised export: no name or contact column is even selected, and the
    order says nothing about names."""
    home = aliased(Municipality)
    return (
        sa.select(
            Trainee.id.label("trainee_id"),
            Trainee.cohort_id,
            Cohort.name.label("cohort_name"),
            home.name.label("home_municipality"),
            home.province.label("home_province"),
            Trainee.status,
            Trainee.withdrawn_on,
            Trainee.outcome,
            Trainee.outcome_date,
        )
        .select_from(Trainee)
        .join(Cohort, Cohort.id == Trainee.cohort_id)
        .outerjoin(home, home.id == Trainee.home_municipality_id)
        .where(*_in_cohort(cohort_id))
        .order_by(Cohort.start_date, Cohort.id, Trainee.id)
    )


def work_after_programme(
    cohort_id: int | None,
) -> tuple[dict[int, dict[int, tuple[str, str]]], dict[int, int]]:
    """Per trainee and follow-up moment the latest (work, evidence), as the outcomes pages count
    it, and each of those trainees' cohort; the employer and free text are left out."""
    known = outcome_queries.latest_known(sa.and_(sa.true(), *_in_cohort(cohort_id)))
    work = {
        trainee_id: {m: (k.work, k.evidence) for m, k in moments.items()}
        for trainee_id, moments in known.items()
    }
    of_cohort = sa.select(Trainee.id, Trainee.cohort_id).where(Trainee.id.in_(list(work)))
    cohorts = dict(db.session.execute(of_cohort).all())
    return work, cohorts


def main_placements(cohort_id: int | None) -> dict[int, PlacementFacts]:
    """Per trainee, the placement that counts (reports/exports.py: main_placement)."""
    query = (
        sa.select(Placement.id, Placement.trainee_id, Placement.status, Municipality.name)
        .join(Trainee, Trainee.id == Placement.trainee_id)
        .join(InternshipOffer, InternshipOffer.id == Placement.offer_id)
        .join(Municipality, Municipality.id == InternshipOffer.municipality_id)
        .where(*_in_cohort(cohort_id))
        .order_by(Placement.proposed_at, Placement.id)
    )
    placements: dict[int, list[PlacementFacts]] = {}
    for placement_id, trainee_id, status, municipality in db.session.execute(query):
        placements.setdefault(trainee_id, []).append(PlacementFacts(placement_id, status, municipality))
    return {trainee_id: main_placement(facts) for trainee_id, facts in placements.items()}


def evaluation_scores(cohort_id: int | None) -> dict[int, dict[str, dict]]:
    """Placement id -> evaluation kind -> scores; the comments are not even read."""
    query = (
        sa.select(Evaluation.placement_id, Evaluation.kind, Evaluation.scores)
        .join(Placement, Placement.id == Evaluation.placement_id)
        .join(Trainee, Trainee.id == Placement.trainee_id)
        .where(*_in_cohort(cohort_id))
    )
    scores: dict[int, dict[str, dict]] = {}
    for placement_id, kind, values in db.session.execute(query):
        scores.setdefault(placement_id, {})[kind] = values or {}
    return scores


# --- the audit log ---------------------------------------------------------------------------


def record_export(actor: User, exported: sa.Select, subject: str) -> None:
    """One audit event per trainee whose personal data leaves the app in an export, written with
    one INSERT ... SELECT however many trainees there are. `exported` is the very statement the
    export streams (it has a trainee_id column): whoever is in the file is in the log, whatever
    rule chose the lines (a placement export picks them by the placement's group, not the
    trainee's). `subject` is a fixed word."""
    lines = exported.order_by(None).subquery()
    trainee_ids = sa.select(lines.c.trainee_id).distinct().subquery()
    chosen = sa.select(
        sa.literal(actor.id).label("actor_id"),
        trainee_ids.c.trainee_id,
        sa.literal(AuditAction.EXPORT.value).label("action"),
        sa.literal(subject).label("subject"),
    )
    db.session.execute(
        sa.insert(AuditEvent).from_select(
            ["actor_id", "trainee_id", "action", "subject"], chosen, include_defaults=True
        )
    )
