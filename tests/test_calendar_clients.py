"""Our calendars as other programs read them, not as our own writer meant them.

Every feed and the e-mailed .ics go through two parsers that share no code with `icalendar`:
Mozilla's ical.js (Thunderbird's parser, from npm, run by Node) and vobject (which reads the
VTIMEZONE with dateutil). Each event must come out at the same UTC instant in both as `zoneinfo`
computes from the local date and time, over a year with two summer-time changes and a year
boundary. The same files are held to RFC 5545's basics: CRLF, 75-octet lines, UID, DTSTAMP,
SEQUENCE, STATUS.
"""

import json
import re
import subprocess
from datetime import UTC, date, datetime, time, timedelta
from email import message_from_bytes, policy
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import vobject

from accounts.models import Role, User
from cohort.services import CohortInput, default_template, enrol_trainee, save_cohort
from core.clock import utcnow
from extensions import db
from outbox.dispatch import dispatch_due
from outbox.models import OutboxMessage
from placements import services as placements
from placements.models import InternshipOffer, Placement
from placements.return_day_feed import municipality_feed_url
from placements.supervisor_feed import supervisor_feed_url
from sessions import services as session_services
from sessions.feed_service import cohort_feed_url, trainee_feed_url
from sessions.models import TrainingSession
from tests.factories import make_municipality, make_user

pytestmark = pytest.mark.once  # the text of the files, not the database, is under test

ROOT = Path(__file__).resolve().parent.parent
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# Summer time 2027 starts 28 March and ends 31 October: a cohort from February 2027 spans both
# changes and the new year.
COHORT_START = date(2027, 2, 8)
SUPERVISOR = {"supervisor_name": "Eva de Boer", "supervisor_email": "eva@gemeente.example"}
# A line of text that must be folded at 75 octets, in the middle of multi-byte characters.
LONG_DESCRIPTION = (
    "Neem je laptop mee en lees hoofdstuk één tot en met drie: ‘Participatie’ — café, façade, ü. " * 3
)


# --- What the independent parsers read ----------------------------------------------------


def ical_js(calendar: bytes) -> dict[str, dict]:
    """UID -> start, end and alarm instants in UTC as ical.js reads the file (tests/tools)."""
    done = subprocess.run(
        ["node", str(ROOT / "tests" / "tools" / "ical_instants.mjs")],
        input=calendar,
        capture_output=True,
        cwd=ROOT,
        check=True,
        timeout=60,
    )
    events = json.loads(done.stdout)
    return {
        e["uid"]: {"start": _utc(e["start"]), "end": _utc(e["end"]), "alarms": [_utc(a) for a in e["alarms"]]}
        for e in events
    }


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def vobject_reading(calendar: bytes) -> dict[str, dict]:
    parsed = vobject.readOne(calendar.decode("utf-8"))
    found = {}
    for event in parsed.contents.get("vevent", []):
        start, end = event.dtstart.value, event.dtend.value
        # vobject reads TZID through the file's own VTIMEZONE (dateutil's tzical), not zoneinfo.
        assert type(start.tzinfo).__module__.startswith("dateutil"), type(start.tzinfo)
        found[event.uid.value] = {"start": start.astimezone(UTC), "end": end.astimezone(UTC)}
    return found


def zoneinfo_reading(calendar: bytes) -> dict[str, dict]:
    """What the local dates and times written in the file are in UTC, by Python's zoneinfo."""
    found = {}
    for block in re.findall(r"BEGIN:VEVENT\n(.*?)END:VEVENT", _unfolded(calendar), re.S):
        uid = re.search(r"^UID:(.*)$", block, re.M).group(1)
        start, end = (_local(block, name) for name in ("DTSTART", "DTEND"))
        triggers = re.findall(r"^TRIGGER:(-?)PT(?:(\d+)H)?(?:(\d+)M)?$", block, re.M)
        alarms = [start - timedelta(hours=int(h or 0), minutes=int(m or 0)) for _, h, m in triggers]
        found[uid] = {"start": start, "end": end, "alarms": alarms, "text": block}
    return found


def _local(block: str, name: str) -> datetime:
    written = re.search(rf"^{name};TZID=Europe/Amsterdam:(\d{{8}}T\d{{6}})$", block, re.M).group(1)
    return datetime.strptime(written, "%Y%m%dT%H%M%S").replace(tzinfo=AMSTERDAM).astimezone(UTC)


