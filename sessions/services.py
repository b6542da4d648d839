"""Session rules: hand edits, cancelling, extra sessions, conflicts, attendance, absence notices."""

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import NamedTuple

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.orm import aliased, lazyload

from accounts.models import Role, User
from cohort.models import Cohort, Trainee, TraineeStatus
from core.clock import local_today
from core.data_versions import cached
from core.errors import ConflictError, ValidationError
from core.field_rules import not_one_line
from core.parsing import parse_id
from core.text_rules import is_single_line
from extensions import db
from sessions.models import (
    AbsenceNotice,
    Attendance,
    AttendanceStatus,
    SessionKind,
    SessionStatus,
    TrainingSession,
)
from sessions.notices import queue_change_notices, snapshot

# Changes a calendar or a trainee must hear about (the rest is bookkeeping).
NOTIFIABLE_FIELDS = {"date", "start_time", "end_time", "location", "status"}
EDITABLE_FIELDS = (
    "date",
    "start_time",
    "end_time",
    "title",
    "location",
    "trainer_id",
    "notes",
    "description",
    "status",
)
# Free texts, with their longest length; only these two may have more than one line.
TEXT_LIMITS = {"title": 160, "location": 200, "notes": 5000, "description": 2000}
MULTI_LINE = {"notes", "description"}


def parse_date(value, field_name: str = "date") -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as error:
        raise ValidationError(
            _("Please check the fields marked below."), {field_name: _("Use a real date, as YYYY-MM-DD.")}
        ) from error


def parse_time(value, field_name: str) -> time:
    if isinstance(value, time):
        return value
    try:
        parsed = time.fromisoformat(str(value))
    except ValueError as error:
        raise ValidationError(
            _("Please check the fields marked below."), {field_name: _("Use a time as HH:MM.")}
        ) from error
    return parsed.replace(second=0, microsecond=0)


def _clean_changes(changes: dict) -> dict:
    """Parse and check the editable fields given; unknown fields are a 400, not silently ignored."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("Please check the fields marked below."),
            {name: _("This field cannot be changed.") for name in sorted(unknown)},
        )
    clean = dict(changes)
    if "date" in clean:
        clean["date"] = parse_date(clean["date"])
    for name in ("start_time", "end_time"):
        if name in clean:
            clean[name] = parse_time(clean[name], name)
    for name, limit in TEXT_LIMITS.items():
        if name in clean:
            clean[name] = str(clean[name] or "").strip()
            if len(clean[name]) > limit:
                raise ValidationError(
                    _("Please check the fields marked below."),
                    {name: _("Use at most %(n)d characters.", n=limit)},
                )
            if name not in MULTI_LINE and not is_single_line(clean[name]):  # a title reaches mail subjects
                raise ValidationError(_("Please check the fields marked below."), {name: not_one_line()})
    if "status" in clean and clean["status"] not in set(SessionStatus):
        raise ValidationError(
            _("Please check the fields marked below."), {"status": _("Choose scheduled or cancelled.")}
        )
    if clean.get("trainer_id") is not None:
        trainer = active_trainer(clean["trainer_id"])
        if trainer is None:
            raise ValidationError(
                _("Please check the fields marked below."), {"trainer_id": _("Unknown trainer.")}
            )
        clean["trainer_id"] = trainer.id  # the number, not the text it came as (" 7 ")
    return clean


def active_trainer(user_id) -> User | None:
    """The active trainer (or manager) with this id, from any value a form or the API sends."""
    # parse_id bounds the digits: a longer number is no id, and would overflow the query (a 500).
    user_pk = parse_id(user_id)
    user = db.session.get(User, user_pk) if user_pk is not None else None
    return user if user is not None and user.role in (Role.TRAINER, Role.MANAGER) and user.is_active else None


def _check_times(start: time, end: time) -> None:
    if end <= start:
        raise ValidationError(
            _("Please check the fields marked below."), {"end_time": _("The end must be after the start.")}
        )


def update_session(training_session: TrainingSession, changes: dict) -> set[str]:
    """Apply a hand edit; returns the names of the fields that really changed."""
    clean = _clean_changes(changes)
    _check_times(
        clean.get("start_time", training_session.start_time), clean.get("end_time", training_session.end_time)
    )
    changed = {name for name, value in clean.items() if getattr(training_session, name) != value}
    before = snapshot(training_session)
    for name in changed:
        setattr(training_session, name, clean[name])
    if changed:
        training_session.is_edited = True
    if changed & NOTIFIABLE_FIELDS:
        training_session.sequence += 1
        _tell_people(training_session, before)
    return changed


def _tell_people(training_session: TrainingSession, before: dict) -> None:
    """A change to a coming session reaches the trainees (and supervisors) in this transaction."""
    today = local_today()
    if max(training_session.date, date.fromisoformat(before["date"])) >= today:
        db.session.flush()
        queue_change_notices(training_session, before)


def cancel_session(training_session: TrainingSession) -> set[str]:
    return update_session(training_session, {"status": SessionStatus.CANCELLED})


def add_extra_session(cohort: Cohort, values: dict) -> TrainingSession:
    """An extra session added by hand; re-planning never touches it."""
    clean = _clean_changes({k: v for k, v in values.items() if k != "status"})
    for name in ("date", "start_time", "end_time"):
        if name not in clean:
            raise ValidationError(_("Please check the fields marked below."), {name: _("Required.")})
    _check_times(clean["start_time"], clean["end_time"])
    extra = TrainingSession(cohort=cohort, kind=SessionKind.EXTRA, is_edited=True, **clean)
    db.session.add(extra)
    db.session.flush()
    return extra


# --- Conflicts ------------------------------------------------------------------------


@dataclass(frozen=True)
class Conflict:
    session_id: int
    message: str


class SessionRef(NamedTuple):
    """What a list of clashes or moves shows of a session: plain values, so it can be kept."""

    id: int
    date: date
    title: str
    kind: str
    moved_from: date | None
    move_reason: str | None


@dataclass(frozen=True)
class YearCheck:
    """A cohort's whole year checked: every clash (by session id) and every moved session."""

    clashes: tuple[tuple[SessionRef, str], ...]
    moved: tuple[SessionRef, ...]

    def messages(self) -> dict[int, str]:
        return {ref.id: message for ref, message in self.clashes}


