"""The attendance-rate rule (core/rates.py) and the date rules of the dashboard
(reports/monitoring.py), on plain values."""

from datetime import date

import pytest

from core.rates import attendance_rate, rate_from_counts, recent_window_start
from reports.monitoring import (
    PhaseSpan,
    internship_near_or_running,
    percent,
    phase_on,
    programme_week,
)


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (["present", "present", "absent", "late"], 0.75),  # late counts as attended
        (["present", "absent_excused", "absent"], 0.5),  # excused: neither for nor against
        (["absent_excused", "absent_excused"], None),  # nothing that counts: no data, not 0
        ([], None),
        (["absent"], 0.0),
        (["late"], 1.0),
        (["present", "unknown"], 1.0),  # anything else is not a recorded attendance
    ],
)
def test_attendance_rate(statuses, expected):
    assert attendance_rate(statuses) == expected


def test_rate_from_counts_is_the_same_rule():
    assert rate_from_counts(3, 4) == attendance_rate(["present", "late", "present", "absent"]) == 0.75
    assert rate_from_counts(0, 0) is None


@pytest.mark.parametrize(
    ("rate", "text"),
    [(None, "—"), (0.0, "0%"), (1.0, "100%"), (0.875, "88%"), (0.285, "29%"), (2 / 3, "67%"), (0.125, "13%")],
)
def test_percent(rate, text):
    assert percent(rate) == text


def test_the_charts_write_percentages_with_the_same_rule():
    """0.125 is 13% on the dashboard, in the charts and in the trainee file (half rounds up)."""
    from reports import charts

    assert charts.percent is percent and charts.percent(0.125) == "13%"


def test_the_last_4_weeks_are_28_days_including_today():
    assert recent_window_start(date(2026, 3, 31)) == date(2026, 3, 4)


PHASES = (
    PhaseSpan("training", date(2026, 1, 5), date(2026, 2, 15)),
    PhaseSpan("internship", date(2026, 2, 16), date(2026, 4, 12)),
)


@pytest.mark.parametrize(
    ("today", "phase"),
    [
        (date(2026, 1, 4), "planned"),
        (date(2026, 1, 5), "training"),
        (date(2026, 2, 15), "training"),
        (date(2026, 2, 16), "internship"),
        (date(2026, 4, 13), "finished"),
    ],
)
def test_phase_on(today, phase):
    assert phase_on(PHASES, today) == phase


def test_a_cohort_without_phases_is_unplanned():
    assert phase_on((), date(2026, 1, 5)) == "unplanned"


@pytest.mark.parametrize(
    ("today", "week"),
    [
        (date(2026, 1, 4), None),
        (date(2026, 1, 5), 1),
        (date(2026, 1, 11), 1),  # Sunday: still week 1
        (date(2026, 1, 12), 2),
        (date(2026, 4, 12), 14),
        (date(2026, 4, 13), None),
    ],
)
def test_programme_week(today, week):
    assert programme_week(date(2026, 1, 5), date(2026, 4, 12), today) == week


def test_no_week_without_a_last_day():
    assert programme_week(date(2026, 1, 5), None, date(2026, 1, 6)) is None


@pytest.mark.parametrize(
    ("today", "needed"),
    [
        (date(2026, 1, 18), False),  # 29 days before the start
        (date(2026, 1, 19), True),  # 28 days before
        (date(2026, 4, 12), True),  # the last day
        (date(2026, 4, 13), False),
    ],
)
def test_places_are_needed_from_4_weeks_before_the_internship_until_its_end(today, needed):
    assert internship_near_or_running(PHASES[1], today) is needed
    assert internship_near_or_running(None, today) is False
