"""The dashboard's SVG charts (reports/charts/): positions, marks, numbers and escaping."""

import xml.etree.ElementTree as ET
from datetime import date

import pytest

from reports import charts
from reports.charts import (
    AttendanceTexts,
    ClosureSpan,
    CohortTimeline,
    FunnelStep,
    Holiday,
    Month,
    MonthNeed,
    PhaseSpan,
    ShortageTexts,
    TimelineTexts,
    WeekRate,
)
from reports.svg import nice_ticks

NS = {"svg": "http://www.w3.org/2000/svg"}
Q1_2026 = [Month(date(2026, 1, 1), "jan"), Month(date(2026, 2, 1), "feb"), Month(date(2026, 3, 1), "mrt")]
DAY = (charts.PLOT_RIGHT - charts.NAME_COLUMN) / 90  # Q1 2026 has 90 days
TIMELINE_TEXTS = TimelineTexts(
    title="Tijdlijn",
    phase_names={"training": "Opleiding", "internship": "Stage", "guided_work": "Begeleid werken"},
    holiday="Feestdag",
    closure="Sluiting",
    today="Vandaag",
    format_day=lambda day: day.isoformat(),
)


def parse(markup: str) -> ET.Element:
    """The SVG as XML: also proves the markup is well-formed."""
    return ET.fromstring(markup)  # noqa: S314 - markup this test just made, not untrusted input


def rect_titled(root: ET.Element, start: str) -> ET.Element:
    found = [
        r for r in root.iter(f"{{{NS['svg']}}}rect") if r.findtext("svg:title", "", NS).startswith(start)
    ]
    assert len(found) == 1, [ET.tostring(r) for r in found]
    return found[0]


def today_lines(root: ET.Element) -> list[ET.Element]:
    """Thick vertical lines (the legend's "today" swatch is horizontal)."""
    lines = root.iter(f"{{{NS['svg']}}}line")
    return [ln for ln in lines if ln.get("stroke-width") == "2" and ln.get("x1") == ln.get("x2")]


def texts_of(root: ET.Element) -> list[str]:
    return [t.text for t in root.iter(f"{{{NS['svg']}}}text")]


def timeline(cohorts=(), holidays=(), closures=(), today=date(2026, 2, 10)) -> ET.Element:
    return parse(charts.timeline_svg("t", Q1_2026, cohorts, holidays, closures, today, TIMELINE_TEXTS))


# --- timeline ---------------------------------------------------------------------------


def test_phase_bars_start_and_end_on_their_days():
    cohort = CohortTimeline(
        "Utrecht",
        (
            PhaseSpan("training", date(2026, 1, 5), date(2026, 1, 18)),
            PhaseSpan("internship", date(2026, 1, 19), date(2026, 3, 15)),
        ),
    )
    root = timeline([cohort])
    training = rect_titled(root, "Utrecht: Opleiding")
    assert float(training.get("x")) == pytest.approx(charts.NAME_COLUMN + 4 * DAY, abs=0.1)
    assert float(training.get("width")) == pytest.approx(14 * DAY, abs=0.1)
    assert training.get("fill") == charts.PHASE_COLOURS["training"]
    internship = rect_titled(root, "Utrecht: Stage")
    assert float(internship.get("x")) == pytest.approx(charts.NAME_COLUMN + 18 * DAY, abs=0.1)
    assert float(internship.get("width")) == pytest.approx(56 * DAY, abs=0.1)


def test_a_phase_is_cut_to_the_window_and_one_outside_it_is_left_out():
    cohort = CohortTimeline(
        "Oud",
        (
            PhaseSpan("training", date(2025, 12, 1), date(2026, 1, 11)),
            PhaseSpan("guided_work", date(2026, 4, 6), date(2026, 12, 20)),
        ),
    )
    root = timeline([cohort])
    training = rect_titled(root, "Oud: Opleiding")
    assert float(training.get("x")) == charts.NAME_COLUMN
    assert float(training.get("width")) == pytest.approx(11 * DAY, abs=0.1)
    assert "Oud: Begeleid werken" not in ET.tostring(root, encoding="unicode")


def test_phase_names_are_written_in_bars_wide_enough_and_a_legend_names_every_colour():
    cohort = CohortTimeline("A", (PhaseSpan("internship", date(2026, 1, 5), date(2026, 3, 1)),))
    words = texts_of(timeline([cohort]))
    assert words.count("Stage") == 2  # in the bar and in the legend
    assert {"Opleiding", "Begeleid werken", "Feestdag", "Sluiting", "Vandaag"} <= set(words)


def test_today_is_a_line_in_the_middle_of_its_day():
    root = timeline(today=date(2026, 2, 10))
    [today_line] = today_lines(root)
    expected = charts.NAME_COLUMN + 40.5 * DAY  # 31 days of January + 9 of February, and half a day
    assert float(today_line.get("x1")) == pytest.approx(expected, abs=0.1)


