"""Erasing a trainee's personal data (AVG), on request or when the retention period is over.

The trainee's row stays, with its cohort, status, dates, attendance statuses, placements and their
states and evaluation scores, and what is known of their work after the programme as categories
(consultant, other work, not working; how it is known), so every count and rate in the reports
stays what it was. The follow-ups stop (the link and the scheduler skip an erased trainee). What could
identify the person goes: their name, e-mail address, phone, languages and home municipality, every
free text about them (notes, reasons, remarks, evaluation comments; after the programme the
employer's name as typed, the hours and notes; a municipality as employer stays, as the outcome's
municipality does), their account's name, address,
password, links and tokens, and the messages sent to them. Where their name or address appears in
someone else's record (a proposal mail to a municipality names the intern), it is replaced there.

Like every service it flushes and leaves the commit to the caller: one erasure is one transaction.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from markupsafe import escape

from accounts.models import ApiToken, OneTimeLink, User
from accounts.services import forget_login_failures
from cohort.follow_ups.models import WorkOutcome
from cohort.models import (
    Closure,
    Cohort,
    CohortPhase,
    PlanAttention,
    Trainee,
    TraineeNote,
    TraineeStatusChange,
    new_calendar_salt,
)
from core.audit import AuditAction, AuditSubject, record
from core.clock import utcnow
from extensions import db
from outbox.models import MessageStatus, OutboxMessage
from placements.models import Evaluation, Placement, PlacementEvent
from privacy import retention
from sessions.models import AbsenceNotice, Attendance, TrainingSession

ERASED_SUBJECT = "(verwijderd)"
ERASED_REASON = "erased (AVG)"
# A mention shorter than this is not searched for in other people's texts: "Li" would also hit
# "Lisa" and "Liesbeth". Full names are longer; e-mail addresses always are.
MIN_MENTION_LENGTH = 4

# Free text in records that are not the trainee's own, where their name, address or phone number
# may be written. Columns of the trainee's own records are cleared outright (see below); these are
# only searched, and the mention replaced.
MENTION_COLUMNS = {
    OutboxMessage: ("key", "subject", "body_text", "body_html"),
    TrainingSession: ("title", "notes", "location", "move_reason"),
    PlacementEvent: ("actor_label", "reason"),
    Evaluation: ("comments", "submitted_by"),
    Attendance: ("note",),
    AbsenceNotice: ("reason",),
    TraineeNote: ("text",),
    TraineeStatusChange: ("reason",),
    Trainee: ("withdrawal_reason", "outcome_note"),
    Closure: ("reason",),
    PlanAttention: ("reason",),
}


def erased_name(trainee_id: int) -> str:
    """What an erased trainee is called: the record number only (already in every URL about them)."""
    return f"Verwijderde deelnemer #{trainee_id}"


def erased_email(trainee_id: int) -> str:
    """An address that can never receive mail (.invalid is reserved) and is unique per trainee."""
    return f"erased-{trainee_id}@invalid"


def erased_user_email(user_id: int) -> str:
    return f"erased-user-{user_id}@invalid"


@dataclass(frozen=True)
class Identity:
    """The values that identify the person, each with what replaces it wherever it is found."""

    replacements: dict[str, str]  # lowercased value -> replacement
    emails: frozenset[str]

    def pattern(self) -> re.Pattern | None:
        terms = sorted(self.replacements, key=len, reverse=True)  # the longest match wins
        if not terms:
            return None
        return re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)

    def replace_in(self, text: str, pattern: re.Pattern) -> str:
        return pattern.sub(lambda match: self.replacements.get(match.group(0).lower(), ""), text)


def _identity(trainee: Trainee, users: list[User]) -> Identity:
    new_name, new_email = erased_name(trainee.id), erased_email(trainee.id)
    names = {trainee.name, *(u.name for u in users)}
    emails = {trainee.email.lower(), *(u.email.lower() for u in users)}
    replacements: dict[str, str] = {}
    for name in names:
        for form in (name, str(escape(name))):  # the HTML part of a mail has the name escaped
            if len(form.strip()) >= MIN_MENTION_LENGTH:
                replacements[form.strip().lower()] = new_name
    for email in emails:
        replacements[email] = new_email
    if len(trainee.phone.strip()) >= MIN_MENTION_LENGTH:
        replacements[trainee.phone.strip().lower()] = ""
    return Identity(replacements=replacements, emails=frozenset(emails))


def _contains_any(column, terms: Iterable[str]):
    """SQL: the column holds any of the terms. lower() on both sides for ASCII case differences;
    the exact term too, as SQLite's lower() leaves letters like Ö alone."""
    conditions = []
    for term in terms:
        conditions.append(sa.func.lower(column).contains(term, autoescape=True))
        conditions.append(column.contains(term, autoescape=True))
    return sa.or_(*conditions)


def _replace_mentions(identity: Identity) -> None:
    """Replace the person's name, address and phone wherever other records mention them."""
    pattern = identity.pattern()
    if pattern is None:
        return
    for model, names in MENTION_COLUMNS.items():
        columns = [getattr(model, name) for name in names]
        found = db.session.scalars(
            sa.select(model).where(sa.or_(*(_contains_any(c, identity.replacements) for c in columns)))
        ).unique()
        for row in found:
            for name in names:
                text = getattr(row, name)
                if text:
                    limit = getattr(model.__table__.c[name].type, "length", None)
                    setattr(row, name, identity.replace_in(text, pattern)[:limit])


