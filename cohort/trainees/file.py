"""Everything about one trainee, for the trainee file, in a fixed number of queries.

The file never loads per row: a trainee with 40 sessions, notes and placement events costs the
same number of queries as one with 2 (tested). Load the trainee itself with `FILE_OPTIONS`, so
their cohort and outcome municipality come with it.
"""

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased, joinedload, selectinload

from accounts.models import User
from cohort.follow_ups.models import WorkOutcome
from cohort.models import Cohort, Trainee, TraineeNote, TraineeStatusChange
from cohort.trainees.attendance import AttendanceLine, AttendanceSummary, is_held, summarise
from extensions import db
from placements.evaluations.services import evaluations_for_trainee
from placements.models import Evaluation, Municipality, Placement
from sessions.models import AbsenceNotice, Attendance, TrainingSession

FILE_OPTIONS = (joinedload(Trainee.cohort), joinedload(Trainee.outcome_municipality))


@dataclass(frozen=True)
class StatusStep:
    status: str
    effective_on: date
    reason: str
    changed_by: str | None  # the user's name; None for the system or a removed account
    changed_at: datetime
    moved_from: str | None = None  # for a move to another group: the groups' names
    moved_to: str | None = None


@dataclass(frozen=True)
class SessionAttendance:
    """A session up to today and what was recorded for the trainee.

    `is_held`: the session took place for this trainee (not cancelled, not after their withdrawal).
    Whether it enters the rate also depends on the attendance (see core/rates.py)."""

    session: TrainingSession
    attendance: Attendance | None
    is_held: bool


@dataclass(frozen=True)
class TraineeFile:
    trainee: Trainee
    status_history: list[StatusStep]
    sessions: list[SessionAttendance]
    attendance: AttendanceSummary
    absences: list[AbsenceNotice]
    placements: list[Placement]  # oldest first, each with its events
    evaluations: list[Evaluation]
    notes: list[TraineeNote]  # newest first
    work_outcomes: list[WorkOutcome]  # after the programme, newest first


_FROM_COHORT, _TO_COHORT = aliased(Cohort), aliased(Cohort)


def status_history(trainee_id: int) -> list[StatusStep]:
    query = (
        sa.select(TraineeStatusChange, User.name, _FROM_COHORT.name, _TO_COHORT.name)
        .outerjoin(User, User.id == TraineeStatusChange.changed_by_id)
        .outerjoin(_FROM_COHORT, _FROM_COHORT.id == TraineeStatusChange.from_cohort_id)
        .outerjoin(_TO_COHORT, _TO_COHORT.id == TraineeStatusChange.to_cohort_id)
        .where(TraineeStatusChange.trainee_id == trainee_id)
        # In the order they were recorded: a back-dated withdrawal still comes after the enrolment.
        .order_by(TraineeStatusChange.changed_at, TraineeStatusChange.id)
    )
    return [
        StatusStep(step.status, step.effective_on, step.reason, name, step.changed_at, moved_from, moved_to)
        for step, name, moved_from, moved_to in db.session.execute(query)
    ]


def sessions_until(trainee: Trainee, today: date) -> list[tuple[TrainingSession, Attendance | None]]:
    """The cohort's sessions up to today, plus earlier cohorts' sessions the trainee attended
    (a moved trainee's attendance stays with the old cohort's sessions)."""
    mine = sa.and_(Attendance.session_id == TrainingSession.id, Attendance.trainee_id == trainee.id)
    query = (
        sa.select(TrainingSession, Attendance)
        .outerjoin(Attendance, mine)
        .where(
            sa.or_(TrainingSession.cohort_id == trainee.cohort_id, Attendance.id.is_not(None)),
            TrainingSession.date <= today,
        )
        .order_by(TrainingSession.date, TrainingSession.start_time, TrainingSession.id)
    )
    return [(sess, attendance) for sess, attendance in db.session.execute(query)]


def attendance_of(trainee: Trainee, today: date) -> tuple[list[SessionAttendance], AttendanceSummary]:
    rows = sessions_until(trainee, today)
    lines = [
        AttendanceLine(sess.date, sess.is_cancelled, attendance.status if attendance else None)
        for sess, attendance in rows
    ]
    listed = [
        SessionAttendance(sess, attendance, is_held(line, trainee.withdrawn_on))
        for (sess, attendance), line in zip(rows, lines, strict=True)
    ]
    return listed, summarise(lines, today, trainee.withdrawn_on)


def absences_of(trainee_id: int) -> list[AbsenceNotice]:
    query = (
        sa.select(AbsenceNotice)
        .join(TrainingSession, TrainingSession.id == AbsenceNotice.session_id)
        .where(AbsenceNotice.trainee_id == trainee_id)
        .order_by(TrainingSession.date.desc())
    )
    return list(db.session.scalars(query).unique())


def placements_of(trainee_id: int) -> list[Placement]:
    """With their events in one more query (selectin), whatever their number."""
    query = (
        sa.select(Placement)
        .where(Placement.trainee_id == trainee_id)
        .options(selectinload(Placement.events))
        .order_by(Placement.proposed_at, Placement.id)
    )
    return list(db.session.scalars(query).unique())


def notes_of(trainee_id: int) -> list[TraineeNote]:
    query = (
        sa.select(TraineeNote)
        .where(TraineeNote.trainee_id == trainee_id)
        .order_by(TraineeNote.noted_on.desc(), TraineeNote.created_at.desc(), TraineeNote.id.desc())
    )
    return list(db.session.scalars(query).unique())


def load_trainee_file(trainee: Trainee, today: date) -> TraineeFile:
    """The whole file of a trainee (already loaded through their scope, with FILE_OPTIONS)."""
    sessions, summary = attendance_of(trainee, today)
    return TraineeFile(
        trainee=trainee,
        status_history=status_history(trainee.id),
        sessions=sessions,
        attendance=summary,
        absences=absences_of(trainee.id),
        placements=placements_of(trainee.id),
        evaluations=evaluations_for_trainee(trainee.id),
        notes=notes_of(trainee.id),
        work_outcomes=work_outcomes_of(trainee.id),
    )


def work_outcomes_of(trainee_id: int) -> list[WorkOutcome]:
    """What is known of the trainee's work after the programme (its users and municipality joined)."""
    query = (
        sa.select(WorkOutcome)
        .where(WorkOutcome.trainee_id == trainee_id)
        .order_by(WorkOutcome.months.desc(), WorkOutcome.recorded_at.desc(), WorkOutcome.id.desc())
    )
    return list(db.session.scalars(query).unique())


def other_cohorts(trainee: Trainee) -> list[tuple[int, str]]:
    """The groups a trainee could move to, for the move form: one query."""
    query = (
        sa.select(Cohort.id, Cohort.name).where(Cohort.id != trainee.cohort_id).order_by(Cohort.start_date)
    )
    return [(row.id, row.name) for row in db.session.execute(query)]


def municipality_choices() -> list[tuple[int, str]]:
    """Every municipality by name, for the outcome form: one query."""
    query = sa.select(Municipality.id, Municipality.name).order_by(Municipality.name)
    return [(row.id, row.name) for row in db.session.execute(query)]
