"""The erasure confirmation: the manager types a word, so a slip of the mouse erases nothing."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired, ValidationError

# Shown on the page and typed back; in Dutch "VERWIJDEREN".
CONFIRMATION_WORD = _l("ERASE")


class EraseForm(FlaskForm):
    confirmation = StringField(
        _l("Type the word to confirm"),
        validators=[InputRequired(message=_l("Type the word shown above."))],
    )

    def validate_confirmation(self, field) -> None:
        if (field.data or "").strip().upper() != str(CONFIRMATION_WORD).upper():
            raise ValidationError(_l("Type the word shown above exactly: %(word)s", word=CONFIRMATION_WORD))
