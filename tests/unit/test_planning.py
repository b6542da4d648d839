"""The planner on its own: plain settings in, dated sessions out, no app or database."""

import dataclasses
from datetime import date, time, timedelta

import pytest

from cohort.planning import (
    DEFAULT_TEMPLATE_SLUG,
    DEFAULT_TEMPLATES,
    Attention,
    Closure,
    InvalidSettings,
    PhaseKind,
    PlannedSession,
    PlanSettings,
    SessionKind,
    nearest_mondays,
    parse_weekday,
    parse_weekdays,
    plan_cohort,
    settings_from_template,
    validate_settings,
    week_monday,
    weekday_code,
)
from core.holidays import dutch_holidays

DEFAULT = DEFAULT_TEMPLATES["inburgeringsconsulent"]
WET_INBURGERING = DEFAULT_TEMPLATES["wet-inburgering"]
MON, TUE, WED, THU, FRI = range(5)


def default_settings(start: date, **overrides) -> PlanSettings:
    return settings_from_template(DEFAULT, start, **overrides)


def training_dates(plan) -> list[date]:
    return [s.date for s in plan.sessions_of(SessionKind.TRAINING)]


def return_dates(plan) -> list[date]:
    return [s.date for s in plan.sessions_of(SessionKind.RETURN_DAY)]


def session_on(plan, day: date) -> PlannedSession:
    matches = [s for s in plan.sessions if s.date == day]
    assert len(matches) == 1, f"expected one session on {day}, found {matches}"
    return matches[0]


# --- templates ---


def test_templates_are_seeded_with_their_slugs_and_default():
    assert set(DEFAULT_TEMPLATES) == {"inburgeringsconsulent", "wet-inburgering"}
    assert DEFAULT_TEMPLATE_SLUG == "inburgeringsconsulent"
    assert DEFAULT.is_default and not WET_INBURGERING.is_default
    assert DEFAULT.name == "Opleidingstraject inburgeringsconsulent"
    assert WET_INBURGERING.name == "Voorbereid op de nieuwe Wet inburgering"


def test_default_template_values():
    assert (DEFAULT.training_weeks, DEFAULT.internship_weeks, DEFAULT.guided_work_weeks) == (
        6,
        8,
        38,
    )
    assert DEFAULT.programme_weeks == 52
    assert DEFAULT.training_weekdays == (MON, TUE, WED, THU)
    assert (DEFAULT.training_start, DEFAULT.training_end) == (time(9, 30), time(16, 0))
    assert DEFAULT.return_weekday == FRI
    assert (DEFAULT.return_start, DEFAULT.return_end) == (time(9, 30), time(15, 0))
    assert DEFAULT.return_from_week == 7


# --- the default programme from 2026-01-05 ---


def test_default_programme_phases_and_end_date():
    plan = plan_cohort(default_settings(date(2026, 1, 5)))

    assert [(p.kind, p.start_date, p.end_date) for p in plan.phases] == [
        (PhaseKind.TRAINING, date(2026, 1, 5), date(2026, 2, 15)),
        (PhaseKind.INTERNSHIP, date(2026, 2, 16), date(2026, 4, 12)),
        (PhaseKind.GUIDED_WORK, date(2026, 4, 13), date(2027, 1, 3)),
    ]
    assert plan.end_date == date(2027, 1, 3)


def test_default_programme_sessions():
    plan = plan_cohort(default_settings(date(2026, 1, 5)))

    training = plan.sessions_of(SessionKind.TRAINING)
    returns = plan.sessions_of(SessionKind.RETURN_DAY)
    # No holidays in the first six weeks of 2026: 6 weeks x Monday..Thursday.
    assert len(training) == 24
    assert {s.week for s in training} == set(range(1, 7))
    assert {s.date.weekday() for s in training} == {MON, TUE, WED, THU}
    assert all((s.start_time, s.end_time) == (time(9, 30), time(16, 0)) for s in training)
    # One return day in each of weeks 7..52, none left out.
    assert len(returns) == 46
    assert sorted(s.week for s in returns) == list(range(7, 53))
    assert all((s.start_time, s.end_time) == (time(9, 30), time(15, 0)) for s in returns)
    assert plan.attention == ()
    assert len(plan.sessions) == 70