# What a year check reads, for the value kept under its data versions (core/data_versions.py).
YEAR_CHECK_TABLES = ("training_sessions", "cohorts", "cohort_phases")


def year_check(cohort: Cohort) -> YearCheck:
    """The clashes and moves of the cohort's year. A page that shows one week still warns about
    the whole year, so the year is read and checked once per change, not once per page."""
    key = (cohort.id, str(get_locale()))  # the messages are in the page's language
    return cached("year_check", YEAR_CHECK_TABLES, key, lambda: _check_year(cohort))


def _check_year(cohort: Cohort) -> YearCheck:
    sessions = db.session.scalars(
        sa.select(TrainingSession)
        .options(lazyload(TrainingSession.trainer))  # who teaches is not needed: only whether
        .where(TrainingSession.cohort_id == cohort.id)
        .order_by(TrainingSession.date, TrainingSession.start_time)
    ).all()
    refs = {s.id: SessionRef(s.id, s.date, s.title, s.kind, s.moved_from, s.move_reason) for s in sessions}
    return YearCheck(
        clashes=tuple((refs[c.session_id], c.message) for c in find_conflicts(cohort, sessions)),
        moved=tuple(refs[s.id] for s in sessions if s.moved_from),
    )


def find_conflicts(cohort: Cohort, sessions: list[TrainingSession]) -> list[Conflict]:
    """Double bookings of a trainer, two sessions on one day, sessions outside their phase."""
    active = [s for s in sessions if not s.is_cancelled]
    conflicts = _same_day(active) + _outside_phase(cohort, active) + _trainer_double_booked(cohort, active)
    return sorted(conflicts, key=lambda c: c.session_id)


def _same_day(active: list[TrainingSession]) -> list[Conflict]:
    seen: dict[date, TrainingSession] = {}
    found = []
    for sess in sorted(active, key=lambda s: (s.date, s.start_time)):
        if sess.date in seen:
            found.append(Conflict(sess.id, _("Two sessions of this group on one day.")))
        seen.setdefault(sess.date, sess)
    return found


def _outside_phase(cohort: Cohort, active: list[TrainingSession]) -> list[Conflict]:
    found = []
    for sess in active:
        phase = cohort.phase_on(sess.date)
        if phase is None:
            found.append(Conflict(sess.id, _("Outside the programme's dates.")))
        elif sess.kind == SessionKind.TRAINING and phase.kind != "training":
            found.append(Conflict(sess.id, _("A training day outside the training phase.")))
    return found


# Made once: building an alias per request costs more than the query it serves.
_OTHER_SESSION = aliased(TrainingSession)


def _trainer_double_booked(cohort: Cohort, active: list[TrainingSession]) -> list[Conflict]:
    """Sessions whose trainer teaches another scheduled session at an overlapping time.

    The database pairs them (a self-join on trainer and day, over the (trainer_id, date) index):
    loading every session of the trainer and comparing in Python grew with the number of cohorts.
    The cohort, not a list of ids, selects the sessions: a long IN list costs more to compile.
    """
    with_trainer = [s.id for s in active if s.trainer_id is not None]
    if not with_trainer:
        return []
    other = _OTHER_SESSION
    double_booked = set(
        db.session.scalars(
            sa.select(TrainingSession.id)
            .join(
                other,
                sa.and_(
                    other.trainer_id == TrainingSession.trainer_id,
                    other.date == TrainingSession.date,
                    other.id != TrainingSession.id,
                    other.status == SessionStatus.SCHEDULED,
                    other.start_time < TrainingSession.end_time,
                    TrainingSession.start_time < other.end_time,
                ),
            )
            .where(TrainingSession.cohort_id == cohort.id)
        )
    )
    message = _("The trainer has another session at this time.")
    return [Conflict(session_id, message) for session_id in with_trainer if session_id in double_booked]


