"""One trainee's attendance in numbers: rates overall and over the last weeks, counts per status.

Pure: plain values in, plain values out. Which sessions count follows core/rates.py: cancelled
sessions, sessions after the day the trainee withdrew and sessions without a recorded attendance
are left out; the rate itself is `core.rates.attendance_rate`.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from core.rates import STATUSES, attendance_rate, recent_window_start


@dataclass(frozen=True)
class AttendanceLine:
    """A session of the trainee: its day, whether it was cancelled, and the recorded status (or None)."""

    day: date
    is_cancelled: bool
    status: str | None


@dataclass(frozen=True)
class AttendanceSummary:
    rate: float | None
    recent_rate: float | None
    counts: dict[str, int] = field(default_factory=dict)  # status -> sessions; "unrecorded" for the past
    recent_since: date | None = None  # the first day of the recent window


def is_held(line: AttendanceLine, withdrawn_on: date | None) -> bool:
    """Whether the session took place for this trainee: not cancelled, and not after the day they
    withdrew. A held session still leaves the rate when the absence was excused or nothing was
    recorded (see core/rates.py)."""
    return not line.is_cancelled and (withdrawn_on is None or line.day <= withdrawn_on)


def summarise(lines: list[AttendanceLine], today: date, withdrawn_on: date | None) -> AttendanceSummary:
    """Rates over the sessions that count, and how many sessions had each status."""
    held = [line for line in lines if is_held(line, withdrawn_on)]
    since = recent_window_start(today)
    recent = [line for line in held if since <= line.day <= today]
    tally = Counter(line.status for line in held if line.status is not None)
    unrecorded = sum(1 for line in held if line.status is None and line.day <= today)
    return AttendanceSummary(
        rate=attendance_rate(line.status for line in held if line.status),
        recent_rate=attendance_rate(line.status for line in recent if line.status),
        counts={**{status: tally.get(status, 0) for status in STATUSES}, "unrecorded": unrecorded},
        recent_since=since,
    )