def test_no_today_line_when_today_is_outside_the_window():
    root = timeline(today=date(2026, 6, 1))
    assert not today_lines(root)
    assert texts_of(root).count("Vandaag") == 1  # only in the legend


def test_holidays_in_the_window_are_marked_with_their_name_and_date():
    holidays = [Holiday(date(2026, 1, 1), "Nieuwjaarsdag"), Holiday(date(2026, 4, 27), "Koningsdag")]
    root = timeline(holidays=holidays)
    mark = rect_titled(root, "Nieuwjaarsdag, 2026-01-01")
    assert mark.get("fill") == charts.HOLIDAY_COLOUR
    assert float(mark.get("x")) + float(mark.get("width")) / 2 == pytest.approx(
        charts.NAME_COLUMN + DAY / 2, abs=0.1
    )
    assert "Koningsdag" not in ET.tostring(root, encoding="unicode")


def test_a_closure_shades_its_days_and_is_named():
    root = timeline(closures=[ClosureSpan(date(2026, 2, 16), date(2026, 2, 22), "Voorjaarsvakantie")])
    mark = rect_titled(root, "Sluiting: Voorjaarsvakantie, 2026-02-16 – 2026-02-22")
    assert float(mark.get("x")) == pytest.approx(charts.NAME_COLUMN + 46 * DAY, abs=0.1)
    assert float(mark.get("width")) == pytest.approx(7 * DAY, abs=0.1)
    bands = [r for r in root.iter(f"{{{NS['svg']}}}rect") if r.get("fill") == charts.CLOSURE_BAND]
    assert len(bands) == 1


def test_month_labels_and_the_year_at_the_start_and_at_january():
    months = [Month(date(2025, 12, 1), "dec"), Month(date(2026, 1, 1), "jan"), Month(date(2026, 2, 1), "feb")]
    words = texts_of(parse(charts.timeline_svg("t", months, [], [], [], date(2026, 1, 5), TIMELINE_TEXTS)))
    assert {"dec", "jan", "feb", "2025", "2026"} <= set(words)


def test_texts_are_escaped():
    cohort = CohortTimeline(
        '<script>alert("x")</script> & co', (PhaseSpan("training", date(2026, 1, 5), date(2026, 1, 9)),)
    )
    markup = charts.timeline_svg("t", Q1_2026, [cohort], [], [], date(2026, 1, 5), TIMELINE_TEXTS)
    assert "<script>" not in markup
    assert "&lt;script&gt;" in markup
    root = parse(markup)
    assert rect_titled(root, '<script>alert("x")</script> & co: Opleiding') is not None


def test_the_svg_has_an_accessible_name_and_scales():
    root = timeline()
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "t-title"
    assert root.find("svg:title", NS).get("id") == "t-title"
    assert root.find("svg:title", NS).text == "Tijdlijn"
    assert root.get("viewBox").startswith("0 0 ")
    assert "style" not in ET.tostring(root, encoding="unicode")  # the CSP forbids style attributes


# --- attendance -------------------------------------------------------------------------

ATTENDANCE_TEXTS = AttendanceTexts("Aanwezigheid", "Week", "Drempel 80%", "Onder de drempel", "Goed")


def test_attendance_bars_by_week_coloured_by_the_threshold():
    weeks = [WeekRate(1, 1.0, 10), WeekRate(2, 0.5, 8), WeekRate(3, None, 0), WeekRate(4, 0.0, 4)]
    root = parse(charts.attendance_svg("a", weeks, 0.8, ATTENDANCE_TEXTS))
    full = rect_titled(root, "Week 1: 100%")
    half = rect_titled(root, "Week 2: 50%")
    zero = rect_titled(root, "Week 4: 0%")
    plot_height = charts.PLOT_BOTTOM - charts.PLOT_TOP
    assert float(full.get("height")) == pytest.approx(plot_height)
    assert float(half.get("height")) == pytest.approx(plot_height / 2)
    assert float(zero.get("height")) == 2  # visible, unlike a week without data
    assert (full.get("fill"), half.get("fill"), zero.get("fill")) == (charts.GOOD, charts.BAD, charts.BAD)
    assert "Week 3:" not in ET.tostring(root, encoding="unicode")
    assert float(half.get("x")) > float(full.get("x"))


