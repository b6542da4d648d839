"""The input rules for text that may reach an e-mail: one place, used by every form, the API,
the import and the CLI alike. Pure: strings in, strings out.

- **E-mail addresses** the app will send to are checked with email-validator (syntax only, no
  DNS look-up): exactly one address, no display name ("Naam <a@b.nl>"), no list ("a@b.nl,
  c@d.nl"), at most 254 characters. They are stored normalised and lowercased.
- **Single-line text** (names, titles, locations, departments) holds no control characters:
  no CR, LF or TAB, no other C0 or C1 character (U+0085 included), and no Unicode line or
  paragraph separator. Such a value can end up in a mail header (a subject names a session's
  title, a cohort's name), where a line break would start a new header. Multi-line fields
  (notes, comments) keep their line breaks; they only ever reach a mail's body.
"""

import re

from email_validator import EmailNotValidError, validate_email

MAX_ADDRESS_LENGTH = 254
_CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def mail_address(text: str | None) -> str | None:
    """The address as it is stored (normalised, lowercased), or None when `text` is not one valid
    address. Surrounding white space is ignored."""
    if not isinstance(text, str):
        return None
    value = text.strip()
    if not value or len(value) > MAX_ADDRESS_LENGTH:
        return None
    try:
        return validate_email(value, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None


def is_single_line(text: str) -> bool:
    """True when `text` has no control character and no line or paragraph separator."""
    return _CONTROL_CHARACTERS.search(text) is None


# A phone number's last nine digits name the line: 06-12345678, 0612 345 678 and +31 6 12345678
# are one number. Shorter numbers (an extension) are not compared.
PHONE_KEY_DIGITS = 9


def phone_key(phone: str | None) -> str | None:
    digits = re.sub(r"\D", "", phone or "")
    return digits[-PHONE_KEY_DIGITS:] if len(digits) >= PHONE_KEY_DIGITS else None
