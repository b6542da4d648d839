"""Reading whole numbers from untrusted input (form fields, JSON bodies). Pure: no Flask, no database.

Only ASCII digits count. `str.isdigit()` also takes "²", which int() refuses (a ValueError, a 500);
`str.isdecimal()` takes Arabic-Indic "١٢", which int() reads as 12, but no form or API client
of this app sends those, and an id that looks different from every id the app shows is more
likely a mistake than a number. Surrounding whitespace is ignored, as int() does.
"""

# At most 9 digits: below PostgreSQL's `integer` limit (2,147,483,647), the type of every id and
# number column. core.converters bounds the ids in URLs with the same constant.
MAX_DIGITS = 9


def _text_of(value: object) -> str | None:
    """The value as a stripped text, for an int (not a bool) or a str; None for anything else."""
    if isinstance(value, bool):
        return None  # True is an int to Python, but not a number anyone typed
    if isinstance(value, int):
        return str(value)
    return value.strip() if isinstance(value, str) else None


def _is_digits(text: str) -> bool:
    return 0 < len(text) <= MAX_DIGITS and text.isascii() and text.isdecimal()


def parse_id(value: object) -> int | None:
    """A record id: 1 to MAX_DIGITS digits, above 0; None for anything else ("-3", "0", "7a", "")."""
    text = _text_of(value)
    return int(text) if text is not None and _is_digits(text) and int(text) > 0 else None


def parse_whole_number(value: object) -> int | None:
    """A whole number with an optional leading minus and at most MAX_DIGITS digits; else None.

    "-0" is 0; "--5", "+5", "5.0", "1e3" and "" are None.
    """
    text = _text_of(value)
    if text is None:
        return None
    digits = text.removeprefix("-")
    return int(text) if _is_digits(digits) else None
