"""The "needs attention" rules of the dashboard, on plain values."""

from datetime import date, timedelta

from reports.attention import (
    AttentionData,
    CohortInfo,
    SessionGap,
    attention_items,
    working_days_since,
)
from reports.monitoring import PhaseSpan

TODAY = date(2026, 3, 5)  # a Thursday

COHORT = CohortInfo(1, "Groep A", PhaseSpan("internship", date(2026, 4, 2), date(2026, 5, 27)))


def test_sessions_without_trainer_are_one_item_per_cohort_with_the_first_date():
    gaps = tuple(SessionGap(1, n, TODAY + timedelta(days=n)) for n in (5, 2, 9))
    (item,) = attention_items(
        AttentionData(today=TODAY, threshold=0.8, cohorts={1: COHORT}, sessions_without_trainer=gaps)
    )
    assert item.params == {"n": 3, "date": TODAY + timedelta(days=2)}
    assert (item.endpoint, item.args) == ("cohorts.detail", {"cohort_id": 1})


def test_a_cohort_without_internship_never_has_unplaced_items():
    data = AttentionData(today=TODAY, threshold=0.8, cohorts={1: CohortInfo(1, "Kort")}, unplaced={1: 4})
    assert attention_items(data) == []


def test_working_days_skip_weekends_and_holidays():
    assert working_days_since(date(2026, 3, 2), TODAY) == 3
    assert working_days_since(date(2026, 2, 27), TODAY) == 4
    assert working_days_since(date(2026, 2, 27), TODAY, {date(2026, 3, 3)}) == 3
