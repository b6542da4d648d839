"""When each evaluation is due, and what a supervisor must score."""

from datetime import date

import pytest

from placements.evaluations import rules as evaluations


def test_midterm_is_due_on_the_monday_of_internship_week_4_and_final_of_week_8():
    start = date(2026, 10, 19)  # a Monday
    assert evaluations.due_date(start, "midterm") == date(2026, 11, 9)
    assert evaluations.due_date(start, "final") == date(2026, 12, 7)


def test_weeks_are_calendar_weeks_from_the_week_of_the_start_date():
    wednesday = date(2026, 10, 21)
    assert evaluations.due_date(wednesday, "midterm") == date(2026, 11, 9)
    assert evaluations.due_date(wednesday, "final") == date(2026, 12, 7)


def test_a_short_internship_has_both_due_no_later_than_its_last_week():
    start, end = date(2026, 10, 19), date(2026, 11, 8)  # three weeks
    assert evaluations.due_date(start, "midterm", end) == date(2026, 11, 2)
    assert evaluations.due_date(start, "final", end) == date(2026, 11, 2)
    assert evaluations.due_date(start, "final", date(2026, 12, 13)) == date(2026, 12, 7)  # 8 weeks


def test_an_evaluation_is_due_from_its_due_date_on():
    start = date(2026, 10, 19)
    assert not evaluations.is_due("midterm", start, date(2026, 11, 8))
    assert evaluations.is_due("midterm", start, date(2026, 11, 9))
    assert not evaluations.is_due("final", start, date(2026, 12, 6))
    assert evaluations.is_due("final", start, date(2027, 1, 4))
    with pytest.raises(ValueError):
        evaluations.due_date(start, "weekly")


def test_scores_must_be_given_for_every_criterion_from_1_to_5():
    assert evaluations.validate_scores(dict.fromkeys(evaluations.CRITERIA, 3)) == {}
    assert evaluations.validate_scores(dict.fromkeys(evaluations.CRITERIA, " 5 ")) == {}
    bad = {"conversation": "", "law_and_pip": 0, "cultural_sensitivity": 6, "dutch_at_work": "abc"}
    bad |= {"independence": 2.5, "cooperation": True}
    assert evaluations.validate_scores(bad) == {
        "conversation": "missing",
        "law_and_pip": "out_of_range",
        "cultural_sensitivity": "out_of_range",
        "dutch_at_work": "out_of_range",
        "independence": "out_of_range",
        "cooperation": "out_of_range",
    }
    assert evaluations.validate_scores({}) == dict.fromkeys(evaluations.CRITERIA, "missing")
    given = {**dict.fromkeys(evaluations.CRITERIA, "2"), "extra": 4}
    assert evaluations.clean_scores(given) == dict.fromkeys(evaluations.CRITERIA, 2)
