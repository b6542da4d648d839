"""The follow-up pages: the former trainee's answer and the employer's confirmation, both from a
signed e-mail link without logging in. (A manager records an outcome in the trainee file,
cohort/trainees/views.py.)"""

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from cohort.follow_ups import links, rules, services
from cohort.follow_ups.forms import FollowUpForm
from core.clock import utcnow
from extensions import db
from outbox.edge import save_form
from placements.municipalities.register import official_names

bp = Blueprint("follow_ups", __name__)


def _link_invalid():
    return render_template("follow_ups/link_invalid.html", valid_days=rules.FOLLOW_UP_VALID_DAYS), 404


@bp.route("/f/follow-up/<token>", methods=["GET", "POST"])
def answer(token: str):
    """The former trainee answers: no password, one answer per moment."""
    found = links.read_follow_up_link(token, utcnow())
    if found is None:
        return _link_invalid()
    trainee, months = found
    answered = services.answered_by_link(trainee.id, months)
    form = FollowUpForm()
    if answered is None and save_form(
        form,
        lambda: services.answer_follow_up(
            trainee,
            months,
            form.work.data,
            form.employer.data,
            form.hours_per_week.data,
            form.ask_again.data or rules.is_last(months),
        ),
        _("Thank you! Your answer is saved."),
    ):
        return redirect(url_for("follow_ups.answer", token=token))
    return render_template(
        "follow_ups/answer.html",
        form=form,
        trainee=trainee,
        months=months,
        answered=answered,
        ask_again_question=not rules.is_last(months),
        municipality_names=official_names(),
    )


@bp.route("/f/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """The employer municipality's contact confirms (or not) what the former trainee told."""
    found = links.read_confirm_link(token)
    if found is None:
        return _link_invalid()
    outcome, contact = found
    choice = request.form.get("answer")
    if request.method == "POST" and outcome.employer_answer is None:
        if choice not in ("yes", "no"):
            abort(400)
        services.answer_as_employer(outcome, contact, confirms=choice == "yes")
        db.session.commit()
        return redirect(url_for("follow_ups.confirm", token=token))
    return render_template(
        "follow_ups/confirm.html", outcome=outcome, trainee=outcome.trainee, contact=contact
    )
