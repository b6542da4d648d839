"""The audit log page: who viewed or changed whose personal data, and when. Managers only.

The log holds ids and fixed words; the trainee's name is joined in at reading time, so an erased
trainee shows as erased, and the log itself never needs erasing.
"""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import Blueprint, abort, render_template, request
from flask_babel import lazy_gettext as _l

from accounts.models import Role
from accounts.permissions import role_required
from cohort.models import Trainee
from core.audit import SUBJECT_LABELS, AuditAction, AuditEvent
from core.parsing import parse_id
from extensions import db

bp = Blueprint("privacy_audit", __name__)

PAGE_SIZE = 50

ACTION_LABELS = {
    AuditAction.VIEW: _l("viewed"),
    AuditAction.CHANGE: _l("changed"),
    AuditAction.EXPORT: _l("exported"),
    AuditAction.ERASE: _l("erased"),
}


@dataclass(frozen=True)
class AuditLine:
    event: AuditEvent
    trainee_name: str | None  # None: no such trainee (any more)
    is_erased: bool


@dataclass(frozen=True)
class AuditPage:
    lines: list[AuditLine]
    page: int
    has_next: bool


def audit_page(trainee_id: int | None, page: int) -> AuditPage:
    """The newest events first, PAGE_SIZE a page, in one query (one row more tells if there is a next)."""
    query = (
        sa.select(AuditEvent, Trainee.name, Trainee.erased_at)
        .outerjoin(Trainee, Trainee.id == AuditEvent.trainee_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(PAGE_SIZE + 1)
        .offset((page - 1) * PAGE_SIZE)
    )
    if trainee_id is not None:
        query = query.where(AuditEvent.trainee_id == trainee_id)
    rows = db.session.execute(query).unique().all()
    lines = [AuditLine(event, name, erased_at is not None) for event, name, erased_at in rows[:PAGE_SIZE]]
    return AuditPage(lines, page, len(rows) > PAGE_SIZE)


def trainee_label(trainee_id: int) -> tuple[str | None, datetime | None] | None:
    """(name, erased_at) of the trainee the log is filtered on, or None if there is none."""
    row = db.session.execute(
        sa.select(Trainee.name, Trainee.erased_at).where(Trainee.id == trainee_id)
    ).first()
    return tuple(row) if row else None


def _positive_int_arg(name: str, default: int | None) -> int | None:
    """A whole number from the query string (like the ids in URLs); anything else is a 400, not a guess."""
    value = request.args.get(name, "").strip()
    if not value:
        return default
    number = parse_id(value)
    if number is None:
        abort(400)
    return number


@bp.get("/audit")
@role_required(Role.MANAGER)
def index():
    trainee_id = _positive_int_arg("trainee", None)
    listing = audit_page(trainee_id, _positive_int_arg("page", 1))
    return render_template(
        "privacy/audit.html",
        listing=listing,
        trainee_id=trainee_id,
        filtered_on=trainee_label(trainee_id) if trainee_id is not None else None,
        action_labels=ACTION_LABELS,
        subject_labels=SUBJECT_LABELS,
    )
