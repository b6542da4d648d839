"""Dutch public holidays, with their Dutch names. Pure: years in, dates out.

The one holiday calendar of the app: planning moves sessions off these days, and the working-day
counts of reminders, the attention list and the placement shortage skip them.
"""

import functools
from collections.abc import Iterable
from datetime import date

# The Netherlands class rather than holidays.country_holidays("NL"): the package loads its country
# modules lazily, which costs ~0.1 s on first use. Importing the class here moves that one-off cost
# to import time, so even the first plan of a process stays within milliseconds.
from holidays.countries import Netherlands


def dutch_holidays(years: Iterable[int]) -> dict[date, str]:
    """Dutch public holidays of ``years``, named in Dutch.

    Whatever the holidays package lists for NL counts as a holiday. With holidays 0.84 that is
    Nieuwjaarsdag, Goede Vrijdag, Eerste/Tweede paasdag, Koningsdag, Hemelvaartsdag,
    Eerste/Tweede Pinksterdag and Eerste/Tweede Kerstdag every year, and Bevrijdingsdag only in
    lustrum years (2025, 2030, ...), when it is a national day off for most employers.
    """
    result: dict[date, str] = {}
    for year in sorted(set(years)):
        result.update(_dutch_holidays_of_year(year))
    return result


@functools.cache
def _dutch_holidays_of_year(year: int) -> tuple[tuple[date, str], ...]:
    # Cached per year: holidays never change for a pinned package, and building them is the
    # most expensive part of planning. A tuple keeps the cached value immutable.
    language = "nl" if "nl" in Netherlands.supported_languages else None
    calendar = Netherlands(years=year, language=language)
    return tuple(sorted(calendar.items()))
