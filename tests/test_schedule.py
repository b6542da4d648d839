""" "Mijn rooster", absence notices and attendance through the pages; query counts stay flat."""

from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa

from accounts.models import Role, User
from cohort.models import Cohort
from cohort.services import CohortInput, default_template, enrol_trainee, save_cohort
from core.clock import local_today
from extensions import db
from placements.models import Evaluation, InternshipOffer, Placement
from sessions.models import AbsenceNotice, Attendance, TrainingSession
from tests.conftest import post_form
from tests.factories import make_municipality, make_user


def planned_cohort(weeks_ago: int = 9) -> Cohort:
    today = local_today()
    start = today - timedelta(days=today.weekday(), weeks=weeks_ago)
    cohort, _ = save_cohort(
        None,
        CohortInput(
            name="Utrecht najaar",
            template=default_template(),
            start_date=start,
            location="Vredenburg 40, Utrecht",
        ),
    )
    db.session.commit()
    return cohort


def enrol_many(cohort: Cohort, count: int) -> list:
    """Trainees who each live in their own municipality (so lists must not query per row)."""
    trainees = [
        enrol_trainee(
            cohort,
            name=f"Deelnemer {n}",
            email=f"d{n}.{cohort.id}@mail.example",
            home_municipality_id=make_municipality().id,
        )
        for n in range(count)
    ]
    db.session.commit()
    return trainees


def user_of(trainee) -> User:
    return db.session.scalar(sa.select(User).filter_by(trainee_id=trainee.id))


def login_trainee(make_client, trainee):
    user = user_of(trainee)
    from accounts.services import set_password

    set_password(user, "correct horse battery")
    db.session.commit()
    return make_client(user)


def next_session(cohort: Cohort) -> TrainingSession:
    return db.session.scalar(
        sa.select(TrainingSession)
        .where(TrainingSession.cohort_id == cohort.id, TrainingSession.date >= local_today())
        .order_by(TrainingSession.date)
    )


def test_mijn_rooster_shows_the_next_session_on_top_with_where_and_when(app, make_client):
    cohort = planned_cohort()
    [trainee] = enrol_many(cohort, 1)
    page = login_trainee(make_client, trainee).get("/schedule").get_data(as_text=True)
    upcoming = next_session(cohort)
    assert page.index("Volgende") < page.index("Terugkomdag") < page.index("De komende 4 weken")
    assert "Vredenburg 40, Utrecht" in page
    assert upcoming.start_time.strftime("%H:%M") in page
    assert 'href="/calendar"' in page  # the way to the subscribe page


def test_mijn_rooster_shows_four_weeks_with_each_day_in_words_and_the_internship_by_municipality(
    app, make_client
):
    cohort = planned_cohort(weeks_ago=7)  # the internship runs: return days and internship days
    [trainee] = enrol_many(cohort, 1)
    host = make_municipality("Utrecht")
    offer = InternshipOffer(municipality_id=host.id, cohort_id=cohort.id, places=1, places_taken=1)
    db.session.add(offer)
    db.session.flush()
    db.session.add(
        Placement(
            trainee_id=trainee.id,
            offer_id=offer.id,
            cohort_id=cohort.id,
            status="confirmed",
            weekdays="mon,tue",
        )
    )
    db.session.commit()
    page = login_trainee(make_client, trainee).get("/schedule").get_data(as_text=True)
    monday = local_today() - timedelta(days=local_today().weekday())
    for week in range(4):
        assert f"Week {(monday + timedelta(weeks=week)).isocalendar().week} · " in page
    assert f"Week {(monday + timedelta(weeks=4)).isocalendar().week} · " not in page
    assert "Stage bij gemeente Utrecht" in page and "Terugkomdag" in page
    assert 'href="/schedule/earlier"' in page