def _unfolded(calendar: bytes) -> str:
    return calendar.decode("utf-8").replace("\r\n ", "").replace("\r\n", "\n")


def assert_clients_agree(calendar: bytes) -> dict[str, dict]:
    """Every event at the same instants in ical.js, vobject and zoneinfo; returns zoneinfo's view."""
    expected = zoneinfo_reading(calendar)
    thunderbird, second = ical_js(calendar), vobject_reading(calendar)
    assert expected and set(thunderbird) == set(second) == set(expected)
    for uid, event in expected.items():
        assert thunderbird[uid]["start"] == second[uid]["start"] == event["start"], uid
        assert thunderbird[uid]["end"] == second[uid]["end"] == event["end"], uid
        assert thunderbird[uid]["alarms"] == event["alarms"], uid
    return expected


def assert_rfc5545_basics(calendar: bytes) -> None:
    assert calendar.endswith(b"\r\n") and b"\n" not in calendar.replace(b"\r\n", b"")
    lines = calendar.split(b"\r\n")[:-1]
    assert max(len(line) for line in lines) <= 75  # octets, not characters
    for line in lines:
        line.decode("utf-8")  # a fold never cuts a character in two
    text = _unfolded(calendar)
    blocks = re.findall(r"BEGIN:VEVENT\n(.*?)END:VEVENT", text, re.S)
    uids = [re.search(r"^UID:(.+)$", block, re.M).group(1) for block in blocks]
    assert len(uids) == len(set(uids))
    for block in blocks:
        for name in ("DTSTAMP", "SEQUENCE", "STATUS", "DTSTART", "DTEND", "SUMMARY", "CATEGORIES"):
            assert len(re.findall(rf"^{name}[:;]", block, re.M)) == 1, (name, block)
    zone = re.search(r"BEGIN:VTIMEZONE\n(.*?)END:VTIMEZONE", text, re.S).group(1)
    assert "RDATE" not in zone and zone.count("RRULE:FREQ=YEARLY") == 2


# --- The calendars under test ------------------------------------------------------------------


@pytest.fixture
def year(app, manager):
    """A cohort through 2027 into 2028 with a trainee, a host, a confirmed internship, a cancelled
    and a described session, and a session on the Monday after each summer-time change."""
    cohort, _ = save_cohort(
        None,
        CohortInput(
            name="Utrecht 2027",
            template=default_template(),
            start_date=COHORT_START,
            location="Vredenburg 40",
        ),
    )
    trainee = enrol_trainee(cohort, name="Amina Yusuf", email="amina@mail.example")
    host = make_municipality("Utrecht")
    contact = make_user(Role.MUNICIPALITY, municipality_id=host.id)
    offer = InternshipOffer(municipality_id=host.id, cohort_id=cohort.id, places=1, address="Stadsplateau 1")
    db.session.add(offer)
    db.session.commit()
    placement = placements.propose(trainee, offer, manager)
    placements.confirm(placement, {**SUPERVISOR, "weekdays": ["mon", "tue"]}, None, "test")
    sessions = db.session.scalars(
        sa.select(TrainingSession).filter_by(cohort_id=cohort.id).order_by(TrainingSession.date)
    ).all()
    session_services.update_session(sessions[1], {"description": LONG_DESCRIPTION})
    session_services.cancel_session(sessions[2])
    for day in (date(2027, 3, 29), date(2027, 11, 1)):  # the Mondays after the changes
        session_services.add_extra_session(cohort, {"date": day, "start_time": "09:30", "end_time": "12:00"})
    db.session.commit()
    return {
        "cohort": cohort,
        "trainee": trainee,
        "contact": contact,
        "manager": manager,
        "sessions": sessions,
    }


def _get(client, url: str) -> bytes:
    response = client.get(url.removeprefix("http://localhost"))
    assert response.status_code == 200
    return response.data


def _spans_the_year(events: dict) -> None:
    starts = sorted(event["start"] for event in events.values())
    offsets = {start.astimezone(AMSTERDAM).utcoffset() for start in starts}
    assert offsets == {timedelta(hours=1), timedelta(hours=2)}  # winter and summer both
    assert starts[0].year == 2027 and starts[-1].year == 2028