def test_the_threshold_is_a_dashed_line_at_its_height_with_its_value():
    root = parse(charts.attendance_svg("a", [WeekRate(1, 0.9, 3)], 0.8, ATTENDANCE_TEXTS))
    dashed = [ln for ln in root.iter(f"{{{NS['svg']}}}line") if ln.get("stroke-dasharray") == "6 4"]
    assert len(dashed) == 1
    expected_y = charts.PLOT_BOTTOM - 0.8 * (charts.PLOT_BOTTOM - charts.PLOT_TOP)
    assert float(dashed[0].get("y1")) == pytest.approx(expected_y, abs=0.1)
    assert {"80%", "Drempel 80%", "0%", "50%"} <= set(texts_of(root))


# --- funnel -----------------------------------------------------------------------------


def test_funnel_shows_every_step_with_its_number_and_a_bar_to_scale():
    steps = [FunnelStep("Deelnemers", 12), FunnelStep("Voorgesteld", 9), FunnelStep("Afgerond", 0)]
    root = parse(charts.funnel_svg("f", "Plaatsingen", steps))
    words = texts_of(root)
    assert {"Deelnemers", "Voorgesteld", "Afgerond", "12", "9", "0"} <= set(words)
    full = float(rect_titled(root, "Deelnemers: 12").get("width"))
    assert float(rect_titled(root, "Voorgesteld: 9").get("width")) == pytest.approx(full * 9 / 12, abs=0.1)
    assert full == pytest.approx(charts.BAR_RIGHT - charts.BAR_LEFT)


def test_funnel_without_trainees_draws_without_dividing_by_zero():
    root = parse(charts.funnel_svg("f", "Leeg", [FunnelStep("Deelnemers", 0)]))
    assert "0" in texts_of(root)


# --- places needed versus offered -------------------------------------------------------

SHORTAGE_TEXTS = ShortageTexts("Plekken", "Nodig", "Aangeboden", "Te weinig")


def test_month_needs_counts_an_internship_and_an_offer_in_every_month_they_touch():
    months = [Month(date(2026, m, 1), str(m)) for m in (1, 2, 3, 4, 5)]
    internships = [(date(2026, 2, 23), date(2026, 4, 19), 6)]  # February, March, April
    offers = [
        (date(2026, 2, 23), date(2026, 4, 19), 4),  # a cohort's offer: its internship's dates
        (date(2026, 4, 1), date(2026, 5, 31), 3),  # an offer for a period
    ]
    needs = charts.month_needs(months, internships, offers)
    assert [(n.needed, n.offered, n.shortage) for n in needs] == [
        (0, 0, 0),
        (6, 4, 2),
        (6, 4, 2),
        (6, 7, 0),
        (0, 3, 0),
    ]


def test_months_with_too_few_places_are_flagged():
    months = [
        MonthNeed(Month(date(2026, 3, 1), "mrt"), 5, 8),
        MonthNeed(Month(date(2026, 4, 1), "apr"), 6, 4),
        MonthNeed(Month(date(2026, 5, 1), "mei"), 0, 0),
    ]
    root = parse(charts.shortage_svg("s", months, SHORTAGE_TEXTS))
    words = texts_of(root)
    assert "−2" in words
    assert [w for w in words if w.startswith("−")] == ["−2"]
    bands = [r for r in root.iter(f"{{{NS['svg']}}}rect") if r.get("fill") == charts.SHORT_BAND]
    assert len(bands) == 2  # April's band and the legend's swatch
    assert {"mrt", "apr", "mei", "2026", "Nodig", "Aangeboden", "Te weinig"} <= set(words)
    april = [
        r for r in root.iter(f"{{{NS['svg']}}}rect") if r.findtext("svg:title", "", NS).startswith("apr:")
    ]
    assert [r.findtext("svg:title", "", NS) for r in april] == ["apr: Nodig 6, Aangeboden 4"] * 2
    assert [r.get("fill") for r in april] == [charts.NEEDED, charts.OFFERED]
    assert float(april[0].get("height")) > float(april[1].get("height"))


def test_bar_heights_follow_the_scale():
    months = [MonthNeed(Month(date(2026, 3, 1), "mrt"), 10, 5)]
    root = parse(charts.shortage_svg("s", months, SHORTAGE_TEXTS))
    bars = [r for r in root.iter(f"{{{NS['svg']}}}rect") if r.get("fill") in (charts.NEEDED, charts.OFFERED)]
    heights = sorted(float(r.get("height")) for r in bars if r.find("svg:title", NS) is not None)
    assert heights[1] == pytest.approx(charts.SHORT_BOTTOM - charts.SHORT_TOP)
    assert heights[0] == pytest.approx(heights[1] / 2)


@pytest.mark.parametrize(
    ("top", "ticks"),
    [(0, [0, 1]), (3, [0, 1, 2, 3]), (7, [0, 2, 4, 6, 8]), (11, [0, 5, 10, 15]), (40, [0, 10, 20, 30, 40])],
)
def test_nice_ticks(top, ticks):
    assert nice_ticks(top) == ticks
