"""Attendance rates: one rule, used by the dashboard, the API, the trainee file and the exports.

Pure: no Flask, no database. A rate is the share of attended sessions among the sessions that count:

- present and late both count as attended (late is noted, not held against the rate);
- an excused absence (absent_excused) is left out entirely: it counts neither for nor against;
- an unexcused absence counts against;
- sessions that were cancelled, or that lie after the day a trainee withdrew, do not count, and
  neither do sessions without a recorded attendance (nothing is known about them yet).

With nothing that counts, the rate is None ("no data"), never 0 or 1.

The *recent* rate (dashboard, API, trainee file) covers the last 4 weeks: the 28 days up to and
including today.
"""

from collections.abc import Iterable
from datetime import date, timedelta

# Every attendance status that can be recorded, in the order the interface and the exports list them.
STATUSES = ("present", "late", "absent_excused", "absent")
ATTENDED = frozenset({"present", "late"})
COUNTED = ATTENDED | {"absent"}
RECENT_DAYS = 28


def recent_window_start(today: date) -> date:
    """The first day of the last 4 weeks (28 days including today)."""
    return today - timedelta(days=RECENT_DAYS - 1)


def attendance_rate(statuses: Iterable[str]) -> float | None:
    """The rate over recorded attendance statuses of sessions that count (see the module doc)."""
    attended = counted = 0
    for status in statuses:
        if status in COUNTED:
            counted += 1
            attended += status in ATTENDED
    return attended / counted if counted else None


def rate_from_counts(attended: int, counted: int) -> float | None:
    """The same rate from counts an SQL query already grouped (attended = present + late)."""
    return attended / counted if counted else None
