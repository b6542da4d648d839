"""Cohort rules: templates, creating and (re)planning cohorts. Flush, never commit."""

from datetime import date

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from accounts.models import Role
from accounts.services import create_user, find_user_by_email
from cohort import planning
from cohort.models import Cohort, ProgrammeTemplate, Trainee, TraineeStatus
from core.errors import ConflictError, ValidationError
from extensions import db
from placements.models import Municipality


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
    try:
        email = validate_email((email or "").strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        problems["email"] = _("Not a valid e-mail address.")
    if len(phone) > 40 or any(ch not in "0123456789+-() " for ch in phone):
        problems["phone"] = _("Use digits, spaces and + - ( ) only.")
    if problems:
        raise ValidationError(_("Please check the fields marked below."), problems)
    cleaned_languages = [lang.strip() for lang in (languages or []) if lang and lang.strip()]
    return {"name": name, "email": email, "phone": phone, "languages": ", ".join(cleaned_languages)[:200]}


def check_new_trainee_email(cohort: Cohort, email: str) -> None:
    """A cohort has each e-mail address once, and an address belongs to one account."""
    in_cohort = db.session.scalar(
        sa.select(Trainee.id).where(Trainee.cohort_id == cohort.id, sa.func.lower(Trainee.email) == email)
    )
    if in_cohort is not None or find_user_by_email(email) is not None:
        raise ConflictError(_("This e-mail address is already enrolled."), {"email": _("Already in use.")})


def enrol_trainee(
    cohort: Cohort, *, name: str, email: str, phone: str = "", home_municipality_id: int | None = None,
    languages=(), language: str = "nl",
) -> Trainee:
    """Enrol a trainee: the record, their user account, and the invitation e-mail."""
    fields = _clean_trainee_fields(name, email, phone, languages)
    if home_municipality_id is not None and db.session.get(Municipality, home_municipality_id) is None:
        raise ValidationError(_("Choose a municipality."), {"home_municipality_id": _("Unknown municipality.")})
    check_new_trainee_email(cohort, fields["email"])
    trainee = Trainee(cohort=cohort, home_municipality_id=home_municipality_id,
                      status=TraineeStatus.ENROLLED, **fields)
    db.session.add(trainee)
    db.session.flush()
    create_user(email=trainee.email, name=trainee.name, role=Role.TRAINEE, trainee_id=trainee.id,
                language=language)
    return trainee