def test_default_programme_moves_friday_holidays_to_thursday():
    plan = plan_cohort(default_settings(date(2026, 1, 5)))

    moved = [(s.moved_from, s.date, s.move_reason, s.week) for s in plan.moved]
    assert moved == [
        (date(2026, 4, 3), date(2026, 4, 2), "Goede Vrijdag", 13),
        (date(2026, 12, 25), date(2026, 12, 24), "Eerste Kerstdag", 51),
        (date(2027, 1, 1), date(2026, 12, 31), "Nieuwjaarsdag", 52),
    ]
    unmoved = [s for s in plan.sessions if not s.moved]
    assert all(s.moved_from is None and s.move_reason is None for s in unmoved)


def test_sessions_are_sorted_by_date():
    plan = plan_cohort(default_settings(date(2026, 1, 5)))
    dates = [s.date for s in plan.sessions]
    assert dates == sorted(dates)
    assert len(set(dates)) == len(dates)


# --- holidays in training weeks ---


@pytest.mark.parametrize(
    ("start", "holiday", "moved_to", "reason"),
    [
        # Monday holiday in a Monday..Thursday week: Tuesday..Thursday are taken, so Friday.
        (date(2026, 3, 30), date(2026, 4, 6), date(2026, 4, 10), "Tweede paasdag"),
        (date(2026, 3, 30), date(2026, 4, 27), date(2026, 5, 1), "Koningsdag"),
        # Thursday holiday: Friday (+1) comes before Wednesday (-1), and is free.
        (date(2026, 5, 4), date(2026, 5, 14), date(2026, 5, 15), "Hemelvaartsdag"),
        (date(2026, 5, 4), date(2026, 5, 25), date(2026, 5, 29), "Tweede Pinksterdag"),
        (date(2027, 3, 22), date(2027, 3, 29), date(2027, 4, 2), "Tweede paasdag"),
        # Tuesday holiday: Wednesday, Monday and Thursday are taken, so Friday.
        (date(2027, 3, 22), date(2027, 4, 27), date(2027, 4, 30), "Koningsdag"),
        (date(2027, 5, 3), date(2027, 5, 6), date(2027, 5, 7), "Hemelvaartsdag"),
        (date(2027, 5, 3), date(2027, 5, 17), date(2027, 5, 21), "Tweede Pinksterdag"),
    ],
)
def test_training_on_a_holiday_moves_within_the_week(start, holiday, moved_to, reason):
    plan = plan_cohort(default_settings(start))

    assert holiday not in training_dates(plan)
    session = session_on(plan, moved_to)
    assert session.kind == SessionKind.TRAINING
    assert session.moved_from == holiday
    assert session.move_reason == reason
    assert week_monday(start, session.week) <= moved_to < week_monday(start, session.week + 1)
    assert (session.start_time, session.end_time) == (time(9, 30), time(16, 0))
    # Nothing is lost: still 6 x 4 training days.
    assert len(training_dates(plan)) == 24
    assert plan.attention == ()


def test_at_equal_distance_the_later_day_wins():
    # Tuesday-only training on Koningsdag 2027 (a Tuesday): Monday and Wednesday are both free.
    plan = plan_cohort(settings_from_template(WET_INBURGERING, date(2027, 4, 19)))

    wednesday = session_on(plan, date(2027, 4, 28))
    assert (wednesday.moved_from, wednesday.move_reason) == (date(2027, 4, 27), "Koningsdag")
    assert date(2027, 4, 26) not in training_dates(plan)


def test_bevrijdingsdag_only_counts_in_lustrum_years():
    # The holidays package lists Bevrijdingsdag for NL only every five years.
    plan = plan_cohort(default_settings(date(2026, 5, 4)))
    tuesday = session_on(plan, date(2026, 5, 5))
    assert not tuesday.moved

    plan_2025 = plan_cohort(default_settings(date(2025, 5, 5)))
    assert date(2025, 5, 5) not in training_dates(plan_2025)
    assert session_on(plan_2025, date(2025, 5, 9)).move_reason == "Bevrijdingsdag"


