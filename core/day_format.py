"""Dates the way people write them: "22–26 maart", "29 maart – 2 april", "28 december 2026 – 1 januari
2027"."""

import re
from datetime import date
from functools import lru_cache

from babel import Locale
from babel.dates import parse_pattern

# The fields an interval can differ in, largest first, with the date attribute each reads.
_FIELDS = (("y", "year"), ("M", "month"), ("d", "day"))
_ABBREVIATED_MONTH = re.compile(r"(?<!M)MMM(?!M)")


@lru_cache(maxsize=16)
def _interval_patterns(locale: str, with_year: bool) -> dict:
    """CLDR's interval patterns for day and month, with the month written in full (CLDR only has
    them with an abbreviated month, "22–26 mrt")."""
    data, skeleton = Locale.parse(locale), "yMMMd" if with_year else "MMMd"
    formats = data.interval_formats[skeleton]
    patterns = {
        field: [_in_full(half) for half in formats[field]]
        for field, _attribute in _FIELDS
        if field in formats
    }
    patterns["single"] = _in_full(str(data.datetime_skeletons[skeleton]))
    return patterns


def _in_full(pattern: str):
    return parse_pattern(_ABBREVIATED_MONTH.sub("MMMM", pattern))


def format_day_range(first: date, last: date, locale: str, with_year: bool = False) -> str:
    """First to last day as one readable range, in the locale's own order and punctuation."""
    patterns = _interval_patterns(str(locale), with_year)
    for field, attribute in _FIELDS:
        if field in patterns and getattr(first, attribute) != getattr(last, attribute):
            start, end = patterns[field]
            return start.apply(first, locale) + end.apply(last, locale)
    return patterns["single"].apply(first, locale)