def test_the_trainee_feed_reads_the_same_in_every_client(year, client):
    calendar = _get(client, trainee_feed_url(year["trainee"]))
    assert_rfc5545_basics(calendar)
    events = assert_clients_agree(calendar)
    _spans_the_year(events)
    assert any(uid.startswith("internship-") for uid in events)
    cancelled = events[f"session-{year['sessions'][2].id}@localhost"]
    assert "STATUS:CANCELLED" in cancelled["text"] and not cancelled["alarms"]
    # The trainee's default alert: the evening before at 18:00, in summer and in winter.
    alarms = [alarm for event in events.values() for alarm in event["alarms"]]
    assert len(alarms) == len(events) - 1
    for event in events.values():
        for alarm in event["alarms"]:
            local = alarm.astimezone(AMSTERDAM)
            assert local.time() == time(18, 0)
            assert local.date() == event["start"].astimezone(AMSTERDAM).date() - timedelta(days=1)


def test_the_cohort_feed_reads_the_same_in_every_client(year, client):
    calendar = _get(client, cohort_feed_url(year["cohort"], year["manager"]))
    assert_rfc5545_basics(calendar)
    events = assert_clients_agree(calendar)
    _spans_the_year(events)
    assert not any(event["alarms"] for event in events.values())  # staff choose alerts themselves


def test_the_contacts_return_day_feed_reads_the_same_in_every_client(year, client):
    calendar = _get(client, municipality_feed_url(year["contact"]))
    assert_rfc5545_basics(calendar)
    events = assert_clients_agree(calendar)
    offsets = {event["start"].astimezone(AMSTERDAM).utcoffset() for event in events.values()}
    assert offsets == {timedelta(hours=1), timedelta(hours=2)}  # the internship spans 28 March
    assert all("URL:" not in event["text"] for event in events.values())


def test_the_supervisors_feed_reads_the_same_in_every_client(year, client):
    placement = db.session.scalar(sa.select(Placement).filter_by(trainee_id=year["trainee"].id))
    calendar = _get(client, supervisor_feed_url(placement.supervisor_record))
    assert_rfc5545_basics(calendar)
    events = assert_clients_agree(calendar)
    kinds = {uid.split("-")[0] for uid in events}
    assert kinds == {"internship", "return"}  # internship days and return days, by intern
    offsets = {event["start"].astimezone(AMSTERDAM).utcoffset() for event in events.values()}
    assert offsets == {timedelta(hours=1), timedelta(hours=2)}
    assert all("Amina Yusuf" in event["text"] for event in events.values())


def test_an_emailed_ics_reads_the_same_in_every_client_and_subscribes_to_nothing(year, smtp_config):
    db.session.execute(sa.delete(OutboxMessage))
    summer = next(sess for sess in year["sessions"] if sess.date.month == 6)
    session_services.update_session(summer, {"start_time": "10:00"})
    db.session.commit()
    assert dispatch_due(utcnow() + timedelta(minutes=6))["sent"] >= 1
    mail = message_from_bytes(smtp_config.messages[0].content, policy=policy.default)
    [attachment] = [part for part in mail.iter_attachments() if part.get_content_type() == "text/calendar"]
    calendar = attachment.get_payload(decode=True)
    assert_rfc5545_basics(calendar)
    [event] = assert_clients_agree(calendar).values()
    assert event["start"] == datetime.combine(summer.date, time(10, 0), AMSTERDAM).astimezone(UTC)
    for subscription_only in (b"X-WR-CALNAME", b"\r\nNAME:", b"REFRESH-INTERVAL", b"X-PUBLISHED-TTL"):
        assert subscription_only not in calendar


def test_an_alert_chosen_on_the_account_is_what_every_client_reads(year, client):
    user = db.session.scalar(sa.select(User).filter_by(trainee_id=year["trainee"].id))
    user.calendar_alert = "2h"
    db.session.commit()
    events = assert_clients_agree(_get(client, trainee_feed_url(year["trainee"])))
    for event in events.values():
        assert event["alarms"] in ([], [event["start"] - timedelta(hours=2)])
    user.calendar_alert = "off"
    db.session.commit()
    calendar = _get(client, trainee_feed_url(year["trainee"]))
    assert b"BEGIN:VALARM" not in calendar


def test_a_vtimezone_that_gets_summer_time_wrong_is_caught_by_both_parsers(year, client):
    """The check itself can fail: the form icalendar writes (RDATE lists) was read an hour late."""
    calendar = _get(client, trainee_feed_url(year["trainee"]))
    wrong = calendar.replace(b"BYMONTH=3", b"BYMONTH=4")  # summer time from the end of April
    with pytest.raises(AssertionError):
        assert_clients_agree(wrong)
