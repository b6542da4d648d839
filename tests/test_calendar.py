"""Calendar feeds: the pure iCalendar builder, the trainee's and the cohort feeds, the new-link reset."""

from datetime import UTC, date, datetime, time
from urllib.parse import quote

import pytest
from flask_babel import force_locale, gettext
from icalendar import Calendar

from accounts.models import Role, User
from accounts.services import set_active
from cohort.models import TraineeStatus
from extensions import db
from sessions.calendar import CalendarEvent, build_feed, local_datetime
from sessions.feed_service import cohort_feed_url, trainee_feed_url
from sessions.models import SessionKind, SessionStatus, TrainingSession
from tests.conftest import post_form
from tests.factories import make_cohort, make_trainee, make_user

BASE_URL = "http://localhost"
AMSTERDAM = "Europe/Amsterdam"


def add_session(cohort, day: date, start: time = time(9, 30), end: time = time(16, 0), **fields):
    sess = TrainingSession(
        cohort_id=cohort.id,
        kind=fields.pop("kind", SessionKind.TRAINING),
        date=day,
        start_time=start,
        end_time=end,
        **fields,
    )
    db.session.add(sess)
    db.session.commit()
    return sess


def path_of(url: str) -> str:
    assert url.startswith(BASE_URL + "/")
    return url.removeprefix(BASE_URL)


def parse(response) -> Calendar:
    assert response.status_code == 200, response.status_code
    return Calendar.from_ical(response.data)


def events_by_uid(response) -> dict:
    return {str(event["UID"]): event for event in parse(response).walk("VEVENT")}


def translated(text: str, language: str = "nl", **values) -> str:
    """What the app says in `language` (English until the Dutch catalogue has the text)."""
    with force_locale(language):
        return gettext(text, **values)


def utc_start(event) -> datetime:
    return event.decoded("DTSTART").astimezone(UTC)


@pytest.fixture
def cohort(app):
    cohort = make_cohort(name="Utrecht voorjaar")
    db.session.commit()
    return cohort


@pytest.fixture
def trainee(cohort):
    trainee = make_trainee(cohort)
    db.session.commit()
    return trainee


@pytest.fixture
def feed_path(trainee):
    return path_of(trainee_feed_url(trainee))


# --- The pure builder ---------------------------------------------------------------


def _event(**changes) -> CalendarEvent:
    fields = dict(
        uid="session-1@example.org",
        title="Trainingsdag",
        start=local_datetime(date(2026, 3, 31), time(9, 30), AMSTERDAM),
        end=local_datetime(date(2026, 3, 31), time(16), AMSTERDAM),
        location="Utrecht",
        description="",
        sequence=0,
        is_cancelled=False,
        stamp=datetime(2026, 1, 5, tzinfo=UTC),
    )
    return CalendarEvent(**{**fields, **changes})


def test_the_builder_refuses_naive_times_that_would_float():
    with pytest.raises(ValueError):
        build_feed("x", AMSTERDAM, [_event(start=datetime(2026, 3, 31, 9, 30))])


def test_the_builder_writes_the_calendar_headers_and_the_timezone_before_the_events():
    text = build_feed("Rooster – Groep 1", AMSTERDAM, [_event()]).decode()
    for line in (
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:Rooster – Groep 1",
        "PRODID:",
        "DTSTART;TZID=Europe/Amsterdam:20260331T093000",
    ):
        assert line in text
    assert text.index("BEGIN:VTIMEZONE") < text.index("BEGIN:VEVENT")


# --- The trainee's feed -------------------------------------------------------------


def test_the_trainee_feed_works_without_login(client, cohort, trainee, feed_path):
    add_session(cohort, date(2026, 9, 8), location="Zaal 2")
    add_session(cohort, date(2026, 9, 9), title="Kennismaking", kind=SessionKind.EXTRA)
    add_session(cohort, date(2026, 9, 14), kind=SessionKind.RETURN_DAY)
    response = client.get(feed_path)
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Cache-Control"] in ("private, max-age=300", "max-age=300, private")
    calendar = parse(response)
    name = translated("Schedule %(cohort)s – %(name)s", cohort="Utrecht voorjaar", name=trainee.name)
    assert str(calendar["X-WR-CALNAME"]) == name
    titles = [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]
    assert titles == [translated("Training day"), "Kennismaking", translated("Return day")]


