"""The managers' page for the reminder rules: which e-mails the system sends by itself, and when."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from accounts.models import Role
from accounts.permissions import role_required
from core.errors import ValidationError
from extensions import db
from reminders import rules
from reminders.rule_forms import RULE_HINTS, ReminderRulesForm
from reminders.scan import load_rules, save_rules

bp = Blueprint("reminder_rules", __name__)


@bp.route("/reminders/rules", methods=["GET", "POST"])
@role_required(Role.MANAGER)
def index():
    form = ReminderRulesForm.for_rules(load_rules())
    if form.validate_on_submit():
        try:
            save_rules(form.values())
        except ValidationError as error:
            form.show_errors(error)
        else:
            db.session.commit()
            flash(_("The reminder settings are saved."), "success")
            return redirect(url_for(".index"))
    return render_template("reminders/rules.html", form=form, kinds=rules.KINDS, hints=RULE_HINTS)