def test_moves_avoid_the_return_day():
    # Training on Monday and Thursday, return day on Friday from week 1.
    settings = dataclasses.replace(
        default_settings(date(2026, 5, 11), training_weekdays=(MON, THU)), return_from_week=1
    )
    plan = plan_cohort(settings)

    # Hemelvaartsdag (Thursday): Friday holds the return day, so Wednesday.
    hemelvaart = session_on(plan, date(2026, 5, 13))
    assert (hemelvaart.kind, hemelvaart.moved_from) == (SessionKind.TRAINING, date(2026, 5, 14))
    assert session_on(plan, date(2026, 5, 15)).kind == SessionKind.RETURN_DAY
    # Tweede Pinksterdag (Monday): the nearest free day is Tuesday.
    pinksteren = session_on(plan, date(2026, 5, 26))
    assert (pinksteren.kind, pinksteren.moved_from) == (SessionKind.TRAINING, date(2026, 5, 25))


def test_monday_holiday_with_return_day_in_a_full_week_is_left_out():
    # Monday..Thursday training plus a Friday return day from week 1: no free day left.
    settings = dataclasses.replace(default_settings(date(2026, 3, 30)), return_from_week=1)
    plan = plan_cohort(settings)

    assert (
        Attention(
            date=date(2026, 4, 6),
            kind=SessionKind.TRAINING,
            reason="Tweede paasdag; no free weekday in week 2",
            week=2,
        )
        in plan.attention
    )
    assert session_on(plan, date(2026, 4, 10)).kind == SessionKind.RETURN_DAY


# --- return days on holidays ---


@pytest.mark.parametrize(
    ("start", "good_friday", "thursday"),
    [
        (date(2026, 1, 5), date(2026, 4, 3), date(2026, 4, 2)),  # week 13, internship
        (date(2026, 6, 1), date(2027, 3, 26), date(2027, 3, 25)),  # week 43, guided work
    ],
)
def test_return_day_on_good_friday_moves_to_thursday(start, good_friday, thursday):
    plan = plan_cohort(default_settings(start))

    assert good_friday not in return_dates(plan)
    session = session_on(plan, thursday)
    assert session.kind == SessionKind.RETURN_DAY
    assert (session.moved_from, session.move_reason) == (good_friday, "Goede Vrijdag")
    assert (session.start_time, session.end_time) == (time(9, 30), time(15, 0))


# --- closures ---


def test_closed_week_leaves_sessions_out_with_the_reason():
    christmas = Closure(date(2026, 12, 21), date(2027, 1, 1), "Kerstvakantie")
    plan = plan_cohort(default_settings(date(2026, 1, 5)), closures=[christmas])

    assert plan.attention == (
        Attention(
            date(2026, 12, 25),
            SessionKind.RETURN_DAY,
            "Kerstvakantie; no free weekday in week 51",
            51,
        ),
        Attention(
            date(2027, 1, 1),
            SessionKind.RETURN_DAY,
            "Kerstvakantie; no free weekday in week 52",
            52,
        ),
    )
    assert not [d for d in return_dates(plan) if christmas.start <= d <= christmas.end]
    assert len(return_dates(plan)) == 44


def test_closure_in_training_weeks_leaves_out_every_session():
    plan = plan_cohort(
        default_settings(date(2026, 12, 14)), closures=[(date(2026, 12, 21), date(2027, 1, 1))]
    )

    left_out = [(a.date, a.kind, a.week) for a in plan.attention]
    assert left_out == [
        (date(2026, 12, 21) + timedelta(days=offset), SessionKind.TRAINING, week)
        for week, offsets in ((2, (0, 1, 2, 3)), (3, (7, 8, 9, 10)))
        for offset in offsets
    ]
    assert all(a.reason.startswith("closure; ") for a in plan.attention)
    assert len(training_dates(plan)) == 24 - 8


def test_partial_closure_moves_the_earliest_session_first():
    # Monday..Wednesday closed: Monday's session takes Friday, the others find nothing.
    closure = Closure(date(2026, 2, 2), date(2026, 2, 4), "Studiedagen")
    plan = plan_cohort(default_settings(date(2026, 1, 26)), closures=[closure])

    friday = session_on(plan, date(2026, 2, 6))
    assert (friday.moved_from, friday.move_reason) == (date(2026, 2, 2), "Studiedagen")
    assert [(a.date, a.reason) for a in plan.attention] == [
        (date(2026, 2, 3), "Studiedagen; no free weekday in week 2"),
        (date(2026, 2, 4), "Studiedagen; no free weekday in week 2"),
    ]
    assert session_on(plan, date(2026, 2, 5)).moved_from is None


