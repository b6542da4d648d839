"""Cohort rules: templates, creating and (re)planning cohorts. Flush, never commit."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import gettext as _

from accounts.models import Role, User
from accounts.services import create_user, find_user_by_email
from cohort import planning
from cohort.models import (
    IN_PROGRAMME,
    MOVED_STEP,
    Closure,
    Cohort,
    CohortPhase,
    PlanAttention,
    ProgrammeTemplate,
    Trainee,
    TraineeStatus,
    TraineeStatusChange,
)
from cohort.replan import PlanChanges, StoredSession, diff_plan
from core import audit
from core.audit import AuditAction, AuditSubject
from core.clock import local_today, utcnow
from core.errors import ConflictError, ValidationError
from core.field_rules import check_one_line, clean_address
from core.parsing import parse_whole_number
from core.text_rules import phone_key
from extensions import db
from placements.models import Municipality
from placements.municipalities.register import municipality_id_for
from sessions.models import SessionStatus, TrainingSession
from sessions.notices import queue_change_notices, snapshot


def seed_default_templates() -> None:
    """Add the seeded programme templates that are missing (migrations do this on a real database)."""
    existing = set(db.session.scalars(sa.select(ProgrammeTemplate.slug)))
    for slug, template in planning.DEFAULT_TEMPLATES.items():
        if slug not in existing:
            db.session.add(ProgrammeTemplate.from_plan_template(template))
    db.session.flush()


def default_template() -> ProgrammeTemplate:
    return db.session.scalar(
        sa.select(ProgrammeTemplate).order_by(ProgrammeTemplate.is_default.desc(), ProgrammeTemplate.id)
    )


def monday_suggestions(day: date) -> tuple[date, date]:
    return planning.nearest_mondays(day)


# --- Trainees ------------------------------------------------------------------------


def _clean_trainee_fields(name: str, email: str, phone: str, languages) -> dict:
    problems = {}
    name, phone = (name or "").strip(), (phone or "").strip()
    if not name:
        problems["name"] = _("Required.")
    elif len(name) > 120:
        problems["name"] = _("Use at most %(n)d characters.", n=120)
    check_one_line(name, "name", problems)
    email = clean_address(email, "email", problems)
    if len(phone) > 40 or any(ch not in "0123456789+-() " for ch in phone):
        problems["phone"] = _("Use digits, spaces and + - ( ) only.")
    if problems:
        raise ValidationError(_("Please check the fields marked below."), problems)
    cleaned_languages = [lang.strip() for lang in (languages or []) if lang and lang.strip()]
    return {"name": name, "email": email, "phone": phone, "languages": ", ".join(cleaned_languages)[:200]}


@dataclass(frozen=True)
class KnownPerson:
    """A trainee already enrolled whom a new enrolment seems to be: same e-mail or same phone."""

    trainee_id: int
    name: str
    cohort_id: int
    cohort_name: str
    by: str  # "email" or "phone"
    in_programme: bool  # still enrolled or active: they can be moved instead


def known_people(emails: set[str], phones: set[str]) -> dict[str, KnownPerson]:
    """Trainees (not erased) with one of these lowercased addresses or phone numbers, keyed by the
    address or by core.text_rules.phone_key: one query, however many rows a file has."""
    keys = {key for phone in phones if (key := phone_key(phone))}
    if not emails and not keys:
        return {}
    rows = db.session.execute(
        sa.select(
            Trainee.id, Trainee.name, sa.func.lower(Trainee.email), Trainee.phone_key, Trainee.status, Cohort
        )
        .join(Cohort, Cohort.id == Trainee.cohort_id)
        .where(
            Trainee.erased_at.is_(None),
            sa.or_(sa.func.lower(Trainee.email).in_(sorted(emails)), Trainee.phone_key.in_(sorted(keys))),
        )
        .order_by(Trainee.created_at)  # the latest enrolment wins: that is where they are now
    ).all()
    found = {}
    for trainee_id, name, email, key, status, cohort in rows:
        for by, value in (("email", email), ("phone", key)):
            if value in (emails if by == "email" else keys):
                found[value] = KnownPerson(
                    trainee_id, name, cohort.id, cohort.name, by, status in IN_PROGRAMME
                )
    return found


def same_person(email: str, phone: str) -> KnownPerson | None:
    """The trainee a new enrolment seems to be, by address first, then by phone."""
    email = (email or "").strip().lower()
    found = known_people({email} if email else set(), {phone} if phone else set())
    return found.get(email) or found.get(phone_key(phone) or "")


def check_new_trainee_email(cohort: Cohort, email: str) -> None:
    """A cohort has each e-mail address once, and an address belongs to one account."""
    in_cohort = db.session.scalar(
        sa.select(Trainee.id).where(Trainee.cohort_id == cohort.id, sa.func.lower(Trainee.email) == email)
    )
    if in_cohort is not None or find_user_by_email(email) is not None:
        raise ConflictError(_("This e-mail address is already enrolled."), {"email": _("Already in use.")})


def _home_municipality_id(municipality_id: int | None, text: str | None) -> int | None:
    if text is not None and municipality_id is not None:
        raise ValidationError(
            _("Please check the fields marked below."),
            {"home_municipality": _("Give the municipality by its name or code, or by its id: not both.")},
        )
    if text is not None:
        return municipality_id_for(text, "home_municipality")
    if municipality_id is not None and db.session.get(Municipality, municipality_id) is None:
        raise ValidationError(
            _("Choose a municipality."), {"home_municipality_id": _("Unknown municipality.")}
        )
    return municipality_id


def enrol_trainee(
    cohort: Cohort,
    *,
    name: str,
    email: str,
    phone: str = "",
    home_municipality_id: int | None = None,
    home_municipality: str | None = None,
    languages=(),
    language: str = "nl",
    actor: User | None = None,
) -> Trainee:
    """Enrol a trainee: the record, their user account, the invitation e-mail and the first step
    of their status history. The home municipality is an id, or `home_municipality`: a CBS code
    or any name the register knows ("Den Haag"). `actor` is who enrolled them (None: the system)."""
    fields = _clean_trainee_fields(name, email, phone, languages)
    home_municipality_id = _home_municipality_id(home_municipality_id, home_municipality)
    check_new_trainee_email(cohort, fields["email"])
    trainee = Trainee(
        cohort=cohort, home_municipality_id=home_municipality_id, status=TraineeStatus.ENROLLED, **fields
    )
    db.session.add(trainee)
    db.session.flush()
    create_user(
        email=trainee.email, name=trainee.name, role=Role.TRAINEE, trainee_id=trainee.id, language=language
    )
    audit.record(actor, trainee.id, AuditAction.CHANGE, AuditSubject.CONTACT_DETAILS)
    record_status_change(trainee, local_today(), actor)
    return trainee


def record_status_change(trainee: Trainee, effective_on: date, actor: User | None, reason: str = "") -> None:
    """One step in the trainee's status history (their current status, from `effective_on`), and
    the fact that it changed in the audit log. Every service that sets a trainee's status calls it."""
    db.session.add(
        TraineeStatusChange(
            trainee_id=trainee.id,
            status=trainee.status,
            effective_on=effective_on,
            reason=reason[:300],
            changed_by_id=actor.id if actor else None,
        )
    )
    audit.record(actor, trainee.id, AuditAction.CHANGE, AuditSubject.STATUS)