# --- Attendance and absence ---------------------------------------------------------


@dataclass(frozen=True)
class AttendanceLine:
    """One trainee on a session's attendance sheet, with what was recorded for them (if anything)
    and the reason they gave if they reported their absence in advance."""

    trainee: Trainee
    attendance: Attendance | None
    absence_reason: str | None = None

    @property
    def proposed_status(self) -> str | None:
        """What the sheet starts with: the recorded status, or "absent with notice" for who told us."""
        if self.attendance is not None:
            return self.attendance.status
        return AttendanceStatus.ABSENT_EXCUSED if self.absence_reason is not None else None


def attendance_sheet(training_session: TrainingSession) -> list[AttendanceLine]:
    """The trainees a session's attendance is registered for (the cohort's, not withdrawn), by
    name, with what is recorded and who reported their absence: the attendance page and
    GET /sessions/{id}/attendance. Three queries, whatever the size of the group."""
    trainees = db.session.scalars(
        sa.select(Trainee)
        .where(Trainee.cohort_id == training_session.cohort_id, Trainee.status != TraineeStatus.WITHDRAWN)
        .order_by(Trainee.name)
    ).all()
    recorded = {
        a.trainee_id: a
        for a in db.session.scalars(sa.select(Attendance).where(Attendance.session_id == training_session.id))
    }
    reasons = dict(
        db.session.execute(
            sa.select(AbsenceNotice.trainee_id, AbsenceNotice.reason).where(
                AbsenceNotice.session_id == training_session.id
            )
        ).all()
    )
    return [AttendanceLine(t, recorded.get(t.id), reasons.get(t.id)) for t in trainees]


def sessions_with_attendance(session_ids: list[int]) -> set[int]:
    """Which of these sessions have any attendance registered: one query."""
    if not session_ids:
        return set()
    return set(
        db.session.scalars(
            sa.select(Attendance.session_id).where(Attendance.session_id.in_(session_ids)).distinct()
        )
    )


def record_attendance(training_session: TrainingSession, entries: list[dict], recorder: User) -> None:
    """Register attendance for trainees of the session's cohort, all or nothing."""
    if training_session.is_cancelled:
        raise ConflictError(_("This session does not go ahead. There is no attendance to register."))
    trainee_ids = set(
        db.session.scalars(sa.select(Trainee.id).where(Trainee.cohort_id == training_session.cohort_id))
    )
    existing = {
        a.trainee_id: a
        for a in db.session.scalars(sa.select(Attendance).where(Attendance.session_id == training_session.id))
    }
    problems, seen = {}, set()
    for index, entry in enumerate(entries):
        trainee_id, status = entry.get("trainee_id"), entry.get("status")
        if trainee_id not in trainee_ids:
            problems[f"{index}.trainee_id"] = _("Not a trainee of this group.")
        elif trainee_id in seen:  # two rows for one trainee would be two inserts of one key
            problems[f"{index}.trainee_id"] = _("This trainee is in the list twice.")
        seen.add(trainee_id)
        if status not in set(AttendanceStatus):
            problems[f"{index}.status"] = _("Choose present, late, absent with notice or absent.")
    if problems:
        raise ValidationError(_("Please check the fields marked below."), problems)
    for entry in entries:
        row = existing.get(entry["trainee_id"]) or Attendance(
            session_id=training_session.id, trainee_id=entry["trainee_id"]
        )
        row.status, row.note = entry["status"], str(entry.get("note") or "")[:300]
        row.recorded_by_id = recorder.id
        db.session.add(row)
    db.session.flush()


def report_absence(
    trainee: Trainee, training_session: TrainingSession, reason: str, today: date | None = None
) -> AbsenceNotice:
    """A trainee tells in advance they will miss a session; a second notice updates the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Please check the fields marked below."), {"reason": _("Required.")})
    if training_session.cohort_id != trainee.cohort_id or trainee.status == TraineeStatus.WITHDRAWN:
        raise ValidationError(_("This session is not yours."), {"session_id": _("Not your session.")})
    if training_session.is_cancelled or training_session.date < (today or local_today()):
        raise ValidationError(
            _("You can only report an absence for a coming session."),
            {"session_id": _("Not a coming session.")},
        )
    notice = db.session.scalar(
        sa.select(AbsenceNotice).filter_by(session_id=training_session.id, trainee_id=trainee.id)
    )
    notice = notice or AbsenceNotice(session_id=training_session.id, trainee_id=trainee.id)
    notice.reason = reason[:300]
    db.session.add(notice)
    db.session.flush()
    return notice


def take_back_absence(trainee: Trainee, training_session: TrainingSession, now: datetime) -> None:
    """The trainee can come after all: their notice goes, until the session starts (`now` local)."""
    if datetime.combine(training_session.date, training_session.start_time) <= now:
        raise ConflictError(_("This session has started. You can no longer change your notice."))
    db.session.execute(
        sa.delete(AbsenceNotice).where(
            AbsenceNotice.session_id == training_session.id, AbsenceNotice.trainee_id == trainee.id
        )
    )