def test_closure_ending_before_it_starts_is_rejected():
    with pytest.raises(InvalidSettings) as caught:
        plan_cohort(
            default_settings(date(2026, 1, 5)),
            closures=[Closure(date(2026, 3, 6), date(2026, 3, 2))],
        )
    assert set(caught.value.fields) == {"closures"}


# --- full weeks ---


def test_full_week_with_a_holiday_leaves_the_session_out():
    # Two weeks of Monday..Friday training; Koningsdag falls in the second.
    settings = default_settings(
        date(2026, 4, 20), training_weekdays=(MON, TUE, WED, THU, FRI), training_weeks=2
    )
    plan = plan_cohort(settings)

    assert plan.attention == (
        Attention(date(2026, 4, 27), SessionKind.TRAINING, "Koningsdag; no free weekday in week 2", 2),
    )
    assert date(2026, 4, 27) not in training_dates(plan)
    assert len(training_dates(plan)) == 2 * 5 - 1
    assert not [s for s in plan.sessions_of(SessionKind.TRAINING) if s.moved]


# --- holiday calendar ---


def test_dutch_holidays_have_dutch_names():
    days = dutch_holidays([2026])
    assert days[date(2026, 1, 1)] == "Nieuwjaarsdag"
    assert days[date(2026, 4, 3)] == "Goede Vrijdag"
    assert days[date(2026, 4, 6)] == "Tweede paasdag"
    assert days[date(2026, 4, 27)] == "Koningsdag"
    assert days[date(2026, 5, 14)] == "Hemelvaartsdag"
    assert days[date(2026, 5, 25)] == "Tweede Pinksterdag"
    assert days[date(2026, 12, 25)] == "Eerste Kerstdag"
    assert days[date(2026, 12, 26)] == "Tweede Kerstdag"
    assert date(2026, 5, 5) not in days
    assert dutch_holidays([2025])[date(2025, 5, 5)] == "Bevrijdingsdag"


def test_custom_holiday_calendar_replaces_the_dutch_one():
    settings = default_settings(date(2026, 3, 30))
    plain = plan_cohort(settings, holiday_calendar={})
    assert plain.moved == () and len(training_dates(plain)) == 24

    custom = plan_cohort(settings, holiday_calendar={date(2026, 4, 1): "Teamdag"})
    moved = session_on(custom, date(2026, 4, 3))
    assert (moved.moved_from, moved.move_reason) == (date(2026, 4, 1), "Teamdag")


# --- the other template ---


def test_wet_inburgering_is_five_tuesdays():
    plan = plan_cohort(settings_from_template(WET_INBURGERING, date(2026, 1, 5)))

    assert training_dates(plan) == [
        date(2026, 1, 6),
        date(2026, 1, 13),
        date(2026, 1, 20),
        date(2026, 1, 27),
        date(2026, 2, 3),
    ]
    assert return_dates(plan) == []
    assert all((s.start_time, s.end_time) == (time(9, 30), time(16, 30)) for s in plan.sessions)
    assert [(p.kind, p.start_date, p.end_date) for p in plan.phases] == [
        (PhaseKind.TRAINING, date(2026, 1, 5), date(2026, 2, 8)),
    ]
    assert plan.end_date == date(2026, 2, 8)


# --- cohort overrides ---


def test_overrides_resize_the_phases():
    settings = default_settings(date(2026, 1, 5), training_weeks=4, internship_weeks=0, programme_weeks=10)
    plan = plan_cohort(settings)

    assert [(p.kind, p.start_date, p.end_date) for p in plan.phases] == [
        (PhaseKind.TRAINING, date(2026, 1, 5), date(2026, 2, 1)),
        (PhaseKind.GUIDED_WORK, date(2026, 2, 2), date(2026, 3, 15)),
    ]
    assert len(training_dates(plan)) == 16
    assert sorted(s.week for s in plan.sessions_of(SessionKind.RETURN_DAY)) == [7, 8, 9, 10]
    assert plan.end_date == date(2026, 3, 15)


def test_overridden_return_weekday():
    plan = plan_cohort(default_settings(date(2026, 1, 5), return_weekday=WED, programme_weeks=20))
    assert {d.weekday() for d in return_dates(plan)} == {WED}