def test_the_feed_is_in_the_language_of_the_trainees_account(client, cohort, trainee, feed_path):
    make_user(Role.TRAINEE, trainee_id=trainee.id).language = "en"
    db.session.commit()
    add_session(cohort, date(2026, 9, 8))
    calendar = parse(client.get(feed_path))
    assert str(calendar["X-WR-CALNAME"]) == f"Schedule Utrecht voorjaar – {trainee.name}"
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == ["Training day"]


def test_times_are_right_on_both_sides_of_the_summer_time_change(client, cohort, feed_path):
    before = add_session(cohort, date(2026, 3, 24))
    summer = add_session(cohort, date(2026, 3, 31))
    winter = add_session(cohort, date(2026, 10, 27))
    events = events_by_uid(client.get(feed_path))
    starts = {uid: utc_start(event) for uid, event in events.items()}
    assert starts[f"session-{before.id}@localhost"] == datetime(2026, 3, 24, 8, 30, tzinfo=UTC)
    assert starts[f"session-{summer.id}@localhost"] == datetime(2026, 3, 31, 7, 30, tzinfo=UTC)
    assert starts[f"session-{winter.id}@localhost"] == datetime(2026, 10, 27, 8, 30, tzinfo=UTC)


def test_the_feed_defines_its_timezone_so_clients_need_not_know_it(client, cohort, feed_path):
    add_session(cohort, date(2026, 3, 31))
    add_session(cohort, date(2026, 10, 27))
    calendar = parse(client.get(feed_path))
    [vtimezone] = calendar.walk("VTIMEZONE")
    assert str(vtimezone["TZID"]) == AMSTERDAM
    own_zone = vtimezone.to_tz(lookup_tzid=False)  # from the file's own rules, not the system's
    for event in calendar.walk("VEVENT"):
        assert event["DTSTART"].params["TZID"] == AMSTERDAM
        local = event.decoded("DTSTART").replace(tzinfo=None)
        assert local.replace(tzinfo=own_zone).astimezone(UTC) == utc_start(event)


def test_uids_stay_the_same_and_the_sequence_rises_after_an_edit(client, cohort, feed_path):
    sess = add_session(cohort, date(2026, 9, 8))
    uid = f"session-{sess.id}@localhost"
    first, second = events_by_uid(client.get(feed_path)), events_by_uid(client.get(feed_path))
    assert list(first) == list(second) == [uid]
    sess.start_time, sess.sequence = time(10, 0), sess.sequence + 1
    db.session.commit()
    edited = events_by_uid(client.get(feed_path))
    assert list(edited) == [uid]
    assert int(edited[uid]["SEQUENCE"]) > int(first[uid]["SEQUENCE"])
    assert utc_start(edited[uid]) == datetime(2026, 9, 8, 8, 0, tzinfo=UTC)


def test_a_cancelled_session_is_marked_cancelled(client, cohort, feed_path):
    on = add_session(cohort, date(2026, 9, 8))
    off = add_session(cohort, date(2026, 9, 9), status=SessionStatus.CANCELLED)
    events = events_by_uid(client.get(feed_path))
    assert str(events[f"session-{on.id}@localhost"]["STATUS"]) == "CONFIRMED"
    cancelled = events[f"session-{off.id}@localhost"]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert str(cancelled["SUMMARY"]) == translated("Cancelled: %(title)s", title=translated("Training day"))


