"""The outbox as managers read it: every message, as sent or still waiting."""

import sqlalchemy as sa
from flask import Blueprint, render_template, request

from accounts.models import Role
from accounts.permissions import role_required
from core.scope import one_or_404
from extensions import db
from reminders.models import MessageStatus, OutboxMessage

bp = Blueprint("reminders", __name__)

PAGE_SIZE = 50


@bp.get("/outbox")
@role_required(Role.MANAGER)
def outbox():
    status = request.args.get("status")
    query = sa.select(OutboxMessage).order_by(OutboxMessage.created_at.desc()).limit(PAGE_SIZE)
    if status in set(MessageStatus):
        query = query.where(OutboxMessage.status == status)
    messages = db.session.scalars(query).all()
    return render_template("reminders/outbox.html", messages=messages, status=status)


@bp.get("/outbox/<int:message_id>")
@role_required(Role.MANAGER)
def message(message_id: int):
    return render_template("reminders/message.html", message=one_or_404(sa.select(OutboxMessage), message_id))
