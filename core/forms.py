"""The shape every form view shares: check the post, call a service, then either show the
service's refusal on the form or commit and say so."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import flash
from flask_wtf import FlaskForm

from core.errors import ServiceError
from extensions import db


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


@dataclass
class Saved:
    """What `save_form` returns when the change was committed; `result` is the service's answer."""

    result: Any


def save_form(
    form: FlaskForm, action: Callable[[], Any], success: str | Callable[[Any], str]
) -> Saved | None:
    """For a valid post: run `action` (a service call) in the request's transaction.

    Refused (a ServiceError): roll back, so nothing is half-saved, and show the problems on the
    form; returns None. Accepted: commit, send the mail the change queued, flash `success`
    (a text, or a function of the result); returns `Saved`. Not a valid post: returns None.
    """
    from reminders.mail import send_queued_mail  # the outbox sits above this module

    if not form.validate_on_submit():
        return None
    try:
        result = action()
    except ServiceError as error:
        db.session.rollback()
        form_errors_from(form, error)
        return None
    db.session.commit()
    send_queued_mail()
    flash(success(result) if callable(success) else success, "success")
    return Saved(result)