# --- Creating and planning cohorts --------------------------------------------------

WEEK_FIELDS = ("training_weeks", "internship_weeks", "programme_weeks")


@dataclass(frozen=True)
class CohortInput:
    """A cohort's settings as a manager or API client gives them; None = the template's value."""

    name: str
    template: ProgrammeTemplate
    start_date: date
    location: str = ""
    capacity: int = 20
    training_weekdays: tuple[int, ...] | None = None
    return_weekday: int | None = None
    training_weeks: int | None = None
    internship_weeks: int | None = None
    programme_weeks: int | None = None

    def plan_settings(self) -> planning.PlanSettings:
        return planning.settings_from_template(
            self.template.as_plan_template(),
            self.start_date,
            training_weekdays=self.training_weekdays,
            return_weekday=self.return_weekday,
            training_weeks=self.training_weeks,
            internship_weeks=self.internship_weeks,
            programme_weeks=self.programme_weeks,
        )


def _planning_problem(field_name: str, settings: planning.PlanSettings, detail: str) -> str:
    """Plain-language, translated versions of the planner's checks."""
    if field_name == "start_date":
        before, after = planning.nearest_mondays(settings.start_date)
        return _(
            "Choose a Monday, for example %(before)s or %(after)s.",
            before=format_date(before, "full"),
            after=format_date(after, "full"),
        )
    messages = {
        "training_weekdays": _("Choose at least one training day, Monday to Friday."),
        "training_weeks": _("Choose between 1 and 104 weeks."),
        "internship_weeks": _("Choose 0 weeks or more, within the programme."),
        "programme_weeks": _("Choose between 1 and 104 weeks, at least training plus internship."),
        "return_weekday": _("The return day falls on a training day in the same week."),
    }
    return messages.get(field_name, detail)