def test_guided_work_fills_up_to_programme_weeks():
    settings = default_settings(date(2026, 1, 5), programme_weeks=14)
    plan = plan_cohort(settings)
    assert [p.kind for p in plan.phases] == [PhaseKind.TRAINING, PhaseKind.INTERNSHIP]
    assert plan.end_date == date(2026, 4, 12)


# --- validation ---


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"start_date": date(2026, 1, 6)}, "start_date"),
        ({"training_weekdays": ()}, "training_weekdays"),
        ({"training_weekdays": (MON, 5)}, "training_weekdays"),
        ({"training_weeks": 0}, "training_weeks"),
        ({"internship_weeks": -1}, "internship_weeks"),
        ({"programme_weeks": 0, "return_weekday": None}, "programme_weeks"),
        ({"programme_weeks": 105}, "programme_weeks"),
        ({"programme_weeks": 13}, "programme_weeks"),  # 6 training + 8 internship
        ({"training_end": time(9, 30)}, "training_end"),
        ({"training_end": time(9, 0)}, "training_end"),
        ({"return_end": time(9, 0)}, "return_end"),
        ({"return_weekday": 5}, "return_weekday"),
        ({"return_weekday": MON, "return_from_week": 6}, "return_weekday"),
        ({"return_from_week": 0}, "return_from_week"),
        ({"return_from_week": 53}, "return_from_week"),
        ({"return_from_week": None}, "return_from_week"),
        ({"return_start": None}, "return_start"),
        ({"return_end": None}, "return_end"),
    ],
)
def test_validation_names_the_bad_field(changes, field):
    settings = dataclasses.replace(default_settings(date(2026, 1, 5)), **changes)

    errors = validate_settings(settings)
    assert field in errors
    assert set(errors) == {field}
    with pytest.raises(InvalidSettings) as caught:
        plan_cohort(settings)
    assert isinstance(caught.value, ValueError)
    assert caught.value.fields == errors


def test_valid_settings_have_no_errors():
    assert validate_settings(default_settings(date(2026, 1, 5))) == {}
    assert validate_settings(settings_from_template(WET_INBURGERING, date(2026, 1, 5))) == {}


def test_return_day_on_a_training_weekday_is_fine_after_training():
    # Monday return days from week 7 never meet Monday training in weeks 1..6.
    settings = default_settings(date(2026, 1, 5), return_weekday=MON)
    assert validate_settings(settings) == {}
    plan = plan_cohort(settings)
    assert len(set(s.date for s in plan.sessions)) == len(plan.sessions)


def test_start_date_error_suggests_mondays():
    errors = validate_settings(default_settings(date(2026, 1, 8)))
    assert "2026-01-05" in errors["start_date"] and "2026-01-12" in errors["start_date"]


# --- helpers ---


def test_nearest_mondays():
    assert nearest_mondays(date(2026, 1, 8)) == (date(2026, 1, 5), date(2026, 1, 12))
    assert nearest_mondays(date(2026, 1, 11)) == (date(2026, 1, 5), date(2026, 1, 12))
    assert nearest_mondays(date(2026, 1, 5)) == (date(2026, 1, 5), date(2026, 1, 5))


def test_weekday_codes_round_trip():
    assert [parse_weekday(code) for code in ("mon", "Tue", " wed ", "SUN")] == [0, 1, 2, 6]
    assert [weekday_code(day) for day in range(7)] == [
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
        "sun",
    ]
    assert parse_weekdays(["thu", "mon", "thu"]) == (MON, THU)
    with pytest.raises(ValueError):
        parse_weekday("maandag")
    with pytest.raises(ValueError):
        weekday_code(7)


# --- determinism and speed ---


def test_planning_is_deterministic():
    settings = default_settings(date(2026, 3, 30))
    closures = [
        Closure(date(2026, 7, 20), date(2026, 8, 14), "Zomersluiting"),
        Closure(date(2026, 12, 21), date(2027, 1, 1), "Kerstvakantie"),
    ]
    first = plan_cohort(settings, closures)
    assert plan_cohort(settings, closures) == first
    assert plan_cohort(settings, list(reversed(closures))) == first
    assert first.attention  # the closures did something
