"""The programme template form. It reads and renders fields; template_services checks the rules."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TimeField
from wtforms.validators import Optional

from cohort.forms import CheckboxesField, weekday_choices

VALUE_FIELDS = (
    "name",
    "slug",
    "training_weeks",
    "internship_weeks",
    "programme_weeks",
    "training_weekdays",
    "training_start",
    "training_end",
    "return_weekday",
    "return_start",
    "return_end",
    "return_from_week",
    "is_default",
)


class ProgrammeTemplateForm(FlaskForm):
    name = StringField(_l("Name"))
    slug = StringField(
        _l("Short name"),
        description=_l(
            "Lowercase letters, digits and hyphens, for example wet-inburgering. "
            "Other systems use it to name the programme."
        ),
    )
    training_weeks = IntegerField(_l("Weeks of training"), validators=[Optional()])
    internship_weeks = IntegerField(_l("Weeks of internship"), validators=[Optional()])
    programme_weeks = IntegerField(
        _l("Weeks in total"),
        validators=[Optional()],
        description=_l("Guided work fills the weeks after the internship."),
    )
    training_weekdays = CheckboxesField(_l("Training days"), choices=weekday_choices, validators=[Optional()])
    training_start = TimeField(_l("Training days start at"), validators=[Optional()])
    training_end = TimeField(_l("Training days end at"), validators=[Optional()])
    return_weekday = SelectField(
        _l("Return day"),
        choices=lambda: [("", _l("No return day"))] + weekday_choices(),
        validators=[Optional()],
    )
    return_start = TimeField(_l("Return day starts at"), validators=[Optional()])
    return_end = TimeField(_l("Return day ends at"), validators=[Optional()])
    return_from_week = IntegerField(
        _l("Return day from week"),
        validators=[Optional()],
        description=_l("The return day is every week, from this week until the end."),
    )
    is_default = BooleanField(_l("Default programme for new groups"))

    @classmethod
    def for_template(cls, template) -> "ProgrammeTemplateForm":
        """The form filled in with a stored template (a posted form keeps what was posted)."""
        data = {name: getattr(template, name) for name in VALUE_FIELDS}
        # Not `obj=template`: the model stores weekdays as text ("mon,wed"), the form wants a list.
        data["training_weekdays"] = template.training_weekdays.split(",")
        data["return_weekday"] = template.return_weekday or ""
        return cls(**data)

    def values(self) -> dict:
        """The form's values in the shape template_services.save_template reads."""
        return {name: self[name].data for name in VALUE_FIELDS}
