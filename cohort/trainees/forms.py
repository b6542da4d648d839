"""Forms of the trainee file: a dated note, the outcome, completing the programme.

They read and render fields; the services in cohort/trainees/services.py and
cohort/services.py check the rules (which fields an outcome needs).
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from accounts.forms import optional_id
from core.labels import OUTCOME_LABELS
from core.labels import outcome_label as outcome_label  # the trainee file's views use it from here


class NoteForm(FlaskForm):
    noted_on = DateField(_l("Date"), validators=[InputRequired()])
    text = TextAreaField(
        _l("Note"),
        validators=[InputRequired(), Length(max=5000)],
        description=_l("Only what the programme needs. The trainee can ask to read this."),
    )


class OutcomeForm(FlaskForm):
    outcome = SelectField(_l("Outcome"), choices=[("", "—"), *OUTCOME_LABELS.items()])
    outcome_municipality_id = SelectField(
        _l("At municipality"),
        coerce=optional_id,
        validators=[Optional()],
        description=_l("Required for employment as integration consultant."),
    )
    outcome_date = DateField(
        _l("From"),
        validators=[Optional()],
        description=_l("Required for employment as integration consultant."),
    )
    outcome_note = StringField(
        _l("Reason or explanation"),
        validators=[Length(max=300)],
        description=_l("Required for the outcome Other."),
    )

    @classmethod
    def data_from(cls, trainee) -> dict:
        return {
            "outcome": trainee.outcome or "",
            "outcome_municipality_id": trainee.outcome_municipality_id,
            "outcome_date": trainee.outcome_date,
            "outcome_note": trainee.outcome_note,
        }


class CompleteForm(FlaskForm):
    completed_on = DateField(_l("Completed on"), validators=[InputRequired()])