def test_earlier_weeks_are_on_their_own_page_with_the_attendance(app, make_client):
    cohort = planned_cohort()
    [trainee] = enrol_many(cohort, 1)
    first = db.session.scalar(
        sa.select(TrainingSession).filter_by(cohort_id=cohort.id).order_by(TrainingSession.date)
    )
    db.session.add(Attendance(session_id=first.id, trainee_id=trainee.id, status="late"))
    db.session.commit()
    client = login_trainee(make_client, trainee)
    page = client.get("/schedule/earlier").get_data(as_text=True)
    assert f'id="session-{first.id}"' in page and "Te laat" in page
    assert f'id="session-{first.id}"' not in client.get("/schedule").get_data(as_text=True)


def test_a_year_is_written_on_dates_outside_this_year(app, make_client):
    cohort = planned_cohort()
    [trainee] = enrol_many(cohort, 1)
    first = db.session.scalar(
        sa.select(TrainingSession).filter_by(cohort_id=cohort.id).order_by(TrainingSession.date)
    )
    first.date = date(local_today().year - 1, 12, 28)  # a Monday in 2025, whatever the year now
    db.session.commit()
    page = login_trainee(make_client, trainee).get("/schedule/earlier").get_data(as_text=True)
    assert f"december {first.date.year}" in page


def test_a_trainee_takes_back_an_absence_until_the_session_starts(app, make_client):
    cohort = planned_cohort()
    [trainee] = enrol_many(cohort, 1)
    coming, started = db.session.scalars(
        sa.select(TrainingSession)
        .where(TrainingSession.cohort_id == cohort.id, TrainingSession.date > local_today())
        .order_by(TrainingSession.date)
        .limit(2)
    ).all()
    started.date, started.start_time = local_today(), time(0, 0)  # under way since midnight
    db.session.add_all(
        [AbsenceNotice(session_id=s.id, trainee_id=trainee.id, reason="Afspraak") for s in (coming, started)]
    )
    db.session.commit()
    client = login_trainee(make_client, trainee)
    page = client.get("/schedule").get_data(as_text=True)
    assert f"/schedule/sessions/{coming.id}/absence/take-back" in page
    assert f"/schedule/sessions/{started.id}/absence/take-back" not in page
    response = post_form(client, f"/schedule/sessions/{coming.id}/absence/take-back", {}, page="/schedule")
    assert response.status_code == 302
    response = post_form(client, f"/schedule/sessions/{started.id}/absence/take-back", {}, page="/schedule")
    assert "al begonnen" in client.get(response.location).get_data(as_text=True)
    kept = db.session.scalars(sa.select(AbsenceNotice.session_id)).all()
    assert kept == [started.id]


def test_a_trainee_finds_the_evaluations_of_their_internship_and_no_api_tokens(app, make_client):
    cohort = planned_cohort()
    [trainee] = enrol_many(cohort, 1)
    offer = InternshipOffer(municipality_id=make_municipality().id, cohort_id=cohort.id, places=1)
    db.session.add(offer)
    db.session.flush()
    placement = Placement(trainee_id=trainee.id, offer_id=offer.id, cohort_id=cohort.id, status="active")
    db.session.add(placement)
    db.session.flush()
    db.session.add(Evaluation(placement_id=placement.id, kind="midterm", scores={"conversation": 4}))
    db.session.commit()
    client = login_trainee(make_client, trainee)
    page = client.get("/schedule").get_data(as_text=True)
    link = f"/evaluations/{placement.id}/midterm/view"
    assert link in page and f"/evaluations/{placement.id}/final/view" not in page
    assert client.get(link).status_code == 200
    assert "/account/tokens" not in client.get("/account").get_data(as_text=True)


