"""Programme templates: checking and saving what managers fill in. Flush, never commit.

Rules where the brief left room:

- A template is checked with the planner's own rules (``planning.validate_settings``) on a
  sample Monday, so a template that saves can always be planned.
- Without a return day, the return times and week are not stored (all None).
- The short name (slug) is lowercased, then must be lowercase letters, digits and single hyphens.
  It may change only while no cohort uses the template: the API names a cohort's programme by
  its slug, so that name must stay stable for the cohorts (and clients) that use it.
- There is always one default template: ticking it on one un-defaults the others; unticking it
  on the default itself is refused (make another template the default instead).
- Saving a template never re-plans cohorts; a cohort is re-planned from its own settings page.
"""

import re
from datetime import date, time

import sqlalchemy as sa
from flask_babel import gettext as _

from cohort import planning
from cohort.models import Cohort, ProgrammeTemplate, _weekdays_to_text
from core.errors import ValidationError
from core.parsing import parse_whole_number
from extensions import db

SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
WEEKDAY_CODES = {planning.weekday_code(day): day for day in planning.WORKDAYS}
# Validation needs a start date but does not depend on which Monday it is.
SAMPLE_MONDAY = date(2024, 1, 1)
RETURN_FIELDS = ("return_weekday", "return_start", "return_end", "return_from_week")
WEEK_FIELDS = ("training_weeks", "internship_weeks", "programme_weeks")
TIME_FIELDS = ("training_start", "training_end", "return_start", "return_end")
PLAN_FIELDS = {*WEEK_FIELDS, *TIME_FIELDS, "training_weekdays", "return_weekday", "return_from_week"}


def cohorts_using(template: ProgrammeTemplate | None) -> int:
    if template is None or template.id is None:
        return 0
    query = sa.select(sa.func.count()).select_from(Cohort).where(Cohort.template_id == template.id)
    return db.session.scalar(query)


def save_template(template: ProgrammeTemplate | None, values: dict) -> ProgrammeTemplate:
    """Create (template None) or change a programme template; nothing is changed on an error."""
    cleaned = clean_template_values(template, values)
    if template is None:
        template = ProgrammeTemplate()
        db.session.add(template)
    for name, value in cleaned.items():
        setattr(template, name, value)
    db.session.flush()
    if template.is_default:
        others = sa.update(ProgrammeTemplate).where(
            ProgrammeTemplate.id != template.id, ProgrammeTemplate.is_default.is_(True)
        )
        db.session.execute(others.values(is_default=False))
    return template


def clean_template_values(template: ProgrammeTemplate | None, values: dict) -> dict:
    """The model's column values from a form or JSON body, or a ValidationError naming each field."""
    problems: dict[str, str] = {}
    cleaned = {
        **_clean_names(template, values, problems),
        **_clean_weeks(values, problems),
        **_clean_days_and_times(values, problems),
        "is_default": _clean_default(template, values, problems),
    }
    if not problems.keys() & PLAN_FIELDS:
        problems.update(_planning_problems(cleaned))
    if problems:
        raise ValidationError(_("Please check the fields marked below."), problems)
    if cleaned["return_weekday"] is None:
        cleaned.update(dict.fromkeys(RETURN_FIELDS))
    cleaned["training_weekdays"] = _weekdays_to_text(cleaned["training_weekdays"])
    cleaned["return_weekday"] = _code_or_none(cleaned["return_weekday"])
    return cleaned


# --- the parts of the form ---------------------------------------------------------------


def _clean_names(template: ProgrammeTemplate | None, values: dict, problems: dict) -> dict:
    name = _text(values.get("name"))
    if not name:
        problems["name"] = _("Required.")
    elif len(name) > 120:
        problems["name"] = _("Use at most %(n)d characters.", n=120)
    slug = _text(values.get("slug")).lower()
    problem = _slug_problem(template, slug)
    if problem:
        problems["slug"] = problem
    return {"name": name, "slug": slug}


def _slug_problem(template: ProgrammeTemplate | None, slug: str) -> str | None:
    if template is not None and slug != template.slug and cohorts_using(template):
        return _("Groups use this programme, so its short name cannot change.")
    if not slug:
        return _("Required.")
    if len(slug) > 60:
        return _("Use at most %(n)d characters.", n=60)
    if not SLUG_PATTERN.fullmatch(slug):
        return _("Use lowercase letters, digits and hyphens only, for example wet-inburgering.")
    taken = sa.select(ProgrammeTemplate.id).where(ProgrammeTemplate.slug == slug)
    if template is not None and template.id is not None:
        taken = taken.where(ProgrammeTemplate.id != template.id)
    if db.session.scalar(taken) is not None:
        return _("Another programme already uses this short name.")
    return None


