"""The dashboard charts' data (reports/chart_data.py) on a hand-made database, and their template."""

from datetime import date, time, timedelta

import pytest
from flask import current_app, render_template

from cohort.models import Closure, Cohort, CohortPhase, TraineeStatus
from extensions import db
from placements.models import InternshipOffer, Placement
from reports.chart_data import dashboard_charts
from sessions.models import Attendance, TrainingSession
from tests.factories import make_municipality, make_trainee

TODAY = date(2026, 10, 14)  # a Wednesday in week 6 of "Utrecht najaar"


def make_cohort(name: str, start: date, weeks=(6, 8, 38)) -> Cohort:
    """A cohort with stored phases (training, internship, guided work) of the given weeks."""
    cohort = Cohort(name=name, start_date=start, location="Utrecht")
    day = start
    for kind, length in zip(("training", "internship", "guided_work"), weeks, strict=True):
        end = day + timedelta(weeks=length, days=-1)
        cohort.phases.append(CohortPhase(kind=kind, start_date=day, end_date=end))
        day = end + timedelta(days=1)
    cohort.end_date = day - timedelta(days=1)
    db.session.add(cohort)
    db.session.flush()
    return cohort


def add_session(cohort: Cohort, day: date, marks: dict, status: str = "scheduled") -> None:
    sess = TrainingSession(
        cohort_id=cohort.id, kind="training", date=day, start_time=time(9), end_time=time(16), status=status
    )
    db.session.add(sess)
    db.session.flush()
    db.session.add_all(Attendance(session_id=sess.id, trainee_id=t.id, status=s) for t, s in marks.items())


def place(trainee, offer, status: str) -> None:
    db.session.add(
        Placement(trainee_id=trainee.id, offer_id=offer.id, cohort_id=trainee.cohort_id, status=status)
    )


def offer(
    places: int, cohort: Cohort | None = None, period: tuple[date, date] | None = None
) -> InternshipOffer:
    start, end = period or (None, None)
    made = InternshipOffer(
        municipality_id=make_municipality().id,
        cohort_id=cohort.id if cohort else None,
        period_start=start,
        period_end=end,
        places=places,
    )
    db.session.add(made)
    db.session.flush()
    return made


@pytest.fixture
def world(app):
    """Running "Utrecht najaar", planned "Amersfoort voorjaar", one ended in the timeline's window
    and one ended long ago; attendance, placements, offers and closures around them."""
    running = make_cohort("Utrecht najaar", date(2026, 9, 7))  # internship 19 Oct - 13 Dec 2026
    planned = make_cohort("Amersfoort voorjaar", date(2027, 1, 4))  # internship 15 Feb - 11 Apr 2027
    make_cohort("Zomer 2026", date(2025, 10, 6))  # ended 30 Aug 2026: on the timeline only
    make_cohort("Lang geleden", date(2024, 1, 8))
    t1, t2, t3, gone = (make_trainee(running) for _ in range(4))
    gone.status, gone.withdrawn_on = TraineeStatus.WITHDRAWN, date(2026, 9, 15)
    add_session(running, date(2026, 9, 8), {t1: "present", t2: "late", t3: "absent_excused", gone: "absent"})
    add_session(running, date(2026, 9, 16), {t1: "present", t2: "absent", t3: "present", gone: "absent"})
    add_session(running, date(2026, 9, 17), {t1: "absent", t2: "absent"}, status="cancelled")
    add_session(running, date(2026, 9, 22), {t1: "absent", t2: "absent", t3: "present"})
    add_session(running, date(2026, 10, 6), {t1: "present", t2: "present", t3: "present"})
    add_session(running, date(2026, 10, 20), {t1: "absent"})  # after today: does not count yet
    for_running = offer(2, cohort=running)
    place(t1, for_running, "confirmed")
    place(t2, for_running, "declined")
    place(t2, for_running, "proposed")
    place(gone, for_running, "proposed")
    p1, p2, p3, p4 = (make_trainee(planned) for _ in range(4))
    for trainee in (p1, p2, p3, p4):
        trainee.status = TraineeStatus.ENROLLED
    place(p1, offer(1, cohort=planned), "ended_early")
    offer(2, period=(date(2027, 3, 1), date(2027, 5, 31)))
    offer(5, period=(date(2026, 1, 1), date(2026, 3, 31)))  # before the forecast
    db.session.add(Closure(start_date=date(2026, 12, 21), end_date=date(2027, 1, 1), reason="Kerstvakantie"))
    db.session.add(Closure(start_date=date(2025, 12, 22), end_date=date(2026, 1, 2), reason="Vorig jaar"))
    db.session.commit()
    return {"running": running, "planned": planned}


def charts_in(language: str = "nl", today: date = TODAY):
    with current_app.test_request_context(headers={"Cookie": f"lang={language}"}):
        charts = dashboard_charts(today, threshold=0.8)
        return charts, render_template("reports/_charts.html", charts=charts)