def test_a_trainee_reports_an_absence_and_the_manager_sees_it(app, make_client, manager_client):
    cohort = planned_cohort()
    [trainee] = enrol_many(cohort, 1)
    client = login_trainee(make_client, trainee)
    upcoming = next_session(cohort)
    url = f"/schedule/sessions/{upcoming.id}/absence"
    assert post_form(client, url, {"reason": ""}).status_code == 200  # the field error, nothing saved
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AbsenceNotice)) == 0
    assert post_form(client, url, {"reason": "Afspraak bij de IND"}).status_code == 302
    assert "Afspraak bij de IND" in manager_client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)


def test_a_trainee_cannot_report_absence_for_another_cohorts_session(app, make_client):
    mine, other = planned_cohort(), planned_cohort(weeks_ago=2)
    [trainee] = enrol_many(mine, 1)
    client = login_trainee(make_client, trainee)
    assert client.get(f"/schedule/sessions/{next_session(other).id}/absence").status_code == 404


def test_the_manager_registers_attendance_on_one_screen(manager_client):
    cohort = planned_cohort()
    trainees = enrol_many(cohort, 2)
    sess = db.session.scalar(
        sa.select(TrainingSession).filter_by(cohort_id=cohort.id).order_by(TrainingSession.date)
    )
    data = {
        f"status-{trainees[0].id}": "present",
        f"status-{trainees[1].id}": "absent_excused",
        f"note-{trainees[1].id}": "ziek",
    }
    assert post_form(manager_client, f"/sessions/{sess.id}/attendance", data).status_code == 302
    rows = {a.trainee_id: (a.status, a.note) for a in db.session.scalars(sa.select(Attendance))}
    assert rows == {trainees[0].id: ("present", ""), trainees[1].id: ("absent_excused", "ziek")}


def test_the_register_starts_with_reported_absences_and_saves_everyone_else_present(manager_client):
    cohort = planned_cohort()
    away, late, rest = enrol_many(cohort, 3)
    sess = next_session(cohort)
    db.session.add(AbsenceNotice(session_id=sess.id, trainee_id=away.id, reason="Afspraak bij de IND"))
    db.session.commit()
    page = manager_client.get(f"/sessions/{sess.id}/attendance").get_data(as_text=True)
    assert "Vooraf afgemeld: Afspraak bij de IND" in page
    assert f'name="status-{away.id}" value="absent_excused" checked' in page
    assert f'name="status-{rest.id}" value="present" checked' not in page
    data = {f"status-{away.id}": "absent_excused", f"status-{late.id}": "late", "everyone_present": "yes"}
    assert post_form(manager_client, f"/sessions/{sess.id}/attendance", data).status_code == 302
    rows = dict(db.session.execute(sa.select(Attendance.trainee_id, Attendance.status)).all())
    assert rows == {away.id: "absent_excused", late.id: "late", rest.id: "present"}


def test_a_cancelled_session_says_it_does_not_go_ahead_instead_of_asking_for_attendance(manager_client):
    cohort = planned_cohort()
    [trainee] = enrol_many(cohort, 1)
    sess = next_session(cohort)
    sess.status = "cancelled"
    db.session.commit()
    page = manager_client.get(f"/sessions/{sess.id}/attendance").get_data(as_text=True)
    assert "gaat niet door" in page and "Iedereen aanwezig" not in page
    response = post_form(
        manager_client,
        f"/sessions/{sess.id}/attendance",
        {f"status-{trainee.id}": "present"},
        page="/teaching",
    )
    assert response.status_code == 400 and "gaat niet door" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 0


def test_the_trainers_home_shows_this_week_next_week_and_what_is_left_to_register(make_client):
    cohort = planned_cohort()
    trainer = make_user(Role.TRAINER)
    monday = local_today() - timedelta(days=local_today().weekday())
    sessions = db.session.scalars(
        sa.select(TrainingSession)
        .where(TrainingSession.cohort_id == cohort.id, TrainingSession.date >= monday - timedelta(weeks=2))
        .order_by(TrainingSession.date)
    ).all()
    for sess in sessions:
        sess.trainer_id = trainer.id
    db.session.commit()
    page = make_client(trainer).get("/teaching").get_data(as_text=True)
    assert (
        page.index("Aanwezigheid nog te registreren") < page.index("Deze week") < page.index("Volgende week")
    )
    shown = {s.id for s in sessions if f"/sessions/{s.id}/attendance" in page}
    expected = {s.id for s in sessions if s.date < monday + timedelta(weeks=2)}
    assert shown == expected


