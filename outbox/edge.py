"""The edge of a request: the shape every form view shares. Check the post, call a service, then
either show the service's refusal on the form, or commit once and send the mail the change queued.

It lives with the outbox because "commit, then send what was queued" is the outbox's rule.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import flash
from flask_wtf import FlaskForm

from core.errors import ServiceError
from core.forms import form_errors_from
from extensions import db
from outbox.queue import send_queued_mail


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