def _erase_messages_to_them(trainee: Trainee, users: list[User], identity: Identity) -> None:
    """Mail to the person: no recipient, subject or text left; what was still waiting never goes."""
    to_them = sa.func.lower(OutboxMessage.recipient).in_(identity.emails)
    if users:
        to_them = sa.or_(to_them, OutboxMessage.recipient_user_id.in_([u.id for u in users]))
    values = {
        "recipient": erased_email(trainee.id),
        "subject": ERASED_SUBJECT,
        "body_text": "",
        "body_html": None,
    }
    db.session.execute(sa.update(OutboxMessage).where(to_them).values(**values))
    waiting = (MessageStatus.PENDING, MessageStatus.FAILED)
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.recipient == erased_email(trainee.id), OutboxMessage.status.in_(waiting))
        .values(status=MessageStatus.SKIPPED, last_error=ERASED_REASON)
    )


def _clear_own_texts(trainee: Trainee) -> None:
    """Free text in the trainee's own records; the records and their statuses and dates stay."""
    own_placements = sa.select(Placement.id).where(Placement.trainee_id == trainee.id).scalar_subquery()
    db.session.execute(
        sa.update(Attendance)
        .where(Attendance.trainee_id == trainee.id)
        # recorded_at has an onupdate default: keep when attendance was really recorded.
        .values(note="", recorded_at=Attendance.recorded_at)
    )
    db.session.execute(
        sa.update(AbsenceNotice).where(AbsenceNotice.trainee_id == trainee.id).values(reason="")
    )
    db.session.execute(
        sa.update(TraineeStatusChange).where(TraineeStatusChange.trainee_id == trainee.id).values(reason="")
    )
    db.session.execute(
        sa.update(PlacementEvent).where(PlacementEvent.placement_id.in_(own_placements)).values(reason="")
    )
    db.session.execute(
        sa.update(Evaluation).where(Evaluation.placement_id.in_(own_placements)).values(comments="")
    )
    # After the programme: the answers' details go, the categories that the outcomes count stay.
    db.session.execute(
        sa.update(WorkOutcome)
        .where(WorkOutcome.trainee_id == trainee.id)
        .values(employer_name="", hours_per_week=None, note="")
    )
    # Notes are nothing but text about the person: nothing of them is left to count.
    db.session.execute(sa.delete(TraineeNote).where(TraineeNote.trainee_id == trainee.id))


def _erase_accounts(users: list[User], identity: Identity, trainee: Trainee) -> None:
    """The account can never be used again: no password, links or tokens, and not active."""
    user_ids = [u.id for u in users]
    if user_ids:
        db.session.execute(sa.delete(OneTimeLink).where(OneTimeLink.user_id.in_(user_ids)))
        db.session.execute(sa.delete(ApiToken).where(ApiToken.user_id.in_(user_ids)))
    forget_login_failures(identity.emails)
    for user in users:
        user.name = erased_name(trainee.id)
        user.email = erased_user_email(user.id)
        user.password_hash = None
        user.is_active = False
        user.end_all_sessions()  # a session still open ends at its next request


def _erase_trainee_row(trainee: Trainee) -> None:
    trainee.name = erased_name(trainee.id)
    trainee.email = erased_email(trainee.id)
    trainee.phone = ""
    trainee.languages = ""
    trainee.home_municipality_id = None
    if trainee.withdrawal_reason:
        trainee.withdrawal_reason = ""
    trainee.outcome_note = ""
    trainee.calendar_salt = new_calendar_salt()  # the old calendar feed link stops working
    trainee.erased_at = utcnow()


def erase_trainee(trainee: Trainee, actor: User | None) -> None:
    """Remove or replace every piece of the trainee's personal data; a second call changes nothing.

    `actor` is the manager who asked for it, or None for the retention run.
    """
    if trainee.erased_at is not None:
        return
    users = list(db.session.scalars(sa.select(User).where(User.trainee_id == trainee.id).order_by(User.id)))
    identity = _identity(trainee, users)
    _erase_messages_to_them(trainee, users, identity)
    _replace_mentions(identity)
    _clear_own_texts(trainee)
    _erase_accounts(users, identity, trainee)
    _erase_trainee_row(trainee)
    record(actor, trainee.id, AuditAction.ERASE, AuditSubject.PERSONAL_DATA)
    db.session.flush()


# --- retention: erasure when the cohort ended long enough ago ---------------------------------


def cohort_ends() -> list[retention.CohortEnd]:
    """Every cohort with its end date and the end of its last phase, in one query."""
    rows = db.session.execute(
        sa.select(Cohort.id, Cohort.end_date, sa.func.max(CohortPhase.end_date))
        .outerjoin(CohortPhase, CohortPhase.cohort_id == Cohort.id)
        .group_by(Cohort.id, Cohort.end_date)
    ).all()
    return [retention.CohortEnd(cohort_id, end, last_phase_end) for cohort_id, end, last_phase_end in rows]


def trainees_due_for_erasure(today: date, months: int) -> list[Trainee]:
    due = retention.due_cohort_ids(cohort_ends(), today, months)
    if not due:
        return []
    return list(
        db.session.scalars(
            sa.select(Trainee)
            .where(Trainee.cohort_id.in_(due), Trainee.erased_at.is_(None))
            .order_by(Trainee.id)
        )
    )


def erase_expired(today: date, months: int) -> list[int]:
    """Erase every trainee whose cohort ended more than `months` months before `today`.

    Flushes; the caller commits, so a run is one transaction: a run that breaks off erases
    nothing, and the next run (the scheduler's, the next night) does it all. Returns the ids erased.
    """
    erased = []
    for trainee in trainees_due_for_erasure(today, months):
        erase_trainee(trainee, actor=None)
        erased.append(trainee.id)
    return erased