def test_cancelling_asks_first_and_names_who_gets_a_message(manager_client):
    cohort = planned_cohort()
    trainees = enrol_many(cohort, 2)
    sess = next_session(cohort)
    page = manager_client.get(f"/sessions/{sess.id}/cancel").get_data(as_text=True)
    assert "2 deelnemers" in page and all(t.name in page for t in trainees)
    db.session.refresh(sess)
    assert not sess.is_cancelled  # asking changed nothing
    response = post_form(
        manager_client, f"/sessions/{sess.id}/cancel", {}, page=f"/sessions/{sess.id}/cancel"
    )
    assert response.status_code == 302
    db.session.refresh(sess)
    assert sess.is_cancelled


def test_a_trainer_registers_only_their_own_sessions(make_client, app):
    cohort = planned_cohort()
    trainer = make_user(Role.TRAINER)
    sessions = db.session.scalars(sa.select(TrainingSession).filter_by(cohort_id=cohort.id)).all()
    sessions[0].trainer_id = trainer.id
    db.session.commit()
    client = make_client(trainer)
    assert client.get(f"/sessions/{sessions[0].id}/attendance").status_code == 200
    assert client.get(f"/sessions/{sessions[1].id}/attendance").status_code == 403
    assert client.get(f"/sessions/{sessions[0].id}/edit").status_code == 403


def test_a_manager_edits_cancels_and_adds_sessions_in_the_pages(manager_client):
    cohort = planned_cohort()
    sess = next_session(cohort)
    response = post_form(
        manager_client,
        f"/sessions/{sess.id}/edit",
        {
            "date": sess.date.isoformat(),
            "start_time": "10:00",
            "end_time": "15:00",
            "title": "Het PIP",
            "location": "",
            "notes": "",
        },
    )
    assert response.status_code == 302
    post_form(manager_client, f"/sessions/{sess.id}/cancel", {}, page=f"/sessions/{sess.id}/edit")
    extra_day = sess.date + timedelta(days=1)
    post_form(
        manager_client,
        f"/cohorts/{cohort.id}/sessions/new",
        {"date": extra_day.isoformat(), "start_time": "13:00", "end_time": "12:00", "title": "Extra"},
    )
    assert db.session.scalar(sa.select(TrainingSession).filter_by(kind="extra")) is None  # end before start
    post_form(
        manager_client,
        f"/cohorts/{cohort.id}/sessions/new",
        {"date": extra_day.isoformat(), "start_time": "13:00", "end_time": "15:00", "title": "Extra"},
    )
    db.session.expire_all()
    assert (sess.title, sess.status, sess.is_edited) == ("Het PIP", "cancelled", True)
    assert db.session.scalar(sa.select(TrainingSession).filter_by(kind="extra")).date == extra_day


def _queries(count_queries, client, url) -> int:
    with count_queries() as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["schedule", "cohort"])
def test_pages_issue_the_same_queries_for_1_and_25_trainees(
    app, make_client, manager_client, count_queries, page
):
    small, large = planned_cohort(), planned_cohort(weeks_ago=3)
    [first] = enrol_many(small, 1)
    many = enrol_many(large, 25)
    for cohort, trainees in ((small, [first]), (large, many)):
        sess = db.session.scalar(
            sa.select(TrainingSession).filter_by(cohort_id=cohort.id).order_by(TrainingSession.date)
        )
        db.session.add_all(
            [Attendance(session_id=sess.id, trainee_id=t.id, status="present") for t in trainees]
        )
        coming = next_session(cohort)
        db.session.add_all(
            [AbsenceNotice(session_id=coming.id, trainee_id=t.id, reason="Afspraak") for t in trainees]
        )
    db.session.commit()
    if page == "schedule":
        counts = [
            _queries(count_queries, login_trainee(make_client, t), "/schedule") for t in (first, many[0])
        ]
    else:
        counts = [_queries(count_queries, manager_client, f"/cohorts/{c.id}") for c in (small, large)]
    assert counts[0] == counts[1]


