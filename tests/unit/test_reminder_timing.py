"""Reminder timing: working days before and after, and stored settings checked against the defaults."""

from datetime import date, time

from core.holidays import dutch_holidays
from reminders import rules

HOLIDAYS = dutch_holidays(range(2025, 2029))


def test_the_working_day_before_skips_weekends_and_holidays():
    assert rules.previous_working_day(date(2026, 3, 30), HOLIDAYS) == date(2026, 3, 27)  # Monday -> Friday
    # Thursday 6 May 2027 is Hemelvaartsdag: the day before Friday's return day is Wednesday.
    assert rules.previous_working_day(date(2027, 5, 7), HOLIDAYS) == date(2027, 5, 5)
    # Tuesday after Easter: Monday is Tweede Paasdag, Friday Goede Vrijdag.
    assert rules.previous_working_day(date(2026, 4, 7), HOLIDAYS) == date(2026, 4, 2)


def test_working_days_are_added_without_weekends_and_holidays():
    assert rules.add_working_days(date(2026, 5, 1), 5, HOLIDAYS) == date(2026, 5, 8)
    assert rules.add_working_days(date(2027, 4, 23), 3, HOLIDAYS) == date(2027, 4, 29)  # 27 April: Koningsdag
    assert rules.add_working_days(date(2027, 4, 23), 0, HOLIDAYS) == date(2027, 4, 23)


def test_stored_settings_are_checked_and_fall_back_to_the_defaults():
    clean, problems = rules.check_settings(rules.SESSION_REMINDER, {"time": "25:00", "days_before": "31"})
    assert problems == {"time": rules.BAD_TIME, "days_before": rules.BAD_NUMBER}
    clean, problems = rules.check_settings(rules.PLACEMENT_CHASE, {"time": "7:05", "working_days": "0"})
    assert (clean, problems) == ({"time": "07:05", "working_days": 0}, {})
    rule = rules.rule_from(rules.SESSION_REMINDER, False, {"time": "nonsense", "days_before": 2})
    assert (rule.is_enabled, rule.at, rule.days_before) == (False, time(18, 0), 2)