def check_cohort_input(data: CohortInput) -> None:
    """Raise a ValidationError naming every field that cannot be planned."""
    problems = {}
    if not data.name.strip():
        problems["name"] = _("Required.")
    if not 1 <= data.capacity <= 500:
        problems["capacity"] = _("Choose a number from 1 to 500.")
    settings = data.plan_settings()
    for field_name, detail in planning.validate_settings(settings).items():
        problems.setdefault(field_name, _planning_problem(field_name, settings, detail))
    if problems:
        raise ValidationError(_("Please check the fields marked below."), problems)


def _apply_input(cohort: Cohort, data: CohortInput) -> None:
    cohort.name, cohort.template = data.name.strip(), data.template
    cohort.start_date, cohort.location, cohort.capacity = data.start_date, data.location, data.capacity
    cohort.training_weekdays = (
        ",".join(planning.weekday_code(d) for d in data.training_weekdays)
        if data.training_weekdays is not None
        else None
    )
    cohort.return_weekday = (
        planning.weekday_code(data.return_weekday) if data.return_weekday is not None else None
    )
    for name in WEEK_FIELDS:
        setattr(cohort, name, getattr(data, name))


def closures() -> list[planning.Closure]:
    return [c.as_plan_closure() for c in db.session.scalars(sa.select(Closure).order_by(Closure.start_date))]


def stored_sessions(cohort: Cohort) -> list[StoredSession]:
    rows = db.session.scalars(sa.select(TrainingSession).where(TrainingSession.cohort_id == cohort.id))
    return [
        StoredSession(s.id, s.kind, s.planned_date, s.date, s.start_time, s.end_time, s.is_edited)
        for s in rows
    ]


def preview_plan(
    cohort: Cohort | None, data: CohortInput, discard_edits: bool = False, today: date | None = None
) -> tuple[planning.Plan, PlanChanges]:
    """The plan for these settings and what it would change, without saving anything."""
    check_cohort_input(data)
    plan = planning.plan_cohort(data.plan_settings(), closures())
    existing = stored_sessions(cohort) if cohort is not None and cohort.id else []
    # A new cohort gets its whole plan, past weeks included (e.g. entered after the start);
    # re-planning leaves the past alone: it is history.
    cutoff = (today or local_today()) if existing else date.min
    return plan, diff_plan(existing, plan, cutoff, discard_edits)


def _session_from_plan(planned: planning.PlannedSession) -> dict:
    return {
        "kind": str(planned.kind),
        "date": planned.date,
        "start_time": planned.start_time,
        "end_time": planned.end_time,
        "week": planned.week,
        "planned_date": planned.moved_from or planned.date,
        "moved_from": planned.moved_from,
        "move_reason": planned.move_reason,
    }


def _apply_changes(cohort: Cohort, changes: PlanChanges) -> None:
    for planned in changes.added:
        db.session.add(TrainingSession(cohort=cohort, **_session_from_plan(planned)))
    for stored, planned in changes.updated:
        session_row = db.session.get(TrainingSession, stored.id)
        before = snapshot(session_row)
        for name, value in _session_from_plan(planned).items():
            setattr(session_row, name, value)
        session_row.is_edited = False
        session_row.sequence += 1
        queue_change_notices(session_row, before)
    for stored in changes.removed:
        session_row = db.session.get(TrainingSession, stored.id)
        before = snapshot(session_row)
        session_row.status = SessionStatus.CANCELLED  # tell people, then let it go
        session_row.sequence += 1
        queue_change_notices(session_row, before)
        db.session.delete(session_row)


