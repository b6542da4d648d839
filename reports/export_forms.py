"""The forms of the exports page: which group, which period, which file format.

GET forms: a download changes nothing, so no CSRF token travels in the address. The address holds
only a group's id, dates and the format, never anything about a person.
"""

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import Optional, ValidationError

FORMATS = {"csv": _l("CSV (for any program; fields separated by ;)"), "xlsx": _l("Excel (XLSX)")}


@dataclass(frozen=True)
class ExportChoice:
    """What a valid form asks for: the group (None: all groups), the period and the format."""

    cohort_id: int | None
    cohort_name: str | None
    start: date | None
    end: date | None
    file_format: str


class ExportForm(FlaskForm):
    class Meta:
        csrf = False

    cohort = SelectField(_l("Group"), default="", validate_choice=False)
    format = SelectField(
        _l("File format"),
        default="csv",
        choices=list(FORMATS.items()),
        validate_choice=False,
    )

    def __init__(self, kind: str, cohorts: list[tuple[int, str]], **kwargs):
        super().__init__(**kwargs)
        self.kind = kind
        self.cohorts = dict(cohorts)
        self.cohort.choices = [("", _l("All groups"))] + [(str(id_), name) for id_, name in cohorts]
        # Several of these forms share one page: each field gets an id of its own.
        for field in self:
            field.id = field.label.field_id = f"{kind}-{field.name}"

    def validate_cohort(self, field) -> None:
        if field.data and not (field.data.isdecimal() and int(field.data) in self.cohorts):
            raise ValidationError(_l("This group does not exist. Choose a group from the list."))

    def validate_format(self, field) -> None:
        if field.data not in FORMATS:
            raise ValidationError(_l("Choose CSV or Excel (XLSX)."))

    def choice(self) -> ExportChoice:
        """The choice of a validated form."""
        cohort_id = int(self.cohort.data) if self.cohort.data else None
        return ExportChoice(
            cohort_id=cohort_id,
            cohort_name=self.cohorts.get(cohort_id),
            start=None,
            end=None,
            file_format=self.format.data,
        )


class PeriodExportForm(ExportForm):
    """An export over a period: attendance. Empty dates leave that side of the period open."""

    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("Up to and including"), validators=[Optional()])

    def validate_date_to(self, field) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("This date is before the first date."))

    def choice(self) -> ExportChoice:
        base = super().choice()
        return ExportChoice(
            base.cohort_id, base.cohort_name, self.date_from.data, self.date_to.data, base.file_format
        )