def test_attendance_per_week_follows_the_one_rate_rule(world):
    charts, _html = charts_in()
    [chart] = charts.attendance  # the planned cohort has not started
    assert chart.cohort_name == "Utrecht najaar"
    weeks = [(w.week, None if w.rate is None else round(w.rate, 4), w.counted) for w in chart.weeks]
    assert weeks == [
        (1, 0.6667, 3),  # late counts as attended, excused is left out, withdrawn later still counts
        (2, 0.6667, 3),  # the withdrawn trainee no longer counts; the cancelled session never does
        (3, 0.3333, 3),
        (4, None, 0),
        (5, 1.0, 3),
        (6, None, 0),  # this week: the session after today is not counted
    ]


def test_funnel_counts_how_far_each_trainee_got(world):
    charts, _html = charts_in()
    funnels = {f.cohort_name: [s.count for s in f.steps] for f in charts.funnels}
    # Trainees (withdrawn left out), proposed, confirmed, active, completed; ended early = confirmed.
    assert funnels == {"Utrecht najaar": [3, 2, 1, 0, 0], "Amersfoort voorjaar": [4, 1, 1, 0, 0]}


def test_shortage_compares_trainees_on_internship_with_places_per_month(world):
    charts, _html = charts_in()
    months = [(m.month.first_day, m.needed, m.offered) for m in charts.shortage.months]
    assert months[0][0] == date(2026, 10, 1) and len(months) == 12
    assert months[:8] == [
        (date(2026, 10, 1), 3, 2),
        (date(2026, 11, 1), 3, 2),
        (date(2026, 12, 1), 3, 2),
        (date(2027, 1, 1), 0, 0),
        (date(2027, 2, 1), 4, 1),
        (date(2027, 3, 1), 4, 3),
        (date(2027, 4, 1), 4, 3),
        (date(2027, 5, 1), 0, 2),
    ]
    assert [m.month.first_day.month for m in charts.shortage.short_months] == [10, 11, 12, 2, 3, 4]


def test_timeline_shows_cohorts_in_its_window_with_holidays_and_closures(world):
    charts, _html = charts_in()
    timeline = charts.timeline
    assert [c.name for c in timeline.cohorts] == ["Zomer 2026", "Utrecht najaar", "Amersfoort voorjaar"]
    assert timeline.cohorts[1].phase("internship").start == date(2026, 10, 19)
    assert [c.reason for c in timeline.closures] == ["Kerstvakantie"]
    holidays = {h.day: h.name for h in timeline.holidays}
    assert date(2027, 4, 27) in holidays and date(2026, 12, 25) in holidays
    assert min(holidays) >= date(2026, 7, 1) and max(holidays) < date(2027, 10, 1)
    assert [m[0] for m in timeline.marks] == sorted(m[0] for m in timeline.marks)


def build_cohorts(count: int) -> None:
    for n in range(count):
        cohort = make_cohort(f"Groep {n}", date(2026, 9, 7) + timedelta(weeks=n))
        trainees = [make_trainee(cohort) for _ in range(3)]
        add_session(cohort, date(2026, 10, 12), {t: "present" for t in trainees})
        place(trainees[0], offer(2, cohort=cohort), "proposed")
    db.session.commit()


@pytest.mark.parametrize("count", [1, 8])
def test_query_count_does_not_grow_with_cohorts(app, count_queries, count):
    build_cohorts(count)
    with app.test_request_context(), count_queries() as queries:
        charts = dashboard_charts(TODAY, threshold=0.8)
    assert len(charts.funnels) == count
    assert len(queries) == 7


def test_the_charts_render_in_dutch(world):
    _charts, html = charts_in("nl")
    assert "Begeleid werken" in html and "Deelnemers" in html
    assert ">mrt<" in html  # month names in the reader's language
    assert html.count("<figure") == 5 and html.count('role="img"') == 1 + 1 + 2 + 1 + 1
    assert html.count("<table>") >= 4
    assert "style=" not in html


def test_the_province_chart_shows_where_places_are_short(app):
    cohort = make_cohort("Groep Limburg", date(2026, 9, 7))
    for home in ("Maastricht", "Maastricht", "Utrecht"):
        make_trainee(cohort).home_municipality = make_municipality(home)
    offer(2, cohort=cohort)  # two free places, at a municipality in Utrecht
    db.session.commit()
    charts, html = charts_in("nl")
    rows = [(r.province, r.needed, r.offered, r.short) for r in charts.provinces.rows]
    assert rows == [("Limburg", 2, 0, 2), ("Utrecht", 1, 2, 0)]
    assert "Plekken die nog nodig zijn en vrije plekken per provincie" in html and "−2" in html


def test_the_charts_render_in_english(world):
    _charts, html = charts_in("en")
    assert "Guided work" in html and "Trainees" in html and ">Mar<" in html
    assert "Begeleid werken" not in html


def test_names_are_escaped_in_the_charts_and_the_tables(app):
    make_cohort('<img src=x onerror="alert(1)">', date(2026, 9, 7))
    db.session.commit()
    _charts, html = charts_in()
    assert "<img" not in html
    assert "&lt;img src=x" in html


def test_an_empty_database_renders(app):
    charts, html = charts_in()
    assert charts.attendance == [] and charts.funnels == [] and charts.timeline.cohorts == []
    assert all(m.needed == 0 for m in charts.shortage.months)
    assert 'role="img"' in html  # the forecast still shows its (empty) months
