"""The municipality contact's portal. The placements issue fills it with offers and interns."""

import sqlalchemy as sa
from flask import Blueprint, render_template
from flask_login import current_user

from accounts.models import Role, User
from accounts.permissions import role_required
from core.scope import one_or_404
from extensions import db
from placements.access import municipalities_for

bp = Blueprint("placements", __name__)


@bp.get("/portal")
@role_required(Role.MUNICIPALITY)
def portal():
    municipality = one_or_404(municipalities_for(current_user), current_user.municipality_id)
    contacts = db.session.scalars(
        sa.select(User).where(User.municipality_id == municipality.id, User.is_active).order_by(User.name)
    ).all()
    return render_template("placements/portal.html", municipality=municipality, contacts=contacts)
