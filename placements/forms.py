"""Forms for answering a proposal and for managing placements."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from cohort.forms import CheckboxesField, weekday_choices


class SupervisorForm(FlaskForm):
    """The workplace supervisor (werkbegeleider): named on confirming, corrected by a manager."""

    supervisor_name = StringField(
        _l("Name of the workplace supervisor"), validators=[InputRequired(), Length(max=120)]
    )
    supervisor_email = EmailField(
        _l("E-mail address of the supervisor"), validators=[InputRequired(), Length(max=254)]
    )
    supervisor_phone = StringField(_l("Phone of the supervisor"), validators=[Optional(), Length(max=40)])

    def values(self) -> dict:
        return {name: self[name].data for name in ("supervisor_name", "supervisor_email", "supervisor_phone")}


class ConfirmPlacementForm(SupervisorForm):
    workplace_address = StringField(_l("Address of the workplace"), validators=[Optional(), Length(max=200)])
    weekdays = CheckboxesField(
        _l("Internship days"),
        choices=weekday_choices,
        validators=[Optional()],
        description=_l("Not the return day: then the intern is at the training."),
    )

    def values(self) -> dict:
        return super().values() | {name: self[name].data for name in ("workplace_address", "weekdays")}


class DeclinePlacementForm(FlaskForm):
    reason = TextAreaField(_l("Why not?"), validators=[InputRequired(), Length(max=500)])


class ProposeForm(FlaskForm):
    trainee_id = HiddenField(validators=[InputRequired()])
    offer_id = HiddenField(validators=[InputRequired()])


class ReasonForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=500)])
