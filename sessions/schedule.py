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


def schedule_for(trainee: Trainee, today: date | None = None) -> list[ScheduleItem]:
    """Every session of the trainee's cohort in date order, in three queries whatever its size.

    A withdrawn trainee keeps their history but has no sessions after their withdrawal.
    """
    # Plain rows, not ORM objects: a year of sessions loads in a fraction of the time.
    query = (
        sa.select(*_SESSION_COLUMNS, User.name.label("trainer_name"))
        .outerjoin(User, User.id == TrainingSession.trainer_id)
        .where(TrainingSession.cohort_id == trainee.cohort_id)
    )
    if trainee.is_withdrawn:
        query = query.where(TrainingSession.date <= (trainee.withdrawn_on or today or local_today()))
    sessions = db.session.execute(query.order_by(TrainingSession.date, TrainingSession.start_time)).all()
    attendance = dict(
        db.session.execute(
            sa.select(Attendance.session_id, Attendance.status).where(Attendance.trainee_id == trainee.id)
        ).all()
    )
    absences = dict(
        db.session.execute(
            sa.select(AbsenceNotice.session_id, AbsenceNotice.reason).where(
                AbsenceNotice.trainee_id == trainee.id
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
    return sorted(sessions_items + internship_items(trainee), key=lambda i: (i.date, i.start_time))


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
