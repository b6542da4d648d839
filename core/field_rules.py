"""The rules of core/text_rules.py as field errors: services call these, so a bad address or a
line break answers the same words on every form, in the API, the import and the CLI."""

from flask_babel import gettext as _

from core.text_rules import is_single_line, mail_address


def not_an_address() -> str:
    return _("Not a valid e-mail address.")


def not_one_line() -> str:
    return _("Use one line, without line breaks or tabs.")


def clean_address(value, field: str, problems: dict) -> str:
    """The stored form of the address in `value`, or "" with the field's problem noted."""
    address = mail_address(value)
    if address is None:
        problems[field] = not_an_address()
        return ""
    return address


def check_one_line(value: str, field: str, problems: dict) -> str:
    """`value` itself; a control character in it is noted as the field's problem (unless the field
    already has one)."""
    if not is_single_line(value):
        problems.setdefault(field, not_one_line())
    return value
