"""One trainer for many sessions of a cohort at once, chosen by kind, weekday and period.

First a preview (`candidates`): which sessions, whom each had, and where the trainer already
teaches at that time (in any group). Then `assign` gives the trainer every chosen session that
does not clash; a clash is left as it is, and the preview said so.
"""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from accounts.models import User
from cohort import planning
from cohort.models import Cohort
from core.errors import ValidationError
from extensions import db
from sessions.models import SessionKind, SessionStatus, TrainingSession
from sessions.services import active_trainer, parse_date


@dataclass(frozen=True)
class Selection:
    trainer: User
    kinds: frozenset[str]
    weekdays: frozenset[int]  # 0 = Monday
    first: date
    last: date


@dataclass(frozen=True)
class Candidate:
    session: TrainingSession
    clash: TrainingSession | None  # the trainer's other session at that time, in any group

    @property
    def current_trainer(self) -> str | None:
        return self.session.trainer.name if self.session.trainer else None


def selection_from(values: dict) -> Selection:
    """The choice from plain values (trainer_id, kinds, weekdays as "mon".., first, last), or a
    ValidationError that names each field that is wrong."""
    problems = {}
    trainer = active_trainer(values.get("trainer_id"))
    if trainer is None:
        problems["trainer_id"] = _("Choose an active trainer.")
    kinds = frozenset(values.get("kinds") or ())
    if not kinds or not kinds <= set(SessionKind):
        problems["kinds"] = _("Choose at least one kind of session.")
    try:
        weekdays = frozenset(planning.parse_weekdays(values.get("weekdays") or ()))
    except ValueError:
        weekdays = frozenset()
    if not weekdays:
        problems["weekdays"] = _("Choose at least one weekday.")
    dates = {}
    for name in ("first", "last"):
        try:
            dates[name] = parse_date(values.get(name), name)
        except ValidationError as error:
            problems.update(error.fields)
    if len(dates) == 2 and dates["last"] < dates["first"]:
        problems["last"] = _("The last day must not be before the first day.")
    if problems:
        raise ValidationError(_("Please check the fields marked below."), problems)
    return Selection(trainer, kinds, weekdays, dates["first"], dates["last"])


def candidates(cohort: Cohort, selection: Selection) -> list[Candidate]:
    """The cohort's planned sessions the selection covers, each with the trainer's clash if any:
    two queries, however many sessions."""
    chosen = [
        s
        for s in db.session.scalars(
            sa.select(TrainingSession)
            .where(
                TrainingSession.cohort_id == cohort.id,
                TrainingSession.status == SessionStatus.SCHEDULED,
                TrainingSession.kind.in_(sorted(selection.kinds)),
                TrainingSession.date.between(selection.first, selection.last),
            )
            .order_by(TrainingSession.date, TrainingSession.start_time)
        )
        if s.date.weekday() in selection.weekdays
    ]
    elsewhere = db.session.scalars(
        sa.select(TrainingSession).where(
            TrainingSession.trainer_id == selection.trainer.id,
            TrainingSession.status == SessionStatus.SCHEDULED,
            TrainingSession.date.in_(sorted({s.date for s in chosen})),
            TrainingSession.id.not_in([s.id for s in chosen]),
        )
    ).all()
    return [Candidate(s, _clash_of(s, elsewhere)) for s in chosen]


def _clash_of(sess: TrainingSession, others: list[TrainingSession]) -> TrainingSession | None:
    return next(
        (
            o
            for o in others
            if o.date == sess.date and o.start_time < sess.end_time and sess.start_time < o.end_time
        ),
        None,
    )


def assign(cohort: Cohort, selection: Selection) -> int:
    """Give the trainer every covered session without a clash; returns how many."""
    free = [c.session for c in candidates(cohort, selection) if c.clash is None]
    for sess in free:
        sess.trainer_id = selection.trainer.id
    db.session.flush()
    return len(free)
