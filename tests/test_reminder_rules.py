"""Reminder rules: when each reminder is due (pure), what the scan creates at a given moment, the
settings page, and a query count that does not grow with the number of trainees."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from accounts.models import Role, User
from accounts.services import set_active
from cohort.models import Cohort
from cohort.services import CohortInput, default_template, enrol_trainee, save_cohort, withdraw_trainee
from core.holidays import dutch_holidays
from extensions import db
from outbox.models import OutboxMessage
from placements import services as placement_services
from placements.evaluations.rules import CRITERIA
from placements.evaluations.services import submit_evaluation
from placements.models import InternshipOffer, Placement
from reminders import rules
from reminders.models import ReminderRule
from reminders.scan import load_rules, scan
from sessions.models import AbsenceNotice, SessionStatus, TrainingSession
from tests.conftest import post_form
from tests.factories import make_municipality, make_user

TZ = "Europe/Amsterdam"
HOLIDAYS = dutch_holidays(range(2025, 2029))


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --- pure: due times and working days ------------------------------------------------------


@pytest.mark.parametrize(
    ("session_day", "expected"),
    [
        (date(2026, 3, 31), utc(2026, 3, 30, 16, 0)),  # after the last Sunday of March: summer time
        (date(2026, 3, 24), utc(2026, 3, 23, 17, 0)),  # before it: winter time
        (date(2026, 10, 27), utc(2026, 10, 26, 17, 0)),  # after the last Sunday of October: winter time
        (date(2026, 10, 20), utc(2026, 10, 19, 16, 0)),  # before it: summer time
    ],
)
def test_a_session_reminder_is_at_18_local_the_day_before_across_summer_time(session_day, expected):
    assert rules.local_due(session_day - timedelta(days=1), time(18, 0), TZ) == expected
    assert rules.session_reminder_due(session_day, rules.rule_from(rules.SESSION_REMINDER), TZ) == expected


def test_only_the_latest_chase_is_due_after_a_long_pause():
    rule = rules.rule_from(rules.PLACEMENT_CHASE)
    monday = date(2027, 4, 12)
    assert rules.latest_chase(monday, rule, HOLIDAYS, TZ, utc(2027, 4, 19, 6, 59)) is None
    assert rules.latest_chase(monday, rule, HOLIDAYS, TZ, utc(2027, 4, 19, 7, 0)) == (
        1,
        utc(2027, 4, 19, 7, 0),
    )
    assert rules.latest_chase(monday, rule, HOLIDAYS, TZ, utc(2027, 5, 1, 12, 0)) == (
        2,
        utc(2027, 4, 26, 7, 0),
    )


# --- integration: what the scan creates ------------------------------------------------------


def cohort_starting(start: date, name: str = "Utrecht voorjaar") -> Cohort:
    cohort, _ = save_cohort(
        None, CohortInput(name=name, template=default_template(), start_date=start, location="Vredenburg 40")
    )
    db.session.commit()
    return cohort


def enrol(cohort: Cohort, count: int, language: str = "nl") -> list:
    trainees = [
        enrol_trainee(
            cohort,
            name=f"Deelnemer {cohort.id}-{n}",
            email=f"d{n}.{cohort.id}@mail.example",
            language=language,
        )
        for n in range(count)
    ]
    db.session.commit()
    return trainees


def user_of(trainee) -> User:
    return db.session.scalar(sa.select(User).filter_by(trainee_id=trainee.id))


def messages(kind: str) -> list[OutboxMessage]:
    return db.session.scalars(sa.select(OutboxMessage).filter_by(kind=kind).order_by(OutboxMessage.id)).all()


def session_on(cohort: Cohort, day: date) -> TrainingSession:
    return db.session.scalar(sa.select(TrainingSession).filter_by(cohort_id=cohort.id, date=day))


def run_scan(now: datetime) -> int:
    created = scan(now)
    db.session.commit()
    return created


def test_session_reminders_go_at_18_local_the_evening_before_once_per_trainee(app):
    cohort = cohort_starting(date(2026, 3, 30))
    dutch = enrol(cohort, 1)[0]
    english = enrol_trainee(cohort, name="Amal Yusuf", email="amal@mail.example", language="en")
    db.session.commit()
    tuesday = session_on(cohort, date(2026, 3, 31))

    run_scan(utc(2026, 3, 30, 15, 59))
    assert messages("session_reminder") == []

    run_scan(utc(2026, 3, 30, 16, 0))  # 18:00 in Amsterdam (summer time since Sunday)
    reminders = {m.recipient: m for m in messages("session_reminder")}
    assert set(reminders) == {user_of(dutch).email, user_of(english).email}
    mine = reminders["amal@mail.example"]
    assert mine.subject == "Reminder: Training day on Tuesday 31 March at 09:30"
    assert "Amal Yusuf" not in mine.subject and "Amal Yusuf" in mine.body_text
    assert "from 09:30 to 16:00" in mine.body_text and "Vredenburg 40" in mine.body_text
    assert (mine.session_id, mine.trainee_id, mine.recipient_user_id) == (
        tuesday.id,
        english.id,
        user_of(english).id,
    )
    assert mine.key == f"session_reminder:{tuesday.id}:{user_of(english).id}:2026-03-31T0930"
    assert mine.due_at == utc(2026, 3, 30, 16, 0)
    theirs = reminders[user_of(dutch).email]
    assert "31 maart" in theirs.subject and "09:30" in theirs.subject and theirs.language == "nl"

    assert run_scan(utc(2026, 3, 30, 16, 5)) == 0
    assert len(messages("session_reminder")) == 2


def test_no_reminder_for_withdrawn_deactivated_or_opted_out_trainees_nor_cancelled_sessions(app):
    cohort = cohort_starting(date(2026, 3, 30))
    keen, withdrawn, deactivated, opted_out = enrol(cohort, 4)
    withdraw_trainee(withdrawn, date(2026, 3, 30), "Werk gevonden")
    set_active(user_of(deactivated), False)
    user_of(opted_out).wants_session_reminders = False
    db.session.commit()

    run_scan(utc(2026, 3, 30, 16, 0))
    assert [m.trainee_id for m in messages("session_reminder")] == [keen.id]

    session_on(cohort, date(2026, 4, 1)).status = SessionStatus.CANCELLED
    db.session.commit()
    run_scan(utc(2026, 3, 31, 16, 0))  # the evening before the cancelled Wednesday
    assert len(messages("session_reminder")) == 1


def test_no_reminder_once_the_session_has_started(app):
    """A scheduler that was down all evening does not send the reminder after the session began."""
    cohort = cohort_starting(date(2026, 3, 30))
    enrol(cohort, 2)
    run_scan(utc(2026, 3, 31, 8, 0))  # Tuesday 10:00: Tuesday's session started at 09:30
    assert messages("session_reminder") == []


def test_a_trainee_who_reported_an_absence_is_not_reminded(app):
    cohort = cohort_starting(date(2026, 3, 30))
    present, absent = enrol(cohort, 2)
    tuesday = session_on(cohort, date(2026, 3, 31))
    db.session.add(AbsenceNotice(session_id=tuesday.id, trainee_id=absent.id, reason="Afspraak bij de IND"))
    db.session.commit()
    run_scan(utc(2026, 3, 30, 16, 0))
    assert [m.trainee_id for m in messages("session_reminder")] == [present.id]


def test_a_moved_session_gets_a_new_reminder_for_its_new_date(app):
    cohort = cohort_starting(date(2026, 3, 30))
    [trainee] = enrol(cohort, 1)
    tuesday = session_on(cohort, date(2026, 3, 31))
    run_scan(utc(2026, 3, 30, 16, 0))
    tuesday.date = date(2026, 4, 14)
    db.session.commit()

    run_scan(utc(2026, 4, 13, 16, 0))
    keys = [m.key for m in messages("session_reminder") if m.session_id == tuesday.id]
    user_id = user_of(trainee).id
    assert keys == [
        f"session_reminder:{tuesday.id}:{user_id}:2026-03-31T0930",
        f"session_reminder:{tuesday.id}:{user_id}:2026-04-14T0930",
    ]


def test_a_rule_switched_off_sends_nothing_and_a_changed_time_is_followed(app):
    cohort = cohort_starting(date(2026, 3, 30))
    enrol(cohort, 2)
    db.session.add(ReminderRule(kind=rules.SESSION_REMINDER, is_enabled=False, settings={}))
    db.session.commit()
    run_scan(utc(2026, 3, 30, 16, 0))
    assert messages("session_reminder") == []

    rule = db.session.get(ReminderRule, rules.SESSION_REMINDER)
    rule.is_enabled, rule.settings = True, {"time": "19:30", "days_before": 1}
    db.session.commit()
    run_scan(utc(2026, 3, 30, 17, 29))
    assert messages("session_reminder") == []
    run_scan(utc(2026, 3, 30, 17, 30))
    assert {m.due_at for m in messages("session_reminder")} == {utc(2026, 3, 30, 17, 30)}


# --- supervisors, municipalities and managers ------------------------------------------------


@pytest.fixture
def host(app, manager):
    """A municipality with a contact and an offer of three places for a cohort of 22 March 2027.

    Its internship runs from Monday 3 May 2027; the first return day in it is Friday 7 May, and
    Thursday 6 May is Hemelvaartsdag.
    """
    cohort = cohort_starting(date(2027, 3, 22))
    municipality = make_municipality("Utrecht")
    contact = make_user(Role.MUNICIPALITY, municipality_id=municipality.id)
    offer = InternshipOffer(municipality_id=municipality.id, cohort_id=cohort.id, places=3)
    db.session.add(offer)
    db.session.commit()
    return {"cohort": cohort, "contact": contact, "offer": offer, "manager": manager}


def place(host, trainee, supervisor: str | None) -> Placement:
    placement = placement_services.propose(trainee, host["offer"], host["manager"])
    if supervisor:
        placement_services.confirm(
            placement,
            {"supervisor_name": supervisor.title(), "supervisor_email": f"{supervisor}@gemeente.example"},
            host["contact"],
        )
    db.session.commit()
    return placement


def test_the_return_day_notice_goes_to_each_supervisor_on_the_working_day_before(host):
    eva_1, eva_2, other = enrol(host["cohort"], 3)
    place(host, eva_1, "eva")
    place(host, eva_2, "eva")
    place(host, other, "jan")

    run_scan(utc(2027, 5, 5, 5, 59))  # Wednesday 07:59: not yet
    assert messages("return_day_notice") == []
    run_scan(utc(2027, 5, 5, 6, 0))  # Wednesday 08:00: Thursday is a holiday
    notices = {m.recipient: m for m in messages("return_day_notice")}
    assert set(notices) == {"eva@gemeente.example", "jan@gemeente.example"}
    eva = notices["eva@gemeente.example"]
    assert eva.key == "return_day_notice:eva@gemeente.example:2027-05-07"
    assert eva_1.name in eva.body_text and eva_2.name in eva.body_text and other.name not in eva.body_text
    assert eva_1.name not in eva.subject and "7 mei" in eva.subject and eva.language == "nl"
    run_scan(utc(2027, 5, 6, 6, 0))
    assert len(messages("return_day_notice")) == 2


def test_an_unanswered_proposal_is_chased_after_5_working_days_with_the_answer_link(host):
    [trainee] = enrol(host["cohort"], 1)
    placement = place(host, trainee, None)
    placement.proposed_at = utc(2027, 4, 12, 8, 0)  # Monday 10:00
    db.session.commit()

    run_scan(utc(2027, 4, 16, 7, 0))  # Friday: 4 working days
    run_scan(utc(2027, 4, 19, 6, 59))
    assert messages("placement_chase") == []
    run_scan(utc(2027, 4, 19, 7, 0))  # Monday 09:00: 5 working days
    [chase] = messages("placement_chase")
    assert chase.recipient == host["contact"].email
    assert chase.key == f"placement_chase:{placement.id}:{host['contact'].id}:1"
    assert "http://localhost/e/placement/" in chase.body_text and trainee.name in chase.body_text
    assert trainee.name not in chase.subject

    run_scan(utc(2027, 4, 26, 7, 0))  # 5 working days later: the second chase
    assert [m.key[-2:] for m in messages("placement_chase")] == [":1", ":2"]
    placement_services.confirm(
        placement, {"supervisor_name": "Eva", "supervisor_email": "eva@gemeente.example"}, host["contact"]
    )
    db.session.commit()
    run_scan(utc(2027, 5, 4, 7, 0))  # when the third would be due (27 April is Koningsdag)
    assert len(messages("placement_chase")) == 2


def test_managers_are_alerted_from_10_working_days_before_the_internship_while_anyone_is_unplaced(host):
    placed, unplaced = enrol(host["cohort"], 2)
    place(host, placed, "eva")
    other_manager = make_user(Role.MANAGER)
    set_active(make_user(Role.MANAGER), False)
    db.session.commit()
    # The internship starts Monday 3 May 2027; 10 working days before (27 April is Koningsdag):
    first_day = date(2027, 4, 16)
    assert rules.add_working_days(first_day, 10, HOLIDAYS) == date(2027, 5, 3)

    run_scan(utc(2027, 4, 15, 6, 0))
    run_scan(utc(2027, 4, 16, 5, 59))
    assert messages("unplaced_alert") == []
    run_scan(utc(2027, 4, 16, 6, 0))
    alerts = messages("unplaced_alert")
    assert {m.recipient for m in alerts} == {host["manager"].email, other_manager.email}
    assert unplaced.name in alerts[0].body_text and placed.name not in alerts[0].body_text
    assert unplaced.name not in alerts[0].subject and host["cohort"].name in alerts[0].subject
    run_scan(utc(2027, 4, 17, 6, 0))  # Saturday: no alert
    assert len(messages("unplaced_alert")) == 2
    run_scan(utc(2027, 4, 19, 6, 0))  # the next working day: again
    assert len(messages("unplaced_alert")) == 4


def test_the_evaluation_is_due_in_internship_week_4_and_chased_once_if_still_missing(host):
    waiting, done = enrol(host["cohort"], 2)
    slow, quick = place(host, waiting, "eva"), place(host, done, "jan")
    # Internship week 4 starts Monday 24 May 2027.
    run_scan(utc(2027, 5, 24, 6, 59))
    assert messages("evaluation_due") == []
    run_scan(utc(2027, 5, 24, 7, 0))  # 09:00 local
    due = {m.recipient: m for m in messages("evaluation_due")}
    assert set(due) == {"eva@gemeente.example", "jan@gemeente.example"}
    eva = due["eva@gemeente.example"]
    assert eva.key == f"evaluation_due:{slow.id}:midterm"
    assert "http://localhost/e/evaluation/" in eva.body_text and waiting.name not in eva.subject

    submit_evaluation(quick, "midterm", {code: 4 for code in CRITERIA}, "", "Jan")
    db.session.commit()
    run_scan(utc(2027, 5, 28, 7, 0))  # 4 working days: no chase yet
    assert messages("evaluation_chase") == []
    run_scan(utc(2027, 5, 31, 7, 0))  # 5 working days
    [chase] = messages("evaluation_chase")
    assert (chase.recipient, chase.key) == ("eva@gemeente.example", f"evaluation_chase:{slow.id}:midterm")
    run_scan(utc(2027, 6, 1, 7, 0))
    assert len(messages("evaluation_chase")) == 1


def test_the_weekly_digest_goes_to_managers_on_monday_at_8_only(app, manager):
    cohort = cohort_starting(date(2026, 3, 30), name="Utrecht voorjaar")
    [trainee] = enrol(cohort, 1)
    no_digest = make_user(Role.MANAGER)
    no_digest.wants_digest = False
    wednesday = session_on(cohort, date(2026, 4, 1))
    db.session.add(
        AbsenceNotice(session_id=wednesday.id, trainee_id=trainee.id, reason="Afspraak bij de IND")
    )
    db.session.commit()

    run_scan(utc(2026, 3, 30, 5, 59))
    assert messages("weekly_digest") == []
    run_scan(utc(2026, 3, 30, 6, 0))  # Monday 08:00
    [digest] = messages("weekly_digest")
    assert digest.recipient == manager.email
    assert digest.key == f"weekly_digest:{manager.id}:2026-W14"
    assert "Utrecht voorjaar: 4" in digest.body_text  # Monday to Thursday; Friday is Goede Vrijdag
    assert "Afspraak bij de IND" in digest.body_text and trainee.name not in digest.subject
    run_scan(utc(2026, 3, 30, 12, 0))  # the same Monday, later
    run_scan(utc(2026, 4, 7, 6, 0))  # the next week's Tuesday (Monday was Tweede Paasdag, not scanned)
    assert len(messages("weekly_digest")) == 1


def test_the_scan_runs_a_fixed_number_of_queries_for_2_or_20_trainees(app, count_queries):
    small, large = cohort_starting(date(2026, 3, 30), "Klein"), cohort_starting(date(2026, 4, 13), "Groot")
    enrol(small, 2)
    enrol(large, 20)
    with count_queries() as few:
        created_few = run_scan(utc(2026, 3, 30, 16, 0))
    with count_queries() as many:
        created_many = run_scan(utc(2026, 4, 13, 16, 0))  # both cohorts meet on Tuesday 14 April
    assert (created_few, created_many) == (2, 22)
    assert len(few) == len(many)


# --- the settings page -----------------------------------------------------------------------


def rules_form(**changes) -> dict:
    """Every rule on with its defaults, then `changes` (field name -> value, or None to leave it out)."""
    data = {}
    for kind, settings in rules.DEFAULT_RULES.items():
        data[f"{kind}-is_enabled"] = "y"
        data.update({f"{kind}-{name}": str(value) for name, value in settings.items()})
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def test_the_manager_changes_a_rule_on_the_settings_page(manager_client):
    page = manager_client.get("/reminders/rules").get_data(as_text=True)
    assert 'name="session_reminder-time"' in page and 'value="18:00"' in page
    form = rules_form(**{"session_reminder-time": "19:30", "session_reminder-days_before": "2"})
    form.pop("return_day_notice-is_enabled")  # an unticked checkbox is not posted
    assert post_form(manager_client, "/reminders/rules", form).status_code == 302
    current = load_rules()
    assert (current["session_reminder"].at, current["session_reminder"].days_before) == (time(19, 30), 2)
    assert not current["return_day_notice"].is_enabled and current["weekly_digest"].is_enabled


def test_the_settings_page_refuses_bad_input_and_saves_nothing(manager_client):
    form = rules_form(**{"session_reminder-time": "25:00", "placement_chase-working_days": "31"})
    form.pop("weekly_digest-is_enabled")
    response = post_form(manager_client, "/reminders/rules", form)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="session_reminder-time-error"' in page and 'id="placement_chase-working_days-error"' in page
    assert 'id="unplaced_alert-working_days-error"' not in page
    assert db.session.scalars(sa.select(ReminderRule)).all() == []


@pytest.mark.parametrize("who", ["trainee_client", "municipality_client", "trainer_client"])
def test_only_managers_see_the_reminder_rules(request, who):
    client = request.getfixturevalue(who)
    assert client.get("/reminders/rules").status_code == 403