def test_events_carry_the_location_the_trainer_and_what_to_bring(client, app, cohort, feed_path):
    trainer = make_user(Role.TRAINER)
    own = add_session(
        cohort,
        date(2026, 9, 8),
        location="Zaal 2, Stationsplein 1",
        trainer_id=trainer.id,
        description="Neem je laptop mee.",
        notes="Intern: de zaal is pas om 9 uur open.",
    )
    default = add_session(cohort, date(2026, 9, 9))
    response = client.get(feed_path)
    events = events_by_uid(response)
    event = events[f"session-{own.id}@localhost"]
    assert str(event["LOCATION"]) == "Zaal 2, Stationsplein 1"
    description = str(event["DESCRIPTION"])
    assert trainer.name in description and "Zaal 2, Stationsplein 1" in description
    assert description.startswith("Neem je laptop mee.")
    assert b"Intern" not in response.data  # the internal notes stay internal
    assert str(events[f"session-{default.id}@localhost"]["LOCATION"]) == cohort.location


def test_an_unchanged_feed_answers_304_and_a_changed_one_200(client, cohort, feed_path):
    sess = add_session(cohort, date(2026, 9, 8))
    etag = client.get(feed_path).headers["ETag"]
    assert etag.startswith('"')  # strong
    not_modified = client.get(feed_path, headers={"If-None-Match": etag})
    assert not_modified.status_code == 304
    assert not_modified.data == b""
    assert not_modified.headers["ETag"] == etag
    sess.location = "Zaal 3"
    db.session.commit()
    changed = client.get(feed_path, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert "Zaal 3" in changed.get_data(as_text=True)


def test_the_304_does_not_load_the_sessions(client, cohort, feed_path, count_queries):
    add_session(cohort, date(2026, 9, 8))
    with count_queries() as full:
        etag = client.get(feed_path).headers["ETag"]
    with count_queries() as cached:
        assert client.get(feed_path, headers={"If-None-Match": etag}).status_code == 304
    assert len(cached) < len(full)


def test_a_new_or_deleted_session_changes_the_etag(client, cohort, feed_path):
    etag = client.get(feed_path).headers["ETag"]
    sess = add_session(cohort, date(2026, 9, 8))
    added = client.get(feed_path, headers={"If-None-Match": etag})
    assert added.status_code == 200
    db.session.delete(sess)
    db.session.commit()
    assert client.get(feed_path, headers={"If-None-Match": added.headers["ETag"]}).status_code == 200


@pytest.mark.parametrize(
    "mangle",
    [
        lambda path: path.replace(".ics", "x.ics"),
        lambda path: path.rsplit("/", 1)[0] + "/" + "A" * 32 + ".ics",
        lambda path: path.rsplit("/", 1)[0] + "/é.ics",
    ],
)
def test_a_wrong_token_is_not_found(client, feed_path, mangle):
    assert client.get(feed_path).status_code == 200
    assert client.get(mangle(feed_path)).status_code == 404


def test_one_trainees_token_does_not_open_another_trainees_feed(client, cohort, trainee, feed_path):
    other = make_trainee(cohort)
    db.session.commit()
    token = feed_path.rsplit("/", 1)[1]
    assert client.get(f"/calendar/trainee/{other.id}/{token}").status_code == 404
    assert client.get(f"/calendar/trainee/999999/{token}").status_code == 404


@pytest.mark.parametrize("withdrawn_on", [date(2020, 9, 14), None])
def test_a_withdrawn_trainee_keeps_only_the_sessions_before_leaving(
    client, cohort, trainee, feed_path, withdrawn_on
):
    past = add_session(cohort, date(2020, 9, 7))
    add_session(cohort, date(2099, 9, 21) if withdrawn_on is None else date(2020, 9, 21))
    trainee.status, trainee.withdrawn_on = TraineeStatus.WITHDRAWN, withdrawn_on
    db.session.commit()
    assert list(events_by_uid(client.get(feed_path))) == [f"session-{past.id}@localhost"]


# --- The new link --------------------------------------------------------------------


@pytest.fixture
def linked_trainee_client(make_client, trainee):
    return make_client(make_user(Role.TRAINEE, trainee_id=trainee.id))


def test_a_new_link_kills_the_old_one(client, linked_trainee_client, trainee, feed_path):
    assert client.get(feed_path).status_code == 200
    response = post_form(linked_trainee_client, "/schedule/calendar/reset", {}, page="/schedule")
    assert response.status_code == 302
    assert response.headers["Location"] == "/calendar"  # back to the subscribe page, with the new link
    db.session.refresh(trainee)
    assert client.get(feed_path).status_code == 404
    assert client.get(path_of(trainee_feed_url(trainee))).status_code == 200


def test_a_new_link_needs_the_csrf_token(client, linked_trainee_client, trainee, feed_path):
    assert linked_trainee_client.post("/schedule/calendar/reset").status_code == 400
    assert client.get(feed_path).status_code == 200


def test_only_trainees_can_renew_a_link(manager_client):
    response = post_form(manager_client, "/schedule/calendar/reset", {}, page="/dashboard")
    assert response.status_code == 403


def test_the_subscribe_page_offers_every_platform_the_link_a_qr_code_and_the_reset_form(
    linked_trainee_client, trainee
):
    page = linked_trainee_client.get("/calendar").get_data(as_text=True)
    url = trainee_feed_url(trainee)
    webcal = url.replace("http://", "webcal://")
    assert f'value="{url}"' in page and f'value="{webcal}"' in page and f'href="{webcal}"' in page
    assert "https://calendar.google.com/calendar/r?cid=" + quote(webcal, safe="") in page
    assert "https://outlook.live.com/calendar/0/addfromweb?url=" + quote(url, safe="") in page
    assert page.count('<details class="platform"') == 5 and "ICSx⁵" in page
    assert '<svg role="img"' in page and "<title>" in page  # the QR code, drawn on the server
    assert "12" in page and "24" in page  # Google's slow refresh is said plainly
    assert 'action="/schedule/calendar/reset"' in page and 'name="csrf_token"' in page
    schedule = linked_trainee_client.get("/schedule").get_data(as_text=True)
    assert 'href="/calendar"' in schedule and url not in schedule  # the link itself is one page on


def test_staff_and_contacts_get_their_own_subscribe_page(manager_client, cohort, make_client):
    page = manager_client.get(f"/cohorts/{cohort.id}/calendar").get_data(as_text=True)
    assert "/calendar/cohort/" in page and "Make a new link" not in page
    contact = make_user(Role.MUNICIPALITY)
    assert "/calendar/municipality/user/" in make_client(contact).get("/calendar").get_data(as_text=True)


# --- Cohort feeds for managers and trainers -----------------------------------------


def test_a_manager_gets_a_cohort_feed(client, manager, cohort):
    add_session(cohort, date(2026, 9, 8))
    calendar = parse(client.get(path_of(cohort_feed_url(cohort, manager))))
    assert len(calendar.walk("VEVENT")) == 1


def test_a_trainee_gets_no_cohort_feed(client, trainee_user, cohort):
    assert client.get(path_of(cohort_feed_url(cohort, trainee_user))).status_code == 404


def test_a_trainer_gets_the_feed_only_of_a_cohort_they_teach_in(client, cohort):
    teaching, other = make_user(Role.TRAINER), make_user(Role.TRAINER)
    add_session(cohort, date(2026, 9, 8), trainer_id=teaching.id)
    assert client.get(path_of(cohort_feed_url(cohort, teaching))).status_code == 200
    assert client.get(path_of(cohort_feed_url(cohort, other))).status_code == 404


def test_a_cohort_link_of_one_cohort_does_not_open_another(client, manager, cohort):
    other = make_cohort()
    db.session.commit()
    path = path_of(cohort_feed_url(cohort, manager))
    assert client.get(path.replace(f"/cohort/{cohort.id}/", f"/cohort/{other.id}/")).status_code == 404


def test_deactivating_the_manager_kills_the_cohort_feed(client, manager, cohort):
    path = path_of(cohort_feed_url(cohort, manager))
    assert client.get(path).status_code == 200
    set_active(manager, False)
    db.session.commit()
    assert client.get(path).status_code == 404
    set_active(manager, True)  # the raised auth epoch keeps the old link dead
    db.session.commit()
    assert client.get(path).status_code == 404


# --- Cost -----------------------------------------------------------------------------


def _add_taught_sessions(cohort, numbers: range) -> None:
    """Sessions each with their own trainer, so a lazily loaded trainer would cost a query each."""
    for n in numbers:
        trainer = User(email=f"feedtrainer{n}@cohort.example", name=f"Trainer {n}", role=Role.TRAINER)
        db.session.add(trainer)
        db.session.flush()
        db.session.add(
            TrainingSession(
                cohort_id=cohort.id,
                kind=SessionKind.TRAINING,
                date=date(2026, 9, 1 + n % 28),
                start_time=time(9, 30),
                end_time=time(16),
                trainer_id=trainer.id,
            )
        )
    db.session.commit()


@pytest.mark.parametrize("feed", ["trainee", "cohort"])
def test_a_feed_costs_the_same_queries_for_3_and_30_sessions(
    app, client, manager, cohort, feed_path, count_queries, feed
):
    path = feed_path if feed == "trainee" else path_of(cohort_feed_url(cohort, manager))

    def queries() -> int:
        app.extensions.pop("calendar_feed_cache", None)  # count building the feed, not serving a copy
        with count_queries() as statements:
            assert client.get(path).status_code == 200
        return len(statements)

    _add_taught_sessions(cohort, range(3))
    few = queries()
    _add_taught_sessions(cohort, range(3, 30))
    assert len(events_by_uid(client.get(path))) == 30
    assert queries() == few


def test_a_deactivated_trainees_feed_stops_working(app, client):
    import sqlalchemy as sa

    from accounts.models import User
    from cohort.services import CohortInput, default_template, enrol_trainee, save_cohort
    from sessions.feed_service import trainee_feed_url

    cohort, _ = save_cohort(
        None, CohortInput(name="Zeist", template=default_template(), start_date=date(2027, 1, 4))
    )
    trainee = enrol_trainee(cohort, name="Amina", email="amina.feed@mail.example")
    db.session.commit()
    url = trainee_feed_url(trainee).removeprefix("http://localhost")
    assert client.get(url).status_code == 200
    db.session.scalar(sa.select(User).filter_by(trainee_id=trainee.id)).is_active = False
    db.session.commit()
    assert client.get(url).status_code == 404


# --- The per-worker cache of built feeds -----------------------------------------------


def test_a_cached_feed_is_served_again_without_loading_the_sessions(client, cohort, feed_path, count_queries):
    add_session(cohort, date(2026, 9, 8))
    with count_queries() as built:
        first = client.get(feed_path)
    with count_queries() as cached:
        again = client.get(feed_path)
    assert again.status_code == 200
    assert again.data == first.data
    assert again.headers["ETag"] == first.headers["ETag"]
    assert len(cached) < len(built)


def test_a_warm_cache_still_shows_an_edit_at_once(client, cohort, feed_path):
    sess = add_session(cohort, date(2026, 9, 8), location="Zaal 1")
    before = client.get(feed_path)
    assert client.get(feed_path).data == before.data  # now served from the cache
    sess.location = "Zaal 3"
    db.session.commit()
    after = client.get(feed_path)
    assert after.headers["ETag"] != before.headers["ETag"]
    assert "Zaal 3" in after.get_data(as_text=True)
    assert "Zaal 1" not in after.get_data(as_text=True)


def test_a_warm_cache_still_shows_a_new_session_and_a_cancellation(client, cohort, feed_path):
    sess = add_session(cohort, date(2026, 9, 8))
    client.get(feed_path)
    new = add_session(cohort, date(2026, 9, 9))
    assert f"session-{new.id}@localhost" in events_by_uid(client.get(feed_path))
    sess.status = SessionStatus.CANCELLED
    sess.sequence += 1
    db.session.commit()
    assert str(events_by_uid(client.get(feed_path))[f"session-{sess.id}@localhost"]["STATUS"]) == "CANCELLED"


def test_a_warm_cache_follows_a_change_of_language(client, cohort, trainee, feed_path):
    user = make_user(Role.TRAINEE, trainee_id=trainee.id)
    user.language = "en"
    db.session.commit()
    add_session(cohort, date(2026, 9, 8))
    assert str(parse(client.get(feed_path))["X-WR-CALNAME"]).startswith("Schedule Utrecht voorjaar – ")
    user.language = "nl"
    db.session.commit()
    calendar = parse(client.get(feed_path))
    expected = translated("Schedule %(cohort)s – %(name)s", cohort="Utrecht voorjaar", name=trainee.name)
    assert str(calendar["X-WR-CALNAME"]) == expected


# --- The trainee feed's cheap conditional GET -----------------------------------------


def _rename_cohort(cohort, trainee):
    cohort.name = "Utrecht najaar"


def _move_cohort(cohort, trainee):
    cohort.location = "Zaal 9, Catharijnesingel 1"


def _withdraw(cohort, trainee):
    trainee.status, trainee.withdrawn_on = TraineeStatus.WITHDRAWN, date(2026, 9, 10)


def _english_account(cohort, trainee):
    make_user(Role.TRAINEE, trainee_id=trainee.id).language = "en"


@pytest.mark.parametrize("change", [_rename_cohort, _move_cohort, _withdraw, _english_account])
def test_what_the_feed_shows_besides_its_sessions_changes_the_etag(
    client, cohort, trainee, feed_path, change
):
    add_session(cohort, date(2026, 9, 8))
    etag = client.get(feed_path).headers["ETag"]
    change(cohort, trainee)
    db.session.commit()
    assert client.get(feed_path, headers={"If-None-Match": etag}).status_code == 200


def test_a_session_after_a_withdrawal_is_not_part_of_the_etag(client, cohort, trainee, feed_path):
    add_session(cohort, date(2020, 9, 7))
    trainee.status, trainee.withdrawn_on = TraineeStatus.WITHDRAWN, date(2020, 9, 10)
    db.session.commit()
    etag = client.get(feed_path).headers["ETag"]
    add_session(cohort, date(2020, 9, 21))  # after leaving: not in the feed
    assert client.get(feed_path, headers={"If-None-Match": etag}).status_code == 304
    add_session(cohort, date(2020, 9, 8))  # before leaving: in the feed
    assert client.get(feed_path, headers={"If-None-Match": etag}).status_code == 200


def test_the_304_costs_one_query_and_touches_no_login_session(make_client, trainee, feed_path, count_queries):
    """Even a browser that is logged in: the feed's secret is the key, the login session is left alone."""
    client = make_client(make_user(Role.TRAINEE, trainee_id=trainee.id))
    etag = client.get(feed_path).headers["ETag"]
    with count_queries() as queries:
        not_modified = client.get(feed_path, headers={"If-None-Match": etag})
    assert not_modified.status_code == 304
    assert len(queries) == 1
    assert "Set-Cookie" not in not_modified.headers
    assert (
        not_modified.headers["Content-Security-Policy"] and not_modified.headers["X-Frame-Options"] == "DENY"
    )
    assert client.get("/schedule").status_code == 200  # still logged in


# --- The alert a person chooses on "Mijn account" -----------------------------------------


def test_the_account_page_shows_and_saves_the_calendar_alert(trainee_client, trainee_user, manager_client):
    page = trainee_client.get("/account").get_data(as_text=True)
    assert '<option selected value="evening">' in page  # on by default for trainees
    assert '<option selected value="off">' in manager_client.get("/account").get_data(as_text=True)
    response = post_form(trainee_client, "/account", {"language": "nl", "calendar_alert": "1h"})
    assert response.status_code == 302
    db.session.refresh(trainee_user)
    assert trainee_user.calendar_alert == "1h"
    refused = post_form(trainee_client, "/account", {"language": "nl", "calendar_alert": "always"})
    assert refused.status_code == 200 and trainee_user.calendar_alert == "1h"