def _store_plan_outline(cohort: Cohort, plan: planning.Plan) -> None:
    cohort.end_date = plan.end_date
    cohort.phases = [
        CohortPhase(kind=str(p.kind), start_date=p.start_date, end_date=p.end_date) for p in plan.phases
    ]
    # The planner's reason reads "<holiday or closure>; no free weekday in week N": keep the cause,
    # the page words the rest in the reader's language.
    cohort.attention = [
        PlanAttention(date=a.date, kind=str(a.kind), reason=a.reason.split(";")[0]) for a in plan.attention
    ]
    cohort.planned_at = utcnow()


def save_cohort(
    cohort: Cohort | None, data: CohortInput, discard_edits: bool = False
) -> tuple[Cohort, PlanChanges]:
    """Create or change a cohort and (re)plan its sessions in the same transaction."""
    plan, changes = preview_plan(cohort, data, discard_edits)
    if cohort is None:
        cohort = Cohort()
        db.session.add(cohort)
    _apply_input(cohort, data)
    db.session.flush()
    _apply_changes(cohort, changes)
    _store_plan_outline(cohort, plan)
    db.session.flush()
    return cohort, changes


def find_template(slug: str | None) -> ProgrammeTemplate:
    if not slug:
        return default_template()
    # A JSON body can hold anything here (a list, a number): only a text can be a slug.
    template = isinstance(slug, str) and db.session.scalar(sa.select(ProgrammeTemplate).filter_by(slug=slug))
    if not template:
        raise ValidationError(_("Choose a programme."), {"template": _("Unknown programme.")})
    return template


def _optional_int(data: dict, name: str, problems: dict) -> int | None:
    value = data.get(name)
    if value in (None, ""):
        return None
    number = parse_whole_number(value)
    if number is None:
        problems[name] = _("Use a whole number.")
    return number


def _weekday_list(value, name: str, problems: dict) -> tuple[int, ...] | None:
    if value in (None, "", []):
        return None if value is None or value == "" else ()
    codes = value.split(",") if isinstance(value, str) else value
    try:
        return planning.parse_weekdays([str(code).strip() for code in codes])
    except (ValueError, TypeError, AttributeError):
        problems[name] = _("Use weekdays as mon, tue, wed, thu, fri.")
        return None


def cohort_input_from(data: dict) -> CohortInput:
    """Read a cohort's settings from a form or a JSON body; every problem names its field."""
    problems: dict[str, str] = {}
    template = None
    try:
        template = find_template(data.get("template"))
    except ValidationError as error:
        problems.update(error.fields)
    start = data.get("start_date")
    try:
        start_date = date.fromisoformat(str(start)) if not isinstance(start, date) else start
    except ValueError:
        problems["start_date"] = _("Use a real date, as YYYY-MM-DD.") if start else _("Required.")
        start_date = None
    weekdays = _weekday_list(data.get("training_weekdays"), "training_weekdays", problems)
    return_days = _weekday_list(data.get("return_weekday"), "return_weekday", problems)
    if return_days is not None and len(return_days) > 1:
        problems["return_weekday"] = _("Choose one weekday.")
    numbers = {name: _optional_int(data, name, problems) for name in (*WEEK_FIELDS, "capacity")}
    name, location = data.get("name"), data.get("location") or ""
    if not isinstance(name, str) or not name.strip():
        problems["name"] = _("Required.")
    if not isinstance(location, str) or len(location) > 200:
        problems["location"] = _("Use at most %(n)d characters.", n=200)
    else:
        check_one_line(location, "location", problems)
    if isinstance(name, str):
        check_one_line(name, "name", problems)
    if problems:
        raise ValidationError(_("Please check the fields marked below."), problems)
    return CohortInput(
        name=name.strip()[:120],
        template=template,
        start_date=start_date,
        location=location.strip(),
        capacity=numbers.pop("capacity") or 20,
        training_weekdays=weekdays,
        return_weekday=return_days[0] if return_days else None,
        **numbers,
    )


