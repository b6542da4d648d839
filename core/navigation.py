"""The navigation of each role, offered to every template."""

from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from accounts.forms import role_choices
from accounts.models import Role
from core.labels import label

NAVIGATION = {
    Role.MANAGER: [
        ("reports.dashboard", _l("Overview")),
        ("cohorts.index", _l("Groups")),
        ("municipalities.index", _l("Municipalities")),
        ("programmes.index", _l("Programmes")),
        ("accounts.users", _l("Users")),
        ("reminders.outbox", _l("Messages")),
        ("reminder_rules.index", _l("Reminders")),
    ],
    Role.MUNICIPALITY: [("placements.portal", _l("Our municipality"))],
    Role.TRAINEE: [("sessions.my_schedule", _l("My schedule"))],
    Role.TRAINER: [("sessions.teaching", _l("My sessions")), ("cohorts.index", _l("Groups"))],
}


def navigation() -> dict:
    # Outside a request (an e-mail rendered by a job) there is no current user.
    signed_in = getattr(current_user, "is_authenticated", False)
    items = NAVIGATION.get(current_user.role, []) if signed_in else []
    return {
        "nav_items": items,
        "language": str(get_locale() or "nl"),
        "role_labels": dict(role_choices()),
        "organisation_name": current_app.config["ORGANISATION_NAME"],
        "label": label,
    }
