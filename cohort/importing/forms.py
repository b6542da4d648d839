"""Forms of the trainee import: choosing the file, and confirming the preview."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField
from wtforms.validators import InputRequired

from cohort.importing.services import FILE_TYPES, MAX_ROWS


class ImportUploadForm(FlaskForm):
    file = FileField(
        _l("File with trainees (CSV or XLSX)"),
        validators=[
            FileRequired(message=_l("Choose a file.")),
            FileAllowed(FILE_TYPES, message=_l("Choose a CSV or XLSX file.")),
        ],
        render_kw={"accept": ".csv,.xlsx"},
        description=_l("At most %(n)d rows. Nothing is saved until you confirm.", n=MAX_ROWS),
    )


class ConfirmImportForm(FlaskForm):
    """Carries the checked rows, signed, so the preview needs no state on the server."""

    rows = HiddenField(validators=[InputRequired()])
