"""Cohort rules: templates, creating and (re)planning cohorts. Flush, never commit."""

from datetime import date

import sqlalchemy as sa

from cohort import planning
from cohort.models import ProgrammeTemplate
from extensions import db


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
