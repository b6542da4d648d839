"""Forms of the cohort pages. They read and render fields; the services check the rules."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
    widgets,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from accounts.forms import optional_id
from placements.municipalities.register import MAX_NAME


def weekday_choices():
    return [
        ("mon", _l("Monday")),
        ("tue", _l("Tuesday")),
        ("wed", _l("Wednesday")),
        ("thu", _l("Thursday")),
        ("fri", _l("Friday")),
    ]


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class CohortForm(FlaskForm):
    name = StringField(_l("Name of the group"), validators=[InputRequired(), Length(max=120)])
    template = SelectField(_l("Programme"))
    start_date = DateField(_l("Start date (a Monday)"), validators=[InputRequired()])
    location = StringField(_l("Location (address)"), validators=[Length(max=200)])
    capacity = IntegerField(_l("Places"), default=20, validators=[Optional(), NumberRange(1, 500)])
    training_weekdays = CheckboxesField(
        _l("Training days"),
        choices=weekday_choices,
        validators=[Optional()],
        description=_l("Leave empty to use the programme's days."),
    )
    return_weekday = SelectField(
        _l("Return day"),
        choices=lambda: [("", _l("As in the programme"))] + weekday_choices(),
        validators=[Optional()],
    )
    training_weeks = IntegerField(_l("Weeks of training"), validators=[Optional()])
    internship_weeks = IntegerField(_l("Weeks of internship"), validators=[Optional()])
    programme_weeks = IntegerField(
        _l("Weeks in total"),
        validators=[Optional()],
        description=_l("Guided work fills the weeks after the internship."),
    )
    discard_edits = BooleanField(_l("Discard changes made by hand to single sessions"))

    @staticmethod
    def data_from(cohort) -> dict:
        """The form's starting values for an existing cohort (its overrides as stored)."""
        return {
            "name": cohort.name,
            "template": cohort.template.slug,
            "start_date": cohort.start_date,
            "location": cohort.location,
            "capacity": cohort.capacity,
            "training_weekdays": cohort.training_weekdays.split(",") if cohort.training_weekdays else [],
            "return_weekday": cohort.return_weekday or "",
            "training_weeks": cohort.training_weeks,
            "internship_weeks": cohort.internship_weeks,
            "programme_weeks": cohort.programme_weeks,
        }

    def settings(self) -> dict:
        """The form's values in the shape the cohort service reads."""
        data = {
            name: self[name].data
            for name in (
                "name",
                "template",
                "start_date",
                "location",
                "capacity",
                "return_weekday",
                "training_weeks",
                "internship_weeks",
                "programme_weeks",
            )
        }
        data["training_weekdays"] = self.training_weekdays.data or None
        return data


class SessionForm(FlaskForm):
    date = DateField(_l("Date"), validators=[InputRequired()])
    start_time = TimeField(_l("Start time"), validators=[InputRequired()])
    end_time = TimeField(_l("End time"), validators=[InputRequired()])
    title = StringField(_l("Topic"), validators=[Length(max=160)])
    location = StringField(
        _l("Location"), validators=[Length(max=200)], description=_l("Leave empty for the group's location.")
    )
    trainer_id = SelectField(_l("Trainer"), coerce=optional_id, validators=[Optional()])
    description = TextAreaField(
        _l("For the trainees"),
        validators=[Length(max=2000)],
        description=_l(
            "What to bring or prepare. Trainees see this on their schedule, "
            "in their calendar and in the reminder."
        ),
    )
    notes = TextAreaField(
        _l("Internal notes"),
        validators=[Length(max=5000)],
        description=_l("Only for staff. Trainees never see this."),
    )

    def values(self) -> dict:
        fields = ("date", "start_time", "end_time", "title", "location", "trainer_id", "description", "notes")
        return {name: self[name].data for name in fields}


def session_kind_choices():
    return [
        ("training", _l("Training day")),
        ("return_day", _l("Return day")),
        ("extra", _l("Extra session")),
    ]


class TrainerAssignmentForm(FlaskForm):
    """One trainer for many sessions (sessions/trainer_assignment.py): which, by kind, weekday, period."""

    trainer_id = SelectField(_l("Trainer"), coerce=optional_id, validators=[InputRequired()])
    kinds = CheckboxesField(_l("Kind of session"), choices=session_kind_choices, validators=[Optional()])
    weekdays = CheckboxesField(_l("On these weekdays"), choices=weekday_choices, validators=[Optional()])
    first = DateField(_l("From"), validators=[InputRequired()])
    last = DateField(_l("Until"), validators=[InputRequired()])

    def values(self) -> dict:
        return {name: self[name].data for name in ("trainer_id", "kinds", "weekdays", "first", "last")}


class EnrolForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=120)])
    email = EmailField(_l("E-mail address"), validators=[InputRequired(), Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Length(max=40)])
    # Typed, with the register's names offered as the browser types (a datalist): any name the
    # register knows ("Den Haag") or a CBS code; the service resolves it or offers a choice.
    home_municipality = StringField(
        _l("Home municipality"),
        validators=[Length(max=MAX_NAME)],
        description=_l("The name or CBS code, for example Den Haag or GM0518."),
        render_kw={"list": "municipality-names", "autocomplete": "off"},
    )
    languages = StringField(
        _l("Languages spoken"),
        validators=[Length(max=200)],
        description=_l("Separate with commas, e.g. Arabic, Dutch, English."),
    )


class WithdrawForm(FlaskForm):
    withdrawn_on = DateField(_l("Date"), validators=[InputRequired()])
    reason = StringField(_l("Reason"), validators=[InputRequired(), Length(max=300)])


class MoveForm(FlaskForm):
    cohort_id = SelectField(_l("New group"), coerce=int)
    reason = StringField(_l("Why does the trainee move?"), validators=[InputRequired(), Length(max=300)])


class AbsenceForm(FlaskForm):
    reason = StringField(_l("Why can you not come?"), validators=[InputRequired(), Length(max=300)])


class ClosureForm(FlaskForm):
    start_date = DateField(_l("First day"), validators=[InputRequired()])
    end_date = DateField(_l("Last day"), validators=[InputRequired()])
    reason = StringField(
        _l("Reason"),
        validators=[InputRequired(), Length(max=120)],
        description=_l("For example: Christmas break."),
    )
