"""A trainee's schedule: what, when and where, for "Mijn rooster" and the API alike."""

from dataclasses import dataclass
from datetime import date, time

import sqlalchemy as sa

from accounts.models import User
from cohort.models import Trainee
from core.clock import local_today
from extensions import db
from placements.models import PLACE_TAKING_STATUSES, Placement
from placements.schedule import intern_days
from sessions.models import AbsenceNotice, Attendance, SessionStatus, TrainingSession

# Internship days carry the usual office hours; the workplace sets the real ones.
INTERNSHIP_START, INTERNSHIP_END = time(9, 0), time(17, 0)


@dataclass(frozen=True)
class ScheduleItem:
    date: date
    kind: str
    start_time: time
    end_time: time
    title: str
    location: str
    status: str
    session_id: int | None = None
    trainer: str | None = None
    description: str = ""  # for trainees: what to bring (never the internal notes)
    attendance: str | None = None
    absence_reason: str | None = None

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED

    def as_json(self) -> dict:
        data = {
            "date": self.date.isoformat(),
            "kind": self.kind,
            "start_time": self.start_time.strftime("%H:%M"),
            "end_time": self.end_time.strftime("%H:%M"),
            "title": self.title,
            "location": self.location,
            "description": self.description,
            "status": self.status,
        }
        if self.kind == "internship":
            data.update(municipality=self.title, supervisor=self.trainer)
        return data


_SESSION_COLUMNS = (
    TrainingSession.id,
    TrainingSession.date,
    TrainingSession.kind,
    TrainingSession.start_time,
    TrainingSession.end_time,
    TrainingSession.title,
    TrainingSession.location,
    TrainingSession.description,
    TrainingSession.status,
)


def schedule_for(
    trainee: Trainee, today: date | None = None, first: date | None = None, last: date | None = None
) -> list[ScheduleItem]:
    """The trainee's sessions and internship days from `first` to `last` (either open) in date
    order, in four queries whatever the size of the cohort or the range: a page of four weeks
    reads four weeks.

    A withdrawn trainee keeps their history but has no sessions after their withdrawal.
    """
    if trainee.is_withdrawn:
        withdrawn = trainee.withdrawn_on or today or local_today()
        last = min(last, withdrawn) if last else withdrawn
    in_range = [TrainingSession.cohort_id == trainee.cohort_id]
    if first is not None:
        in_range.append(TrainingSession.date >= first)
    if last is not None:
        in_range.append(TrainingSession.date <= last)
    # Plain rows, not ORM objects: a year of sessions loads in a fraction of the time.
    sessions = db.session.execute(
        sa.select(*_SESSION_COLUMNS, User.name.label("trainer_name"))
        .outerjoin(User, User.id == TrainingSession.trainer_id)
        .where(*in_range)
        .order_by(TrainingSession.date, TrainingSession.start_time)
    ).all()
    shown = sa.select(TrainingSession.id).where(*in_range)
    attendance = dict(
        db.session.execute(
            sa.select(Attendance.session_id, Attendance.status).where(
                Attendance.trainee_id == trainee.id, Attendance.session_id.in_(shown)
            )
        ).all()
    )
    absences = dict(
        db.session.execute(
            sa.select(AbsenceNotice.session_id, AbsenceNotice.reason).where(
                AbsenceNotice.trainee_id == trainee.id, AbsenceNotice.session_id.in_(shown)
            )
        ).all()
    )
    location = trainee.cohort.location
    sessions_items = [
        ScheduleItem(
            date=s.date,
            kind=s.kind,
            start_time=s.start_time,
            end_time=s.end_time,
            title=s.title,
            location=s.location or location,
            status=s.status,
            session_id=s.id,
            trainer=s.trainer_name,
            description=s.description,
            attendance=attendance.get(s.id),
            absence_reason=absences.get(s.id),
        )
        for s in sessions
    ]
    internship = [
        i
        for i in internship_items(trainee)
        if (first is None or i.date >= first) and (last is None or i.date <= last)
    ]
    return sorted(sessions_items + internship, key=lambda i: (i.date, i.start_time))


def has_sessions_before(trainee: Trainee, day: date) -> bool:
    """Whether the trainee's cohort had sessions before `day`: "Mijn rooster" links its earlier weeks."""
    return db.session.scalar(
        sa.select(
            sa.exists().where(TrainingSession.cohort_id == trainee.cohort_id, TrainingSession.date < day)
        )
    )


def internship_items(trainee: Trainee) -> list[ScheduleItem]:
    """The confirmed internship's days at the workplace, with municipality and supervisor."""
    placement = db.session.scalar(
        sa.select(Placement).where(
            Placement.trainee_id == trainee.id,
            Placement.cohort_id == trainee.cohort_id,
            Placement.status.in_(PLACE_TAKING_STATUSES),
        )
    )
    if placement is None:
        return []
    days = intern_days([placement])[placement.id].internship_days
    if trainee.is_withdrawn and trainee.withdrawn_on:
        days = [d for d in days if d <= trainee.withdrawn_on]
    title = placement.offer.municipality.name
    return [
        ScheduleItem(
            date=day,
            kind="internship",
            start_time=INTERNSHIP_START,
            end_time=INTERNSHIP_END,
            title=title,
            location=placement.workplace_address,
            status=SessionStatus.SCHEDULED,
            trainer=placement.supervisor_name or None,
        )
        for day in days
    ]
