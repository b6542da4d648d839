"""One trainee's attendance in numbers: which sessions count, and no data is not zero."""

from datetime import date

import pytest

from cohort.trainees.attendance import AttendanceLine, summarise


def test_rates_leave_out_excused_cancelled_unrecorded_and_after_withdrawal():
    today = date(2026, 6, 30)
    lines = [
        AttendanceLine(date(2026, 5, 1), False, "present"),
        AttendanceLine(date(2026, 5, 8), False, "absent"),
        AttendanceLine(date(2026, 5, 15), False, "absent_excused"),  # neither for nor against
        AttendanceLine(date(2026, 6, 10), True, "present"),  # cancelled: does not count
        AttendanceLine(date(2026, 6, 12), False, "late"),  # late counts as attended
        AttendanceLine(date(2026, 6, 20), False, None),  # not registered: does not count
        AttendanceLine(date(2026, 6, 25), False, "absent"),  # after withdrawal: does not count
    ]
    summary = summarise(lines, today, withdrawn_on=date(2026, 6, 22))
    assert summary.rate == pytest.approx(2 / 3)  # present, absent, late
    assert summary.recent_rate == 1.0  # since 3 June: only the late one counts
    assert summary.recent_since == date(2026, 6, 3)
    assert summary.counts == {"present": 1, "late": 1, "absent_excused": 1, "absent": 1, "unrecorded": 1}


def test_without_sessions_that_count_a_rate_is_no_data_not_zero():
    only_excused = [AttendanceLine(date(2026, 6, 1), False, "absent_excused")]
    summary = summarise(only_excused, date(2026, 6, 2), withdrawn_on=None)
    assert summary.rate is None and summary.recent_rate is None
