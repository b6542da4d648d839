"""The message log as managers read it: every message, as sent or still waiting, and retrying."""

import math

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from accounts.models import Role
from accounts.permissions import role_required
from core.errors import ConflictError
from core.parsing import parse_id
from core.scope import one_or_404
from extensions import db
from outbox.edge import Saved
from outbox.models import OutboxMessage
from outbox.queue import send_queued_mail
from outbox.retry import ADDRESS_SOURCES, send_again, send_bounced_again
from outbox.sent_secrets import shown_copy
from reminders.log_forms import MessageFilterForm
from reminders.log_services import PAGE_SIZE, message_kinds, message_log

bp = Blueprint("reminders", __name__)


def _page_number(given: str | None) -> int:
    """The page asked for: bounded like an id (no overflow in OFFSET); anything else is a 400."""
    if given is None:
        return 1
    page = parse_id(given)
    if page is None:
        abort(400)
    return page


@bp.get("/outbox")
@role_required(Role.MANAGER)
def outbox():
    form = MessageFilterForm(formdata=request.args)
    form.set_kinds(message_kinds())
    form.validate()
    page = _page_number(request.args.get("page"))
    messages, total = message_log(form.filters(current_app.config["TIMEZONE"]), page)
    # The current filters (only the form's own fields) for the page links.
    query = {name: request.args[name] for name in form.data if request.args.get(name)}
    return render_template(
        "reminders/outbox.html",
        form=form,
        messages=messages,
        total=total,
        page=page,
        pages=max(math.ceil(total / PAGE_SIZE), 1),
        query=query,
    )


@bp.get("/outbox/<int:message_id>")
@role_required(Role.MANAGER)
def message(message_id: int):
    record = one_or_404(sa.select(OutboxMessage), message_id)
    return render_template(
        "reminders/message.html",
        message=record,
        body_text=shown_copy(record.body_text),
        body_html=shown_copy(record.body_html, html=True),
    )


@bp.post("/outbox/<int:message_id>/retry")
@role_required(Role.MANAGER)
def retry(message_id: int):
    record = one_or_404(sa.select(OutboxMessage), message_id)
    if _sent_again(lambda: send_again(record)):
        flash(_("The message is sent again, to the address we have now."), "success")
    return redirect(url_for("reminders.message", message_id=message_id))


@bp.post("/outbox/bounces/<source>/<int:record_id>/retry")
@role_required(Role.MANAGER)
def retry_bounced(source: str, record_id: int):
    """ "Try again" on the overview: every bounced message of this record, to its address now."""
    if source not in ADDRESS_SOURCES:
        abort(404)
    saved = _sent_again(lambda: send_bounced_again(ADDRESS_SOURCES[source](record_id)))
    if saved and saved.result:
        flash(_("The e-mail is sent again, to the address we have now."), "success")
    elif saved:  # sent again already, from another page or by someone else
        flash(_("There is no e-mail that did not arrive here."), "info")
    return redirect(url_for("reports.dashboard"))


def _sent_again(action) -> Saved | None:
    """Run `action` (putting messages back in the queue), commit, and send them at once; None
    when it was refused (the refusal is flashed)."""
    try:
        result = action()
    except ConflictError as error:
        db.session.rollback()
        flash(error.message, "error")
        return None
    db.session.commit()
    send_queued_mail()
    return Saved(result)
