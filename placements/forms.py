"""Forms for answering a proposal and for managing placements."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from accounts.forms import optional_id
from cohort.forms import CheckboxesField, weekday_choices

SUPERVISOR_FIELDS = ("supervisor_name", "supervisor_email", "supervisor_phone")


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
        return {name: self[name].data for name in SUPERVISOR_FIELDS}


class ConfirmPlacementForm(FlaskForm):
    """Yes to a proposal: the supervisor from the municipality's register, or a new one (whom the
    service finds by address or adds), and where and when the intern works."""

    # Choices from the register, set by the view; the service checks the id given.
    supervisor_id = SelectField(
        _l("Supervisor"), coerce=optional_id, validators=[Optional()], validate_choice=False
    )
    supervisor_name = StringField(_l("Name of the workplace supervisor"), validators=[Length(max=120)])
    supervisor_email = EmailField(_l("E-mail address of the supervisor"), validators=[Length(max=254)])
    supervisor_phone = StringField(_l("Phone of the supervisor"), validators=[Optional(), Length(max=40)])
    workplace_address = StringField(_l("Address of the workplace"), validators=[Optional(), Length(max=200)])
    weekdays = CheckboxesField(
        _l("Internship days"),
        choices=weekday_choices,
        validators=[Optional()],
        description=_l("Not the return day: then the intern is at the training."),
    )

    def values(self) -> dict:
        names = ("supervisor_id", *SUPERVISOR_FIELDS, "workplace_address", "weekdays")
        return {name: self[name].data for name in names}


class SupervisorRecordForm(FlaskForm):
    """A supervisor in the municipality's register (managers and the municipality's contacts)."""

    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=120)])
    email = EmailField(_l("E-mail address"), validators=[InputRequired(), Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    department = StringField(_l("Department"), validators=[Optional(), Length(max=120)])
    is_active = BooleanField(_l("Active"), default=True)

    def values(self) -> dict:
        return {name: self[name].data for name in ("name", "email", "phone", "department", "is_active")}


class DeclinePlacementForm(FlaskForm):
    reason = TextAreaField(_l("Why not?"), validators=[InputRequired(), Length(max=500)])


class ProposeForm(FlaskForm):
    trainee_id = HiddenField(validators=[InputRequired()])
    offer_id = HiddenField(validators=[InputRequired()])


class ReasonForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=500)])


class GroupProposalForm(FlaskForm):
    """Sending the whole group's proposal: only the CSRF token; the lines (`offer-<trainee id>`)
    are read by the view, one per trainee on the page."""
