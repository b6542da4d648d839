"""The data behind "needs attention today" (reports/attention.py has the rules), for a list of
cohorts in a fixed number of queries."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from accounts.models import Role, User
from cohort.models import IN_PROGRAMME, Cohort, CohortPhase, Trainee
from cohort.planning import PhaseKind
from core.clock import utcnow
from core.data_versions import cached
from core.holidays import dutch_holidays
from core.rates import recent_window_start
from extensions import db
from outbox.models import MessageStatus, OutboxMessage
from placements.models import (
    InternshipOffer,
    Municipality,
    Placement,
    PlacementStatus,
    Supervisor,
    acting_supervisor_id,
)
from reports import attention
from reports.attention import (
    Absence,
    AttentionData,
    AttentionItem,
    BouncedMail,
    CohortInfo,
    OpenProposal,
    RecentAttendance,
    SessionGap,
)
from reports.monitoring import PhaseSpan
from reports.stats_services import ATTENDANCE_TABLES, attendance_counts, missing_placement_counts
from sessions.models import AbsenceNotice, Attendance, SessionStatus, TrainingSession


def _cohorts(ids: list[int]) -> dict[int, CohortInfo]:
    rows = db.session.execute(
        sa.select(Cohort.id, Cohort.name, CohortPhase.start_date, CohortPhase.end_date)
        .outerjoin(
            CohortPhase, sa.and_(CohortPhase.cohort_id == Cohort.id, CohortPhase.kind == PhaseKind.INTERNSHIP)
        )
        .where(Cohort.id.in_(ids))
    ).all()
    return {row.id: CohortInfo(row.id, row.name, _internship(row.start_date, row.end_date)) for row in rows}


def _internship(start: date | None, end: date | None) -> PhaseSpan | None:
    return PhaseSpan(PhaseKind.INTERNSHIP, start, end) if start is not None else None


def _sessions_without_trainer(ids: list[int], today: date) -> tuple[SessionGap, ...]:
    rows = db.session.execute(
        sa.select(TrainingSession.cohort_id, TrainingSession.id, TrainingSession.date).where(
            TrainingSession.cohort_id.in_(ids),
            TrainingSession.trainer_id.is_(None),
            TrainingSession.status == SessionStatus.SCHEDULED,
            TrainingSession.date.between(today, today + timedelta(days=attention.TRAINER_HORIZON_DAYS)),
        )
    ).all()
    return tuple(SessionGap(*row) for row in rows)


def _open_proposals(ids: list[int], timezone: str) -> tuple[OpenProposal, ...]:
    has_contact = (
        sa.exists()
        .where(User.role == Role.MUNICIPALITY, User.is_active, User.municipality_id == Municipality.id)
        .label("has_contact")
    )
    rows = db.session.execute(
        sa.select(
            Placement.id,
            Placement.cohort_id,
            Trainee.name,
            Municipality.name,
            Placement.proposed_at,
            Municipality.id,
            has_contact,
        )
        .join(Trainee, Trainee.id == Placement.trainee_id)
        .join(InternshipOffer, InternshipOffer.id == Placement.offer_id)
        .join(Municipality, Municipality.id == InternshipOffer.municipality_id)
        .where(Placement.cohort_id.in_(ids), Placement.status == PlacementStatus.PROPOSED)
    ).all()
    zone = ZoneInfo(timezone)
    return tuple(
        OpenProposal(
            pid,
            cohort_id,
            trainee,
            municipality,
            proposed_at.astimezone(zone).date(),
            municipality_id,
            contact,
        )
        for pid, cohort_id, trainee, municipality, proposed_at, municipality_id, contact in rows
    )


def _recent_attendance(ids: list[int], today: date) -> tuple[RecentAttendance, ...]:
    """Kept under the attendance tables' data versions: the page's costliest read, and the same
    until a register or a trainee changes."""
    return cached(
        "recent_attendance", ATTENDANCE_TABLES, (tuple(ids), today), lambda: _read_recent(ids, today)
    )


def _read_recent(ids: list[int], today: date) -> tuple[RecentAttendance, ...]:
    # Only the last 4 weeks matter here: reading just those sessions' rows (not the whole
    # programme's) keeps this query cheap; a trainee without rows there has no rate anyway.
    # The window as a list of session ids lets the database start from those few sessions
    # (SQLite would otherwise read every attendance row of each trainee).
    recent_sessions = sa.select(TrainingSession.id).where(
        TrainingSession.date.between(recent_window_start(today), today)
    )
    rows = attendance_counts(
        (Trainee.id, Trainee.cohort_id, Trainee.name),
        today,
        Trainee.cohort_id.in_(ids),
        Trainee.status.in_(IN_PROGRAMME),
        Attendance.session_id.in_(recent_sessions),
    )
    return tuple(RecentAttendance(r.id, r.cohort_id, r.name, r.attended_4w, r.counted_4w) for r in rows)


def _absences(ids: list[int], today: date) -> tuple[Absence, ...]:
    rows = db.session.execute(
        sa.select(TrainingSession.id, TrainingSession.cohort_id, Trainee.name, TrainingSession.date)
        .select_from(AbsenceNotice)
        .join(TrainingSession, TrainingSession.id == AbsenceNotice.session_id)
        .join(Trainee, Trainee.id == AbsenceNotice.trainee_id)
        .where(
            TrainingSession.cohort_id.in_(ids),
            TrainingSession.status == SessionStatus.SCHEDULED,
            TrainingSession.date.between(today, today + timedelta(days=attention.ABSENCE_HORIZON_DAYS)),
        )
    ).all()
    return tuple(Absence(*row) for row in rows)


def _bounces(timezone: str) -> tuple[BouncedMail, ...]:
    """Bounced mail to municipality contacts (by their account) and to supervisors (by the
    placement the address came from): two queries, however many."""
    bounced = (OutboxMessage.status == MessageStatus.FAILED, OutboxMessage.bounced)
    fields = (OutboxMessage.recipient, OutboxMessage.last_error, OutboxMessage.claimed_at)
    contacts = db.session.execute(
        sa.select(User.id, User.name, Municipality.name, *fields)
        .join(User, User.id == OutboxMessage.recipient_user_id)
        .join(Municipality, Municipality.id == User.municipality_id)
        .where(*bounced, User.role == Role.MUNICIPALITY)
    ).all()
    supervisors = db.session.execute(
        sa.select(Placement.id, sa.func.coalesce(Supervisor.name, ""), Trainee.name, *fields)
        .join(Placement, Placement.id == OutboxMessage.placement_id)
        .join(InternshipOffer, InternshipOffer.id == Placement.offer_id)
        .outerjoin(Supervisor, Supervisor.id == acting_supervisor_id())
        .join(Trainee, Trainee.id == Placement.trainee_id)
        .where(*bounced, OutboxMessage.recipient_user_id.is_(None))
    ).all()
    zone = ZoneInfo(timezone)
    return tuple(
        BouncedMail(
            source,
            record_id,
            name,
            recipient,
            error or "",
            about,
            (failed_at or utcnow()).astimezone(zone).date(),
        )
        for source, rows in ((attention.CONTACT, contacts), (attention.SUPERVISOR, supervisors))
        for record_id, name, about, recipient, error, failed_at in rows
    )


def attention_data(cohort_ids, today: date, threshold: float, timezone: str) -> AttentionData:
    ids = list(cohort_ids)
    return AttentionData(
        today=today,
        threshold=threshold,
        cohorts=_cohorts(ids),
        unplaced=missing_placement_counts(ids),
        sessions_without_trainer=_sessions_without_trainer(ids, today),
        proposals=_open_proposals(ids, timezone),
        attendance=_recent_attendance(ids, today),
        absences=_absences(ids, today),
        bounces=_bounces(timezone),
        # Working days for unanswered proposals: the last few weeks are enough.
        holidays=frozenset(dutch_holidays({today.year - 1, today.year})),
    )


def needs_attention(cohort_ids, today: date, threshold: float, timezone: str) -> list[AttentionItem]:
    """The sorted "needs attention today" list for these cohorts (and mail that bounced)."""
    return attention.attention_items(attention_data(cohort_ids, today, threshold, timezone))