def test_session_dates_cross_years_without_error(manager_client):
    cohort = planned_cohort(weeks_ago=0)
    assert cohort.end_date > date.today()
    assert manager_client.get(f"/cohorts/{cohort.id}").status_code == 200


def test_the_cohort_page_shows_one_week_or_month_with_steps_and_clashes_on_top(manager_client):
    cohort = planned_cohort(weeks_ago=2)
    sessions = db.session.scalars(
        sa.select(TrainingSession).filter_by(cohort_id=cohort.id).order_by(TrainingSession.date)
    ).all()
    monday = local_today() - timedelta(days=local_today().weekday())
    in_week = {s.id for s in sessions if monday <= s.date < monday + timedelta(weeks=1)}
    page = manager_client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert in_week and {s.id for s in sessions if f'id="session-{s.id}"' in page} == in_week
    assert f"day={(monday - timedelta(weeks=1)).isoformat()}" in page  # the week before
    first = sessions[0].date.replace(day=1)
    month = manager_client.get(f"/cohorts/{cohort.id}?view=month&day={first.isoformat()}").get_data(
        as_text=True
    )
    in_month = {s.id for s in sessions if (s.date.year, s.date.month) == (first.year, first.month)}
    assert {s.id for s in sessions if f'id="session-{s.id}"' in month} == in_month
    # A clash far from the week shown is on top of the page all the same, with a link to its week.
    last = sessions[-1]
    db.session.add(
        TrainingSession(
            cohort_id=cohort.id, kind="extra", date=last.date, start_time=time(9), end_time=time(10)
        )
    )
    db.session.commit()
    page = manager_client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    attention = page[page.index('id="attention-heading"') : page.index('id="sessions-heading"')]
    assert "Twee bijeenkomsten van deze groep op één dag" in attention
    assert f"day={last.date.isoformat()}" in attention
    for odd in ("view=year&day=2027-02-30", "view=month&day=9999-12-31", "view=week&day=0001-01-01"):
        assert manager_client.get(f"/cohorts/{cohort.id}?{odd}").status_code == 200, odd


def test_the_schedule_reads_only_the_range_a_page_shows(app):
    from sessions.schedule import schedule_for

    cohort = planned_cohort(weeks_ago=2)
    [trainee] = enrol_many(cohort, 1)
    whole = schedule_for(trainee)
    first = local_today() - timedelta(days=local_today().weekday())
    last = first + timedelta(days=27)
    shown = schedule_for(trainee, local_today(), first, last)
    assert shown == [item for item in whole if first <= item.date <= last]
    assert 0 < len(shown) < len(whole) / 3  # four weeks of the year, at the busiest (training)


def test_the_cohort_page_lists_ten_clashes_on_top_and_counts_the_rest(manager_client):
    cohort = planned_cohort(weeks_ago=2)
    days = sorted(
        {s.date for s in db.session.scalars(sa.select(TrainingSession).filter_by(cohort_id=cohort.id))}
    )
    db.session.add_all(
        TrainingSession(cohort_id=cohort.id, kind="extra", date=day, start_time=time(9), end_time=time(10))
        for day in days[:12]
    )
    db.session.commit()
    page = manager_client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    attention = page[page.index('id="attention-heading"') : page.index('id="sessions-heading"')]
    assert attention.count("Twee bijeenkomsten van deze groep op één dag") == 10
    assert "En nog 2 botsingen" in attention
