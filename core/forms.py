"""A service's refusal, shown on the form it answers (the whole save: outbox/edge.py)."""

from flask import flash
from flask_wtf import FlaskForm

from core.errors import ServiceError


def form_errors_from(form: FlaskForm, error: ServiceError) -> None:
    """Put each field's problem next to that field; anything else becomes a flash message."""
    unplaced = []
    for name, problem in error.fields.items():
        field = getattr(form, name, None)
        if field is None:
            unplaced.append(problem)
        else:
            field.errors = [*field.errors, problem]
    if unplaced or not error.fields:
        flash(error.message, "error")