def _refuse_unless_in_programme(trainee: Trainee, *, adds_personal_data: bool) -> None:
    """Withdrawing, completing and moving are for trainees still in the programme. A withdrawal's
    reason and the new group are new data about the trainee: an erased trainee takes none."""
    if adds_personal_data and trainee.erased_at is not None:
        raise ConflictError(_("This trainee's personal data has been erased; nothing can be added."))
    if not trainee.is_in_programme:
        raise ConflictError(_("This trainee has already left the programme."))


def withdraw_trainee(trainee: Trainee, withdrawn_on: date, reason: str, actor: User | None = None) -> None:
    """Withdrawn trainees leave future sessions and reminders, never the history."""
    _refuse_unless_in_programme(trainee, adds_personal_data=True)
    trainee.status = TraineeStatus.WITHDRAWN
    trainee.withdrawn_on = withdrawn_on
    trainee.withdrawal_reason = reason.strip()[:300]
    record_status_change(trainee, withdrawn_on, actor, trainee.withdrawal_reason)


def complete_trainee(trainee: Trainee, completed_on: date | None, actor: User | None) -> None:
    """The trainee finished the programme. Only an enrolled or active trainee can complete it."""
    _refuse_unless_in_programme(trainee, adds_personal_data=False)
    if completed_on is None:
        raise ValidationError(_("Please check the fields marked below."), {"completed_on": _("Required.")})
    trainee.status = TraineeStatus.COMPLETED
    trainee.completed_on = completed_on
    record_status_change(trainee, completed_on, actor)


def move_trainee(trainee: Trainee, cohort: Cohort | None, actor: User | None, reason: str = "") -> None:
    """Move a trainee to another cohort, for a reason; attendance so far stays with the old cohort's
    sessions. Their status does not change: the history gets a "moved" step from one to the other."""
    _refuse_unless_in_programme(trainee, adds_personal_data=True)
    problems = {}
    if cohort is None:
        problems["cohort_id"] = _("Unknown group.")
    elif cohort.id == trainee.cohort_id:
        problems["cohort_id"] = _("The trainee is already in this group.")
    if not (reason or "").strip():
        problems["reason"] = _("Required.")
    if problems:
        raise ValidationError(_("Please check the fields marked below."), problems)
    db.session.add(
        TraineeStatusChange(
            trainee_id=trainee.id,
            status=MOVED_STEP,
            effective_on=local_today(),
            reason=reason.strip()[:300],
            changed_by_id=actor.id if actor else None,
            from_cohort_id=trainee.cohort_id,
            to_cohort_id=cohort.id,
        )
    )
    trainee.cohort = cohort
    audit.record(actor, trainee.id, AuditAction.CHANGE, AuditSubject.ENROLMENT)


def add_closure(start: date, end: date, reason: str) -> Closure:
    if end < start:
        raise ValidationError(
            _("Please check the fields marked below."),
            {"end_date": _("The last day must not be before the first day.")},
        )
    closure = Closure(start_date=start, end_date=end, reason=reason.strip()[:120])
    db.session.add(closure)
    db.session.flush()
    return closure


# --- Enrolling many trainees (the file import) ---------------------------------------


def taken_trainee_emails(cohort: Cohort, emails: set[str]) -> set[str]:
    """Of these lowercased addresses, those enrolled in the cohort or owned by an account.

    One query for all of them, so checking a file costs the same for 5 rows as for 500.
    """
    wanted = sorted(emails)
    if not wanted:
        return set()
    in_cohort = sa.select(sa.func.lower(Trainee.email)).where(
        Trainee.cohort_id == cohort.id, sa.func.lower(Trainee.email).in_(wanted)
    )
    with_account = sa.select(User.email).where(User.email.in_(wanted))
    return set(db.session.scalars(sa.union(in_cohort, with_account)))


def enrol_trainees(cohort: Cohort, people: list[dict], actor: User | None = None) -> list[Trainee]:
    """Enrol several trainees (`enrol_trainee` keyword arguments each) in the caller's transaction.

    The first refusal stops the lot and names the address; the caller rolls back, so
    either everyone is enrolled or no one.
    """
    trainees = []
    for person in people:
        try:
            trainees.append(enrol_trainee(cohort, **person, actor=actor))
        except (ConflictError, ValidationError) as error:
            message = _("%(email)s: %(problem)s", email=person.get("email", ""), problem=error.message)
            raise type(error)(message, error.fields) from error
    return trainees
