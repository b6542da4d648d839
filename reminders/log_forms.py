"""The message log's filter form: a GET form, so a filtered list is a link one can share."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from core.labels import MESSAGE_STATUS_LABELS, label
from reminders.log_services import MessageFilters


class MessageFilterForm(FlaskForm):
    # A search changes nothing and is a link: no CSRF token in the address.
    class Meta:
        csrf = False

    kind = SelectField(_l("Kind"), default="", validators=[Optional()])
    status = SelectField(
        _l("Status"),
        default="",
        choices=[("", _l("All"))] + list(MESSAGE_STATUS_LABELS.items()),
        validators=[Optional()],
    )
    recipient = StringField(
        _l("Recipient"),
        validators=[Optional(), Length(max=254)],
        description=_l("Part of the e-mail address is enough."),
    )
    date_from = DateField(_l("Created from"), validators=[Optional()])
    date_to = DateField(_l("Created up to and including"), validators=[Optional()])

    def set_kinds(self, kinds: list[str]) -> None:
        self.kind.choices = [("", _l("All"))] + [(kind, label(kind)) for kind in kinds]

    def validate_date_to(self, field) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("This date is before the first date."))

    def filters(self, tz_name: str) -> MessageFilters:
        """The filters from the fields that are valid; a field with an error filters nothing."""
        valid = {name: field.data for name, field in self._fields.items() if not field.errors}
        return MessageFilters(
            kind=valid.get("kind") or None,
            status=valid.get("status") or None,
            recipient=valid.get("recipient") or None,
            date_from=valid.get("date_from"),
            date_to=valid.get("date_to"),
            tz_name=tz_name,
        )
