"""Forms of the accounts pages. Field checks here; rules that need the database live in services."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import Email, EqualTo, InputRequired, Length, Optional

from accounts.models import Role
from core.calendar_alerts import AlertChoice

LANGUAGE_CHOICES = [("nl", "Nederlands"), ("en", "English")]
ALERT_CHOICES = [
    (AlertChoice.EVENING_BEFORE.value, _l("The evening before, at 18:00")),
    (AlertChoice.TWO_HOURS.value, _l("2 hours before")),
    (AlertChoice.ONE_HOUR.value, _l("1 hour before")),
    (AlertChoice.OFF.value, _l("No alert")),
]


def optional_id(value) -> int | None:
    """Coerce a select's value to an id; the empty choice is None."""
    return int(value) if value not in (None, "", "None") else None


def role_choices():
    return [
        (Role.MANAGER.value, _l("Programme manager")),
        (Role.MUNICIPALITY.value, _l("Municipality contact")),
        (Role.TRAINEE.value, _l("Trainee")),
        (Role.TRAINER.value, _l("Trainer")),
    ]


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[InputRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[InputRequired(), Length(max=200)])
    remember = BooleanField(_l("Stay logged in on this device (30 days)"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[InputRequired(), Email(), Length(max=254)])


class SetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        validators=[InputRequired(), Length(min=10, max=200)],
        description=_l("At least 10 characters."),
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[InputRequired(), EqualTo("password", message=_l("The passwords are not the same."))],
    )


class UserForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=120)])
    email = EmailField(_l("E-mail address"), validators=[InputRequired(), Email(), Length(max=254)])
    # A required choice starts empty (HTML's rule for a required select): nobody gets a role by accident.
    role = SelectField(
        _l("Role"), choices=lambda: [("", _l("Choose a role")), *role_choices()], validators=[InputRequired()]
    )
    municipality_id = SelectField(
        _l("Municipality (for a municipality contact)"), coerce=optional_id, validators=[Optional()]
    )
    trainee_id = SelectField(_l("Trainee (for a trainee)"), coerce=optional_id, validators=[Optional()])
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)


class UserDetailsForm(FlaskForm):
    """A manager corrects a user's name or address (after a bounce, say)."""

    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=120)])
    email = EmailField(_l("E-mail address"), validators=[InputRequired(), Email(), Length(max=254)])


class PreferencesForm(FlaskForm):
    """Language, and the messages a user may turn off. Change notices cannot be turned off."""

    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
    wants_session_reminders = BooleanField(_l("Send me a reminder for each session"))
    wants_digest = BooleanField(_l("Send me the summary e-mail (digest)"))
    calendar_alert = SelectField(
        _l("Alert in your calendar"),
        choices=ALERT_CHOICES,
        description=_l("Some calendar apps do not show this alert."),
    )

    # Which optional message each role gets, so only those are shown and saved.
    OPTIONAL_MESSAGES = {Role.TRAINEE: "wants_session_reminders", Role.MANAGER: "wants_digest"}

    def limit_to_role(self, role: str) -> None:
        """Remove the choices that are not for this role: they are neither shown nor saved."""
        for wanted_by, name in self.OPTIONAL_MESSAGES.items():
            if wanted_by != role:
                delattr(self, name)

    @property
    def has_message_choices(self) -> bool:
        return any(name in self for name in self.OPTIONAL_MESSAGES.values())


TOKEN_DAY_CHOICES = [
    ("30", _l("30 days")),
    ("90", _l("90 days")),
    ("180", _l("180 days")),
    ("365", _l("1 year")),
]


class ApiTokenForm(FlaskForm):
    name = StringField(
        _l("Name of the token"),
        validators=[InputRequired(), Length(max=80)],
        description=_l("For example: the name of the program that uses it."),
    )
    days = SelectField(_l("The token works for"), choices=TOKEN_DAY_CHOICES, default="90")
    password = PasswordField(
        _l("Your password"),
        validators=[InputRequired(), Length(max=200)],
        description=_l("To be sure it is you who makes the token."),
    )