def _clean_weeks(values: dict, problems: dict) -> dict:
    weeks = {name: _whole_number(values, name, problems) for name in (*WEEK_FIELDS, "return_from_week")}
    for name in ("training_weeks", "programme_weeks"):
        if weeks[name] is None:
            problems.setdefault(name, _("Required."))
    if weeks["internship_weeks"] is None:
        weeks["internship_weeks"] = 0  # an empty field: no internship
    return weeks


def _clean_days_and_times(values: dict, problems: dict) -> dict:
    cleaned = {
        "training_weekdays": _weekdays(values.get("training_weekdays"), "training_weekdays", problems),
        "return_weekday": _return_weekday(values.get("return_weekday"), problems),
    }
    for name in TIME_FIELDS:
        cleaned[name] = _time(values, name, problems)
    for name in ("training_start", "training_end"):
        if cleaned[name] is None:
            problems.setdefault(name, _("Required."))
    if cleaned["return_weekday"] is not None:
        # Required with a return day; the planner asks the same, but its check runs last.
        for name in ("return_start", "return_end", "return_from_week"):
            if values.get(name) in (None, ""):
                problems.setdefault(name, _("Required."))
    return cleaned


def _clean_default(template: ProgrammeTemplate | None, values: dict, problems: dict) -> bool:
    is_default = values.get("is_default") in (True, "y", "on", "true", "1")
    if template is not None and template.is_default and not is_default:
        problems["is_default"] = _(
            "One programme is always the default. To change that, make another programme the default."
        )
    return is_default


# --- the planner's rules -----------------------------------------------------------------


def _planning_problems(cleaned: dict) -> dict[str, str]:
    """The planner's checks on a cohort that would start on a Monday, in the form's words."""
    settings = planning.PlanSettings(
        start_date=SAMPLE_MONDAY,
        training_weekdays=tuple(cleaned["training_weekdays"]),
        training_start=cleaned["training_start"],
        training_end=cleaned["training_end"],
        training_weeks=cleaned["training_weeks"],
        internship_weeks=cleaned["internship_weeks"],
        programme_weeks=cleaned["programme_weeks"],
        return_weekday=cleaned["return_weekday"],
        return_start=cleaned["return_start"],
        return_end=cleaned["return_end"],
        return_from_week=cleaned["return_from_week"],
    )
    return {
        name: _planning_message(name, settings, detail)
        for name, detail in planning.validate_settings(settings).items()
    }


def _planning_message(name: str, settings: planning.PlanSettings, detail: str) -> str:
    """Plain-language, translated versions of the planner's problems; its field names are ours."""
    if name == "return_weekday":
        return _(
            "The return day falls on a training day in weeks %(first)d to %(last)d. "
            "Choose another day or a later week.",
            first=settings.return_from_week,
            last=settings.training_weeks,
        )
    if name == "return_from_week":
        return _("Choose a week from 1 to %(n)d.", n=settings.programme_weeks)
    messages = {
        "training_weekdays": _("Choose at least one training day, Monday to Friday."),
        "training_weeks": _("Choose between 1 and 104 weeks."),
        "internship_weeks": _("Choose 0 weeks or more, within the programme."),
        "programme_weeks": _("Choose between 1 and 104 weeks, at least training plus internship."),
        "training_end": _("The end must be after the start."),
        "return_end": _("The end must be after the start."),
        "return_start": _("Required."),
    }
    return messages.get(name, detail)


# --- reading single values ---------------------------------------------------------------


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _whole_number(values: dict, name: str, problems: dict) -> int | None:
    value = values.get(name)
    if value in (None, ""):
        return None
    number = parse_whole_number(value)
    if number is None:
        problems[name] = _("Use a whole number.")
    return number


def _weekdays(value, name: str, problems: dict) -> tuple[int, ...]:
    codes = value.split(",") if isinstance(value, str) else list(value or [])
    codes = [str(code).strip().lower() for code in codes if str(code).strip()]
    if any(code not in WEEKDAY_CODES for code in codes):
        problems[name] = _("Use weekdays as mon, tue, wed, thu, fri.")
        return ()
    return tuple(sorted({WEEKDAY_CODES[code] for code in codes}))


def _return_weekday(value, problems: dict) -> int | None:
    days = _weekdays(value, "return_weekday", problems)
    if len(days) > 1:
        problems["return_weekday"] = _("Choose one weekday.")
    return days[0] if len(days) == 1 else None


def _time(values: dict, name: str, problems: dict) -> time | None:
    value = values.get(name)
    if isinstance(value, time):
        return value
    if value in (None, ""):
        return None
    try:
        return time.fromisoformat(str(value))
    except ValueError:
        problems[name] = _("Use a time as HH:MM.")
        return None


def _code_or_none(weekday: int | None) -> str | None:
    return planning.weekday_code(weekday) if weekday is not None else None
