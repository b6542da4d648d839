"""The reminder settings form: for each rule an on/off checkbox and its timing fields.

The form only reads and shows values; `reminders.scan.save_rules` checks them, so each problem is
worded in one place. Each rule is a sub-form named after its kind, so its fields post as
`<kind>-is_enabled`, `<kind>-time`, `<kind>-days_before`, `<kind>-working_days`.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, Form, FormField, StringField

from cohort.follow_ups.rules import FOLLOW_UP_CHASE_DAYS, FOLLOW_UP_VALID_DAYS
from core.errors import ValidationError
from reminders import rules

RULE_NAMES = {
    rules.SESSION_REMINDER: _l("Reminder of a session"),
    rules.RETURN_DAY_NOTICE: _l("Return day notice to supervisors"),
    rules.PLACEMENT_CHASE: _l("Reminder of an unanswered proposal"),
    rules.UNPLACED_ALERT: _l("Trainees without an internship place"),
    rules.EVALUATION_DUE: _l("Evaluations by supervisors"),
    rules.WEEKLY_DIGEST: _l("Weekly overview"),
    rules.FOLLOW_UP: _l("Questions after the programme"),
}

RULE_HINTS = {
    rules.SESSION_REMINDER: _l(
        "To each trainee, before each training day, return day and extra session. "
        "Not to trainees who turned reminders off."
    ),
    rules.RETURN_DAY_NOTICE: _l(
        "To the workplace supervisor, on the working day before a return day of their interns."
    ),
    rules.PLACEMENT_CHASE: _l(
        "To the contacts of the municipality, when a proposal has no answer after this many working "
        "days. Then again after the same number of working days."
    ),
    rules.UNPLACED_ALERT: _l(
        "To all managers, on each working day from this many working days before the internship "
        "starts, while trainees have no confirmed internship place."
    ),
    rules.EVALUATION_DUE: _l(
        "To the workplace supervisor, in internship weeks 4 and 8, with a link to the form. "
        "Once more after this many working days if the evaluation is still missing."
    ),
    rules.WEEKLY_DIGEST: _l(
        "To managers who want it, on Monday: the sessions, open proposals, absence notices, "
        "missing evaluations and failed messages of the week."
    ),
    rules.FOLLOW_UP: _l(
        "To former trainees, also those who stopped early: 3, 6 and 12 months after their end date, "
        "a few questions about work, with a link that works for %(valid)d days. Once more after "
        "%(chase)d days without an answer. Not to people who asked not to be asked again.",
        valid=FOLLOW_UP_VALID_DAYS,
        chase=FOLLOW_UP_CHASE_DAYS,
    ),
}

FIELD_LABELS = {
    "time": _l("Time (HH:MM)"),
    "days_before": _l("Days before the session"),
    "working_days": _l("Number of working days"),
}

FIELD_INPUTS = {
    "time": {"type": "time"},
    "days_before": {"type": "number", "min": 0, "max": rules.MAX_NUMBER},
    "working_days": {"type": "number", "min": 0, "max": rules.MAX_NUMBER},
}


def _rule_form(kind: str) -> type[Form]:
    """The sub-form of one rule: on/off and only the settings that rule has."""
    fields = {"is_enabled": BooleanField(_l("On"))}
    for name in rules.DEFAULT_RULES[kind]:
        fields[name] = StringField(FIELD_LABELS[name], render_kw=FIELD_INPUTS[name])
    return type(f"RuleForm_{kind}", (Form,), fields)


class ReminderRulesForm(FlaskForm):
    """All rules on one page; the sub-forms are added below, one per kind."""

    @classmethod
    def for_rules(cls, current: dict[str, rules.Rule]) -> "ReminderRulesForm":
        """The form filled in with the rules as they apply (a posted form keeps what was posted)."""
        data = {}
        for kind, rule in current.items():
            values = {"is_enabled": rule.is_enabled, "time": f"{rule.at:%H:%M}"}
            values.update({name: str(getattr(rule, name)) for name in rules.NUMBER_FIELDS})
            data[kind] = {name: values[name] for name in ("is_enabled", *rules.DEFAULT_RULES[kind])}
        return cls(data=data)

    def values(self) -> dict[str, dict]:
        """Kind -> {"is_enabled": bool, setting: text}, as scan.save_rules reads it."""
        return {kind: dict(self[kind].data) for kind in rules.KINDS}

    def show_errors(self, error: ValidationError) -> None:
        """Put each problem (named `<kind>-<setting>`) next to its field."""
        for name, problem in error.fields.items():
            kind, _sep, setting = name.partition("-")
            field = self[kind][setting]
            field.errors = [*field.errors, problem]


for _kind in rules.KINDS:
    # WTForms' form class picks up fields set after the class body too.
    setattr(ReminderRulesForm, _kind, FormField(_rule_form(_kind), label=RULE_NAMES[_kind]))
