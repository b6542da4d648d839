"""Forms of the municipality pages and the public "Stageplek aanbieden" page.

They read and render fields; municipality_services checks the rules.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, EmailField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional

from accounts.forms import optional_id
from placements.municipalities.services import MAX_PLACES, PROVINCES


def province_choices():
    return [("", "—")] + [(province, province) for province in PROVINCES]


def places_field(label) -> IntegerField:
    return IntegerField(
        label,
        validators=[
            InputRequired(),
            NumberRange(1, MAX_PLACES, message=_l("Choose a number from 1 to %(n)d.", n=MAX_PLACES)),
        ],
    )


def _values(form: FlaskForm, names: tuple[str, ...]) -> dict:
    return {name: form[name].data for name in names}


class MunicipalityForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=120)])
    cbs_code = StringField(
        _l("CBS code"),
        validators=[InputRequired(), Length(max=20)],
        description=_l("GM and four digits, like GM0344."),
    )
    province = SelectField(_l("Province"), choices=province_choices, default="")
    address = StringField(_l("Address"), validators=[Length(max=200)])

    def values(self) -> dict:
        return _values(self, ("name", "cbs_code", "province", "address"))


class OfferForm(FlaskForm):
    """Places a municipality offers, for a cohort or for a period."""

    places = places_field(_l("Number of places"))
    cohort_id = SelectField(_l("Group"), coerce=optional_id, validators=[Optional()])
    period_start = DateField(
        _l("First day"), validators=[Optional()], description=_l("Only when the offer is not for a group.")
    )
    period_end = DateField(_l("Last day"), validators=[Optional()])
    department = StringField(_l("Department"), validators=[Length(max=120)])
    address = StringField(_l("Workplace address"), validators=[Length(max=200)])
    supervisor_name = StringField(_l("Workplace supervisor"), validators=[Length(max=120)])
    supervisor_email = EmailField(
        _l("E-mail address of the supervisor"), validators=[Optional(), Email(), Length(max=254)]
    )
    supervisor_phone = StringField(_l("Phone number of the supervisor"), validators=[Length(max=40)])

    def values(self) -> dict:
        return _values(
            self,
            (
                "places",
                "cohort_id",
                "period_start",
                "period_end",
                "department",
                "address",
                "supervisor_name",
                "supervisor_email",
                "supervisor_phone",
            ),
        )


class PublicOfferForm(FlaskForm):
    """The public page. `website` is a trap for robots: hidden from people, so never filled in."""

    organisation = StringField(
        _l("Municipality or organisation"), validators=[InputRequired(), Length(max=120)]
    )
    contact_name = StringField(_l("Your name"), validators=[InputRequired(), Length(max=120)])
    contact_email = EmailField(
        _l("Your e-mail address"),
        validators=[InputRequired(), Email(), Length(max=254)],
        description=_l("We send a confirmation to this address."),
    )
    places = places_field(_l("How many internship places?"))
    cohort_id = SelectField(_l("For which group?"), coerce=optional_id, validators=[Optional()])
    period = StringField(
        _l("Which period?"),
        validators=[Length(max=120)],
        description=_l("Only for another period. For example: March to May 2027."),
    )
    department = StringField(_l("Department"), validators=[Length(max=120)])
    address = StringField(_l("Workplace address"), validators=[Length(max=200)])
    supervisor = StringField(
        _l("Workplace supervisor, if you know"),
        validators=[Length(max=200)],
        description=_l("Name, and e-mail address or phone number."),
    )
    website = StringField(_l("Leave this field empty"))

    def values(self) -> dict:
        return _values(
            self,
            (
                "organisation",
                "contact_name",
                "contact_email",
                "places",
                "cohort_id",
                "period",
                "department",
                "address",
                "supervisor",
            ),
        )


class NoCsrfForm(FlaskForm):
    """For the several forms on the submissions page: each has a prefix, so its fields' ids are
    unique, and the page carries one plain csrf_token field that CSRFProtect checks for every POST."""

    class Meta:
        csrf = False


class ApproveForm(NoCsrfForm):
    municipality_id = SelectField(_l("Municipality"), coerce=optional_id, validators=[Optional()])
    name = StringField(_l("Name of the new municipality"), validators=[Length(max=120)])
    cbs_code = StringField(
        _l("CBS code"), validators=[Length(max=20)], description=_l("GM and four digits, like GM0344.")
    )
    province = SelectField(_l("Province"), choices=province_choices, default="")
    cohort_id = SelectField(_l("Group"), coerce=optional_id, validators=[Optional()])
    period_start = DateField(_l("First day"), validators=[Optional()])
    period_end = DateField(_l("Last day"), validators=[Optional()])
    invite_sender = BooleanField(
        _l("Invite the sender as contact person of this municipality"),
        description=_l("They get an account and see the municipality's interns."),
    )

    def values(self) -> dict:
        names = ("municipality_id", "name", "cbs_code", "province", "cohort_id", "period_start", "period_end")
        return _values(self, (*names, "invite_sender"))


class RejectForm(NoCsrfForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[InputRequired(), Length(max=500)],
        description=_l("The sender gets this reason by e-mail."),
    )
