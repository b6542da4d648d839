"""The follow-up forms: the former trainee's answer, and what a manager records. They read and
render; cohort/follow_ups/services.py checks the answers and words the problems."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField
from wtforms.validators import Optional

from cohort.follow_ups.rules import FOLLOW_UP_MONTHS, MAX_EMPLOYER, MAX_NOTE, PROGRAMME_SOURCES
from core.labels import SOURCE_LABELS, WORK_LABELS, WORK_QUESTION_LABELS

_HOURS_INPUT = {"inputmode": "numeric", "pattern": "[0-9]*", "maxlength": 2}


class FollowUpForm(FlaskForm):
    """What the former trainee answers, in the words of the question to them ("je")."""

    work = RadioField(
        _l("Do you have work?"), choices=list(WORK_QUESTION_LABELS.items()), validate_choice=False
    )
    employer = StringField(
        _l("Where do you work?"),
        description=_l("For example: municipality of Utrecht. Or the name of the organisation."),
        render_kw={"maxlength": MAX_EMPLOYER, "list": "municipality-names", "autocomplete": "organization"},
    )
    hours_per_week = StringField(
        _l("How many hours a week? (you may leave this empty)"), render_kw=_HOURS_INPUT
    )
    ask_again = BooleanField(_l("You may ask me again later how I am doing."), default=True)


class RecordOutcomeForm(FlaskForm):
    """What a manager heard on the phone or from the employer."""

    months = SelectField(
        _l("About the moment"),
        choices=[(str(m), _l("%(n)d months after the end", n=m)) for m in FOLLOW_UP_MONTHS],
        validate_choice=False,
    )
    work = RadioField(_l("Work"), choices=list(WORK_LABELS.items()), validate_choice=False)
    employer = StringField(
        _l("Employer"),
        description=_l("A municipality's name, or another organisation."),
        render_kw={"maxlength": MAX_EMPLOYER, "list": "municipality-names"},
    )
    hours_per_week = StringField(_l("Hours a week"), render_kw=_HOURS_INPUT)
    source = SelectField(
        _l("Source"),
        choices=[("", "—"), *((s.value, SOURCE_LABELS[s]) for s in PROGRAMME_SOURCES)],
        validate_choice=False,
    )
    known_on = DateField(_l("Date of the information"), validators=[Optional()])
    note = StringField(_l("Note"), render_kw={"maxlength": MAX_NOTE})
    stop_asking = BooleanField(_l("The former trainee wants no more questions by e-mail."))
