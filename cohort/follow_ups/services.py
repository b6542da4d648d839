"""Recording what former trainees do after the programme. Flush, never commit; the edge commits.

Three ways in, one per evidence level: the former trainee answers the follow-up link
(self-reported, once per moment), the employer municipality's contact confirms that answer from
their own link (confirmed by the employer), or a manager records it (recorded by the programme,
from a phone call or from the employer). A former trainee who asks not to be asked again is
not asked again; what they answered before stays.
"""

from datetime import date

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from accounts.models import Role, User
from cohort.follow_ups import links
from cohort.follow_ups.models import WorkOutcome
from cohort.follow_ups.rules import (
    CONFIRMATION_KIND,
    FOLLOW_UP_MONTHS,
    MAX_EMPLOYER,
    MAX_HOURS,
    MAX_NOTE,
    PROGRAMME_SOURCES,
    WORKING,
    EmployerAnswer,
    Evidence,
    Source,
    Work,
)
from cohort.models import Trainee
from core.clock import local_today, utcnow
from core.errors import ConflictError, ValidationError
from core.parsing import parse_whole_number
from core.text_rules import is_single_line
from extensions import db
from outbox.queue import queue_message

# A trainee's work at a municipality, in a contact's own words: cohort reads the register of the
# placements package, as cohort/services.py does for a trainee's home municipality.
from placements.municipalities.register import resolve

_MUNICIPALITY_WORD = ("gemeente ", "municipality of ")


def _today():
    return local_today(current_app.config["TIMEZONE"])


def answered_by_link(trainee_id: int, months: int) -> WorkOutcome | None:
    """The former trainee's own answer about this moment, if they gave one."""
    return db.session.scalar(
        sa.select(WorkOutcome).where(
            WorkOutcome.trainee_id == trainee_id,
            WorkOutcome.months == months,
            WorkOutcome.source == Source.FOLLOW_UP_LINK,
        )
    )


def _employer(text: str | None) -> tuple[int | None, str]:
    """(municipality id, "") when the text names a municipality of the register, "gemeente
    Utrecht" included; else (None, the text as given)."""
    text = " ".join((text or "").split())
    bare = text
    for word in _MUNICIPALITY_WORD:
        if bare.lower().startswith(word):
            bare = bare[len(word) :]
    found = resolve(bare).found if bare else None
    return (found.id, "") if found is not None else (None, text)


def known_moments(trainee_ids: list[int]) -> set[tuple[int, int]]:
    """The (trainee, moment) pairs something is known about, from any source: no question or
    chase goes about them any more."""
    if not trainee_ids:
        return set()
    query = sa.select(WorkOutcome.trainee_id, WorkOutcome.months).where(
        WorkOutcome.trainee_id.in_(trainee_ids)
    )
    return set(db.session.execute(query).tuples())


def _checked(
    work: str | None, employer: str | None, hours: object, employer_missing: str
) -> tuple[dict, dict[str, str]]:
    """The clean answer and field name -> problem, in the reader's language."""
    problems: dict[str, str] = {}
    if work not in set(Work):
        problems["work"] = _("Choose one answer.")
    employer = " ".join((employer or "").split())
    if len(employer) > MAX_EMPLOYER or not is_single_line(employer):
        problems["employer"] = _("Use at most %(n)d characters, on one line.", n=MAX_EMPLOYER)
    elif work in WORKING and not employer:
        problems["employer"] = employer_missing
    number = None
    if hours not in (None, ""):
        number = parse_whole_number(hours)
        if number is None or not 1 <= number <= MAX_HOURS:
            problems["hours_per_week"] = _("Give a whole number from 1 to %(max)d.", max=MAX_HOURS)
    if work not in WORKING:
        employer, number = "", None  # not working: no employer, no hours
    return {"work": work, "employer": employer, "hours": number}, problems


def _refuse(problems: dict[str, str]) -> None:
    if problems:
        raise ValidationError(_("Please check the fields marked below."), problems)


def _new_outcome(trainee: Trainee, months: int, answer: dict, **fields) -> WorkOutcome:
    municipality_id, name = _employer(answer["employer"])
    outcome = WorkOutcome(
        trainee_id=trainee.id,
        months=months,
        work=answer["work"],
        employer_municipality_id=municipality_id,
        employer_name=name,
        hours_per_week=answer["hours"],
        **fields,
    )
    db.session.add(outcome)
    db.session.flush()
    return outcome


