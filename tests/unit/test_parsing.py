"""Reading ids and whole numbers from untrusted text (core/parsing.py), on plain values."""

import pytest

from core import converters
from core.parsing import MAX_DIGITS, parse_id, parse_whole_number


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("7", 7),
        (" 7 ", 7),  # whitespace around a number is no mistake worth a form error
        ("007", 7),
        (7, 7),  # a JSON body gives numbers as numbers
        ("999999999", 999_999_999),  # the largest id of MAX_DIGITS digits
        ("1000000000", None),  # 10 digits: beyond what an id column holds
        ("0000000001", None),  # 10 digits still, however small
        (10**9, None),
        ("0", None),
        ("-0", None),
        ("-5", None),
        ("--5", None),
        ("+5", None),
        ("", None),
        ("   ", None),
        ("²", None),  # isdigit() says yes, int() says no
        ("١٢", None),  # Arabic-Indic digits: decimal to Python, but not what this app sends or shows
        ("7a", None),
        ("5.0", None),
        ("1e3", None),
        ("1_000", None),  # int() reads the underscore; an id has none
        (True, None),  # an int to Python, not a number anyone typed
        (7.0, None),
        (None, None),
        (["7"], None),
    ],
)
def test_parse_id(value, expected):
    assert parse_id(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12", 12),
        ("0", 0),
        ("-0", 0),
        ("-3", -3),
        (" -3 ", -3),
        (-3, -3),
        ("999999999", 999_999_999),
        ("-999999999", -999_999_999),
        ("1000000000", None),
        ("-1000000000", None),
        (10**20, None),
        ("--5", None),  # lstrip("-") let this through to int(): a ValueError, a 500
        ("-", None),
        ("- 5", None),
        ("+5", None),
        ("5-", None),
        ("", None),
        ("²", None),
        ("١٢", None),
        ("-١٢", None),
        ("5.0", None),
        (False, None),
        (None, None),
    ],
)
def test_parse_whole_number(value, expected):
    assert parse_whole_number(value) == expected


def test_ids_in_urls_and_in_fields_have_the_same_bound():
    assert converters.MAX_DIGITS == MAX_DIGITS == 9
    assert parse_id("9" * MAX_DIGITS) < 2**31 - 1  # fits PostgreSQL's integer, the type of every id