def answer_follow_up(
    trainee: Trainee, months: int, work: str | None, employer: str | None, hours: object, ask_again: bool
) -> WorkOutcome:
    """The former trainee's answer from the follow-up link: once per moment. Working at a
    municipality, the municipality's contacts are asked to confirm."""
    if answered_by_link(trainee.id, months) is not None:
        raise ConflictError(_("You have already answered these questions."))
    answer, problems = _checked(work, employer, hours, _("Write where you work."))
    _refuse(problems)
    try:
        with db.session.begin_nested():  # two posts that cross: the second one meets the unique index
            outcome = _new_outcome(
                trainee,
                months,
                answer,
                evidence=Evidence.SELF_REPORTED,
                source=Source.FOLLOW_UP_LINK,
                known_on=_today(),
            )
    except IntegrityError:
        raise ConflictError(_("You have already answered these questions.")) from None
    if not ask_again:
        stop_follow_ups(trainee)
    if outcome.is_working and outcome.employer_municipality_id is not None:
        _ask_employer_to_confirm(outcome, trainee)
    return outcome


def record_outcome(
    trainee: Trainee,
    months: object,
    work: str | None,
    employer: str | None,
    hours: object,
    source: str | None,
    known_on: date | None,
    note: str | None,
    actor: User,
    stop_asking: bool = False,
) -> WorkOutcome:
    """A manager records what they heard (recorded by the programme); when the former trainee
    said so, no more follow-ups go to them."""
    if trainee.erased_at is not None:
        raise ConflictError(_("This trainee's personal data has been erased; nothing can be added."))
    if trainee.left_on is None:
        raise ConflictError(_("This trainee is still in the programme."))
    answer, problems = _checked(work, employer, hours, _("Give the employer."))
    months = parse_whole_number(months)
    if months not in FOLLOW_UP_MONTHS:
        problems["months"] = _("Choose 3, 6 or 12 months.")
    if source not in PROGRAMME_SOURCES:
        problems["source"] = _("Choose where the information comes from.")
    if known_on is None:
        problems["known_on"] = _("Required.")
    elif known_on > _today():
        problems["known_on"] = _("The date cannot be in the future.")
    note = " ".join((note or "").split())
    if len(note) > MAX_NOTE:
        problems["note"] = _("Use at most %(n)d characters.", n=MAX_NOTE)
    _refuse(problems)
    if stop_asking:
        stop_follow_ups(trainee)
    return _new_outcome(
        trainee,
        months,
        answer,
        evidence=Evidence.PROGRAMME,
        source=source,
        known_on=known_on,
        note=note,
        recorded_by_id=actor.id,
    )


def stop_follow_ups(trainee: Trainee) -> None:
    """No more follow-up questions to this person; their earlier answers stay."""
    if trainee.follow_ups_stopped_at is None:
        trainee.follow_ups_stopped_at = utcnow()


def answer_as_employer(outcome: WorkOutcome, contact: User, confirms: bool) -> None:
    """The employer municipality's contact says whether the former trainee's answer is right.
    Confirmed, it counts as confirmed by the employer; denied, it stays self-reported."""
    if outcome.employer_answer is not None:
        raise ConflictError(_("This has already been answered. Thank you."))
    outcome.employer_answer = EmployerAnswer.CONFIRMED if confirms else EmployerAnswer.DENIED
    outcome.employer_answered_at = utcnow()
    outcome.employer_answered_by_id = contact.id
    if confirms:
        outcome.evidence = Evidence.EMPLOYER_CONFIRMED


def _ask_employer_to_confirm(outcome: WorkOutcome, trainee: Trainee) -> None:
    contacts = db.session.scalars(
        sa.select(User)
        .where(
            User.role == Role.MUNICIPALITY,
            User.municipality_id == outcome.employer_municipality_id,
            User.is_active,
        )
        .order_by(User.id)
    ).all()
    for contact in contacts:
        with force_locale(contact.language):
            context = {
                "outcome": outcome,
                "trainee": trainee,
                "contact": contact,
                "url": links.confirm_url(outcome, contact),
                "valid_days": links.CONFIRM_VALID_DAYS,
            }
            queue_message(
                kind=CONFIRMATION_KIND,
                key=f"{CONFIRMATION_KIND}:{outcome.id}:{contact.id}",
                recipient=contact.email,
                recipient_user_id=contact.id,
                trainee_id=trainee.id,
                language=contact.language,
                payload={"outcome": outcome.id},
                subject=render_template(f"mail/{CONFIRMATION_KIND}_subject.txt", **context).strip(),
                body_text=render_template(f"mail/{CONFIRMATION_KIND}.txt", **context),
                body_html=render_template(f"mail/{CONFIRMATION_KIND}.html", **context),
            )
