"""Erasure (AVG): after it, the trainee's name, e-mail address and phone number are nowhere in the
database (every text column of every table searched), while the cohort's numbers are unchanged;
the confirmation, idempotence, login, retention (command and scheduler job), and that personal
data is never in a URL or an e-mail subject."""

import re
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from markupsafe import escape

from accounts.models import ApiToken, OneTimeLink, Role, User
from accounts.services import InvalidCredentials, authenticate, create_api_token, set_password
from cohort.follow_ups.models import WorkOutcome
from cohort.models import Cohort, Trainee, TraineeNote, TraineeOutcome, TraineeStatus, TraineeStatusChange
from cohort.services import CohortInput, default_template, enrol_trainee, save_cohort, withdraw_trainee
from core import ratelimit
from core.audit import AuditAction, AuditEvent
from core.ratelimit import RateLimitHit
from extensions import db
from outbox.models import MessageStatus, OutboxMessage
from placements import services as placement_services
from placements.evaluations.rules import CRITERIA
from placements.evaluations.services import submit_evaluation
from placements.models import Evaluation, InternshipOffer, Placement
from privacy.cli import run_retention_job
from privacy.erasure import erase_trainee, erased_email, erased_name
from reminders.scan import scan
from sessions.models import AbsenceNotice, Attendance, AttendanceStatus, TrainingSession
from sessions.notices import queue_change_notices, snapshot
from sessions.services import record_attendance, update_session
from tests.conftest import login, post_form
from tests.factories import PASSWORD, make_cohort, make_municipality, make_trainee, make_user

NAME = "Amal D'Souza"  # the apostrophe is escaped in the HTML part of every mail
EMAIL = "amal.dsouza@mail.example"
PHONE = "06 4321 9876"
OTHER_NAME = "Bram Visser"
TODAY = date(2026, 6, 15)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def user_of(trainee: Trainee) -> User:
    return db.session.scalar(sa.select(User).filter_by(trainee_id=trainee.id))


def sessions_of(cohort: Cohort) -> list[TrainingSession]:
    return db.session.scalars(
        sa.select(TrainingSession).filter_by(cohort_id=cohort.id).order_by(TrainingSession.date)
    ).all()


# --- the world: one cohort through its year, with everything that can hold a trainee's data -----


@pytest.fixture
def world(app, manager):
    """A cohort of 30 March 2026 (internship from Monday 11 May) with Amal, Bram and Chris.

    Amal has a phone, languages, a home municipality, an account with a password and a token, a
    failed login, attendance with notes, an absence notice, a status change, notes, a confirmed
    placement with an evaluation, an outcome, and messages: to her (invitation, reminder, change
    notice) and about her to others (proposal, return-day notice, evaluation request, digest).
    """
    cohort, _ = save_cohort(
        None,
        CohortInput(name="Utrecht voorjaar", template=default_template(), start_date=date(2026, 3, 30)),
    )
    home = make_municipality("Utrecht")
    amal = enrol_trainee(
        cohort,
        name=NAME,
        email=EMAIL,
        phone=PHONE,
        home_municipality_id=home.id,
        languages=["Arabisch", "Engels"],
    )
    bram = enrol_trainee(cohort, name=OTHER_NAME, email="bram.visser@mail.example")
    chris = enrol_trainee(cohort, name="Chris de Wit", email="chris@mail.example")
    set_password(user_of(amal), PASSWORD)
    create_api_token(user_of(amal), "telefoon")
    db.session.commit()
    with pytest.raises(InvalidCredentials):
        authenticate(EMAIL, "wrong password", "192.0.2.7")
    db.session.commit()

    sessions = sessions_of(cohort)
    statuses = [AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.ABSENT_EXCUSED]
    for n, sess in enumerate(sessions[:6]):
        record_attendance(
            sess,
            [
                {
                    "trainee_id": amal.id,
                    "status": statuses[n % 3],
                    "note": f"{NAME} belde om 09:10 ({PHONE})",
                },
                {"trainee_id": bram.id, "status": AttendanceStatus.ABSENT, "note": ""},
                {"trainee_id": chris.id, "status": AttendanceStatus.PRESENT, "note": ""},
            ],
            manager,
        )
    db.session.add(AbsenceNotice(session_id=sessions[2].id, trainee_id=amal.id, reason="Afspraak bij de IND"))
    sessions[3].notes = f"Presentatie door {NAME}; vragen aan {EMAIL}"
    withdraw_trainee(chris, date(2026, 4, 20), "Verhuisd")
    db.session.add_all(
        [
            TraineeStatusChange(
                trainee_id=amal.id,
                status=TraineeStatus.ACTIVE,
                effective_on=date(2026, 3, 30),
                reason="Gestart",
            ),
            TraineeNote(
                trainee_id=amal.id,
                author_id=manager.id,
                noted_on=date(2026, 4, 2),
                text=f"Bel {NAME}: {PHONE}",
            ),
            TraineeNote(
                trainee_id=bram.id, author_id=manager.id, noted_on=date(2026, 4, 2), text=f"Met {NAME}"
            ),
        ]
    )
    amal.outcome, amal.outcome_date = TraineeOutcome.EMPLOYED_CONSULTANT, date(2027, 4, 1)
    amal.outcome_municipality_id, amal.outcome_note = home.id, f"{NAME} begint in april"
    db.session.add(  # after the programme: her own answer, and what a manager heard on the phone
        WorkOutcome(
            trainee_id=amal.id,
            months=6,
            work="consultant",
            employer_municipality_id=home.id,
            hours_per_week=32,
            evidence="programme",
            source="phone_call",
            note=f"Gebeld met {NAME} op {PHONE}",
            known_on=date(2027, 10, 1),
        )
    )
    db.session.commit()

    contact = make_user(Role.MUNICIPALITY, municipality_id=home.id)
    offer = InternshipOffer(municipality_id=home.id, cohort_id=cohort.id, places=2)
    db.session.add(offer)
    db.session.flush()
    placement = placement_services.propose(amal, offer, manager)  # mails the contact, naming Amal
    placement_services.confirm(
        placement, {"supervisor_name": "Eva de Boer", "supervisor_email": "eva@utrecht.example"}, contact
    )
    db.session.commit()

    before = snapshot(sessions[10])
    update_session(sessions[10], {"start_time": "10:00"})
    queue_change_notices(sessions[10], before)  # to every trainee, whatever today's date is
    return_day = next(s for s in sessions if s.kind == "return_day" and s.date > date(2026, 5, 15))
    before = snapshot(return_day)
    update_session(return_day, {"start_time": "10:00"})
    queue_change_notices(return_day, before)  # also to the supervisor, naming the intern
    db.session.commit()
    for moment in (
        utc(2026, 3, 30, 6, 0),  # Monday 08:00: the managers' weekly digest lists the absence notice
        utc(2026, 3, 30, 16, 0),  # 18:00: the reminders for Tuesday
        utc(2026, 5, 13, 6, 0),  # the supervisor's notice of Friday's return day (Thursday is a holiday)
        utc(2026, 6, 1, 7, 0),  # internship week 4: the mid-term evaluation request
    ):
        scan(moment)
        db.session.commit()
    submit_evaluation(placement, "midterm", {code: 4 for code in CRITERIA}, f"{NAME} doet het goed", "Eva")
    db.session.commit()
    return {"cohort": cohort, "amal": amal, "bram": bram, "chris": chris, "placement": placement}


# --- searching the whole database -------------------------------------------------------------


def text_columns() -> list[tuple[str, str]]:
    """(table, column) for every text, varchar and JSON column of every table, by the inspector."""
    inspector = sa.inspect(db.engine)
    found = []
    for table in inspector.get_table_names():
        for column in inspector.get_columns(table):
            if isinstance(column["type"], sa.String | sa.Text | sa.JSON) or "JSON" in str(column["type"]):
                found.append((table, column["name"]))
    return found


def places_holding(*values: str) -> list[str]:
    """Every 'table.column' whose text contains any of `values`, ignoring case."""
    hits = []
    for table, column in text_columns():
        col = sa.cast(sa.column(column), sa.Text)
        conditions = [sa.func.lower(col).contains(v.lower(), autoescape=True) for v in values]
        query = sa.select(sa.func.count()).select_from(sa.table(table)).where(sa.or_(*conditions))
        if db.session.scalar(query):
            hits.append(f"{table}.{column}")
    return hits


def identifying_values() -> tuple[str, ...]:
    return (NAME, str(escape(NAME)), EMAIL, PHONE)


def cohort_numbers(cohort_id: int) -> dict:
    """The counts reports are made of, by plain queries."""

    def counts(query) -> Counter:
        return Counter(dict(db.session.execute(query).tuples().all()))

    return {
        "attendance": counts(
            sa.select(Attendance.status, sa.func.count())
            .join(TrainingSession, TrainingSession.id == Attendance.session_id)
            .where(TrainingSession.cohort_id == cohort_id)
            .group_by(Attendance.status)
        ),
        "trainees": counts(
            sa.select(Trainee.status, sa.func.count())
            .where(Trainee.cohort_id == cohort_id)
            .group_by(Trainee.status)
        ),
        "placements": counts(
            sa.select(Placement.status, sa.func.count())
            .where(Placement.cohort_id == cohort_id)
            .group_by(Placement.status)
        ),
        "absence_notices": db.session.scalar(sa.select(sa.func.count(AbsenceNotice.id))),
        "evaluations": db.session.scalar(sa.select(sa.func.count(Evaluation.id))),
        "work_outcomes": counts(sa.select(WorkOutcome.work, sa.func.count()).group_by(WorkOutcome.work)),
    }


def stats(cohort_id: int):
    from reports.stats_services import cohort_stats

    return cohort_stats([cohort_id], TODAY)[cohort_id]


def confirmation_word(manager_client, trainee_id: int) -> str:
    """The word the page asks for (VERWIJDEREN in Dutch, the default language)."""
    page = manager_client.get(f"/trainees/{trainee_id}/erase").get_data(as_text=True)
    return re.search(r'id="confirm-word">([^<]+)<', page).group(1)


def erase_by_form(manager_client, trainee_id: int, word: str | None = None):
    word = confirmation_word(manager_client, trainee_id) if word is None else word
    return post_form(manager_client, f"/trainees/{trainee_id}/erase", {"confirmation": word})


# --- the tests ----------------------------------------------------------------------------------


def test_the_world_really_holds_the_data_everywhere_it_can(world):
    """The search below must find something before the erasure, or it proves nothing."""
    holding = places_holding(*identifying_values())
    for place in (
        "trainees.name",
        "trainees.email",
        "trainees.phone",
        "users.email",
        "users.name",
        "attendance.note",
        "training_sessions.notes",
        "trainee_notes.text",
        "evaluations.comments",
        "outbox_messages.key",
        "outbox_messages.recipient",
        "outbox_messages.body_text",
        "outbox_messages.body_html",
    ):
        assert place in holding, place
    kinds = {
        m.kind
        for m in db.session.scalars(sa.select(OutboxMessage))
        if NAME in m.body_text or m.recipient == EMAIL
    }
    expected = {"invitation", "session_reminder", "change_notice", "placement_proposal", "return_day_notice"}
    assert expected | {"evaluation_due", "weekly_digest"} <= kinds
    # Notices to her supervisor name her too (in the text, never in the subject).
    to_supervisor = {
        m.kind
        for m in db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.recipient_user_id.is_(None)))
        if NAME in m.body_text and NAME not in m.subject
    }
    assert {"change_notice", "return_day_notice", "evaluation_due"} <= to_supervisor
    # Greetings name the recipient: the supervisor's and the trainee's change notice alike.
    notices = db.session.scalars(sa.select(OutboxMessage).filter_by(kind="change_notice")).all()
    assert {"Hallo Eva de Boer,", f"Hallo {NAME},"} <= {m.body_text.splitlines()[0] for m in notices}
    assert len(text_columns()) > 60


def test_after_erasure_the_name_email_and_phone_are_nowhere_and_the_numbers_unchanged(
    world, manager_client, manager
):
    cohort_id, amal_id = world["cohort"].id, world["amal"].id
    numbers_before, stats_before = cohort_numbers(cohort_id), stats(cohort_id)
    other_before = places_holding(OTHER_NAME)

    response = erase_by_form(manager_client, amal_id)
    assert response.status_code == 302 and response.location.endswith(f"/cohorts/{cohort_id}")

    assert places_holding(*identifying_values()) == []
    assert cohort_numbers(cohort_id) == numbers_before
    assert stats(cohort_id) == stats_before
    assert places_holding(OTHER_NAME) == other_before  # Bram keeps his data

    db.session.expire_all()  # the erasure ran in the request's own session
    amal = db.session.get(Trainee, amal_id)
    assert (amal.name, amal.email, amal.phone, amal.languages) == (
        erased_name(amal_id),
        erased_email(amal_id),
        "",
        "",
    )
    assert amal.home_municipality_id is None and amal.erased_at is not None
    assert (amal.status, amal.outcome, amal.outcome_date) == (
        TraineeStatus.ENROLLED,
        TraineeOutcome.EMPLOYED_CONSULTANT,
        date(2027, 4, 1),
    )
    assert db.session.scalar(sa.select(sa.func.count(TraineeNote.id)).filter_by(trainee_id=amal_id)) == 0
    work = db.session.scalar(sa.select(WorkOutcome).filter_by(trainee_id=amal_id))
    assert (work.work, work.evidence, work.months, work.note, work.hours_per_week) == (
        "consultant",
        "programme",
        6,
        "",
        None,
    )
    evaluation = db.session.scalar(sa.select(Evaluation))
    assert evaluation.comments == "" and evaluation.scores == {code: 4 for code in CRITERIA}
    assert db.session.get(Placement, world["placement"].id).supervisor_name == "Eva de Boer"

    # Mail about her to others keeps its sense, with the replacement name.
    proposal = db.session.scalar(sa.select(OutboxMessage).filter_by(kind="placement_proposal"))
    assert erased_name(amal_id) in proposal.body_text and proposal.recipient != erased_email(amal_id)
    # Mail to her: no recipient, subject or text left, and what waited is never sent.
    to_her = db.session.scalars(sa.select(OutboxMessage).filter_by(recipient=erased_email(amal_id))).all()
    assert {m.kind for m in to_her} >= {"invitation", "session_reminder", "change_notice"}
    assert all(m.subject == "(verwijderd)" and m.body_text == "" and m.body_html is None for m in to_her)
    assert all(m.status != MessageStatus.PENDING for m in to_her)

    user = db.session.scalar(sa.select(User).filter_by(trainee_id=amal_id))
    assert not user.is_active and user.password_hash is None and user.name == erased_name(amal_id)
    for model in (OneTimeLink, ApiToken):
        assert (
            db.session.scalar(sa.select(sa.func.count()).select_from(model).filter_by(user_id=user.id)) == 0
        )
    account_key = ratelimit.limit_key("login:account", EMAIL)
    assert db.session.scalar(sa.select(sa.func.count()).where(RateLimitHit.key == account_key)) == 0

    [event] = db.session.scalars(sa.select(AuditEvent).filter_by(action=AuditAction.ERASE)).all()
    assert (event.trainee_id, event.actor_id) == (amal_id, manager.id)


def test_an_erased_trainee_can_no_longer_log_in(world, app, manager_client):
    assert login(app.test_client(), EMAIL).status_code == 302  # she could before
    erase_by_form(manager_client, world["amal"].id)
    for email in (EMAIL, erased_email(world["amal"].id)):
        response = login(app.test_client(), email)
        assert response.status_code != 302, email


def test_erasing_twice_changes_nothing_the_second_time(world, manager):
    amal = world["amal"]
    erase_trainee(amal, manager)
    db.session.commit()
    snapshot = (amal.name, amal.email, amal.erased_at, amal.calendar_salt)
    erase_trainee(amal, manager)
    db.session.commit()
    assert (amal.name, amal.email, amal.erased_at, amal.calendar_salt) == snapshot
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).filter_by(action=AuditAction.ERASE)) == 1


def test_the_erasure_is_one_transaction(world, manager, monkeypatch):
    """A failure halfway leaves everything as it was: nothing is half-erased."""
    import privacy.erasure as erasure

    def broken(*_args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(erasure, "_erase_trainee_row", broken)
    with pytest.raises(RuntimeError):
        erase_trainee(world["amal"], manager)
    db.session.rollback()
    assert "users.email" in places_holding(EMAIL) and "outbox_messages.body_text" in places_holding(NAME)
    assert db.session.get(Trainee, world["amal"].id).erased_at is None


# --- the confirmation page ----------------------------------------------------------------------


def test_the_confirmation_page_shows_the_word_and_a_wrong_word_changes_nothing(app, manager_client):
    trainee = make_trainee(name="Nadia Haddad")
    db.session.commit()
    assert manager_client.get(f"/trainees/{trainee.id}/erase").status_code == 200
    word = confirmation_word(manager_client, trainee.id)
    assert word in ("VERWIJDEREN", "ERASE")  # Dutch, or English while the catalogue lacks it

    for wrong in ("", "verwijder", word[:-1], word + "X"):
        response = erase_by_form(manager_client, trainee.id, wrong)
        assert response.status_code == 400, wrong
        html = response.get_data(as_text=True)
        assert 'id="confirmation-error"' in html and 'aria-invalid="true"' in html
    db.session.expire_all()
    assert db.session.get(Trainee, trainee.id).name == "Nadia Haddad"
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == 0

    assert erase_by_form(manager_client, trainee.id, f" {word.lower()} ").status_code == 302  # case, spaces
    db.session.expire_all()
    assert db.session.get(Trainee, trainee.id).erased_at is not None
    again = manager_client.get(f"/trainees/{trainee.id}/erase").get_data(as_text=True)
    assert "already been erased" in again or "al verwijderd" in again


@pytest.mark.parametrize("who", ["trainee_client", "municipality_client", "trainer_client"])
def test_only_managers_may_erase(request, who, app):
    trainee = make_trainee()
    db.session.commit()
    client = request.getfixturevalue(who)
    assert client.get(f"/trainees/{trainee.id}/erase").status_code == 403
    assert client.post(f"/trainees/{trainee.id}/erase", data={"confirmation": "VERWIJDEREN"}).status_code in (
        400,
        403,
    )
    db.session.expire_all()
    assert db.session.get(Trainee, trainee.id).erased_at is None


def test_erasing_a_missing_trainee_is_a_404(manager_client):
    assert manager_client.get("/trainees/9999/erase").status_code == 404


# --- retention ------------------------------------------------------------------------------------


def test_the_command_erases_exactly_the_trainees_whose_cohort_ended_long_enough_ago(app):
    ended = make_cohort(start_date=date(2023, 1, 2))
    ended.end_date = date(2024, 3, 31)  # first day of erasure: 1 April 2026
    later = make_cohort(start_date=date(2023, 1, 9))
    later.end_date = date(2024, 4, 1)  # one day later: 2 April 2026
    running = make_cohort(start_date=date(2026, 1, 5))  # no end date, no phases: never
    planned, _ = save_cohort(  # planned: ends with its last phase, Sunday 5 January 2025
        None, CohortInput(name="Gepland", template=default_template(), start_date=date(2024, 1, 8))
    )
    people = {c: make_trainee(c) for c in (ended, later, running, planned)}
    db.session.commit()
    runner = app.test_cli_runner()

    result = runner.invoke(args=["privacy", "erase-expired", "--today", "2026-03-31"])
    assert result.exit_code == 0 and "erased 0" in result.output
    result = runner.invoke(args=["privacy", "erase-expired", "--today", "2026-04-01"])
    assert result.exit_code == 0, result.output
    assert f"erased 1 trainee(s): {people[ended].id}" in result.output
    result = runner.invoke(args=["privacy", "erase-expired", "--today", "2027-01-06"])
    assert sorted(map(int, result.output.split(": ")[1].split(", "))) == sorted(
        [people[later].id, people[planned].id]
    )
    db.session.expire_all()
    erased = {c.name for c, t in people.items() if db.session.get(Trainee, t.id).erased_at is not None}
    assert erased == {ended.name, later.name, planned.name}
    system = db.session.scalars(sa.select(AuditEvent).filter_by(action=AuditAction.ERASE)).all()
    assert len(system) == 3 and all(e.actor_id is None for e in system)

    result = runner.invoke(args=["privacy", "erase-expired", "--today", "2030-01-01"])
    assert "erased 0" in result.output  # nothing twice
    result = runner.invoke(args=["privacy", "erase-expired", "--today", "1 april"])
    assert result.exit_code != 0 and "YYYY-MM-DD" in result.output


def test_the_retention_period_is_a_setting(app):
    cohort = make_cohort(start_date=date(2023, 1, 2))
    cohort.end_date = date(2024, 3, 31)
    trainee = make_trainee(cohort)
    db.session.commit()
    app.config["RETENTION_MONTHS"] = 36
    result = app.test_cli_runner().invoke(args=["privacy", "erase-expired", "--today", "2026-04-01"])
    assert "erased 0" in result.output
    app.config["RETENTION_MONTHS"] = 0
    result = app.test_cli_runner().invoke(args=["privacy", "erase-expired", "--today", "2026-04-01"])
    assert result.exit_code != 0 and "at least 1" in result.output
    db.session.expire_all()
    assert db.session.get(Trainee, trainee.id).erased_at is None


def test_the_scheduler_job_erases_what_is_due_today(app):
    old = make_cohort(start_date=date(2019, 1, 7))
    old.end_date = date(2020, 1, 5)
    new = make_cohort(start_date=date.today() - timedelta(days=30))
    gone, kept = make_trainee(old), make_trainee(new)
    db.session.commit()
    run_retention_job(app)
    db.session.expire_all()
    assert db.session.get(Trainee, gone.id).erased_at is not None
    assert db.session.get(Trainee, kept.id).erased_at is None


def test_the_scheduler_runs_the_retention_job_at_3_every_night(app, monkeypatch):
    from apscheduler.schedulers.blocking import BlockingScheduler

    import jobs as job_table

    jobs = {}

    def start(scheduler):
        jobs.update({job.id: job for job in scheduler.get_jobs()})
        raise KeyboardInterrupt

    monkeypatch.setattr(BlockingScheduler, "start", start)
    monkeypatch.setattr(job_table, "run_tick", lambda _app: {})
    result = app.test_cli_runner().invoke(args=["scheduler"])
    assert result.exit_code == 0, result.output
    trigger = str(jobs["retention"].trigger)
    assert "hour='3'" in trigger and "minute='0'" in trigger and jobs["retention"].func is run_retention_job


# --- personal data never in URLs or e-mail subjects; only what the programme needs -----------------


def test_no_subject_names_a_trainee_and_no_url_carries_a_name_or_address(world):
    people = db.session.scalars(sa.select(Trainee)).all()
    leaks = [
        (m.kind, m.subject)
        for m in db.session.scalars(sa.select(OutboxMessage))
        for t in people
        if any(v and v.lower() in m.subject.lower() for v in (t.name, t.email, t.phone))
    ]
    assert leaks == []
    assert len({m.kind for m in db.session.scalars(sa.select(OutboxMessage))}) >= 7

    # A person's name, address or phone as a path parameter ("filename" of /static is no person's).
    personal = re.compile(r"(^|_)(name|e?mail|phone|telephone|bsn)$", re.IGNORECASE)
    from flask import current_app

    params = [
        (r.rule, a) for r in current_app.url_map.iter_rules() for a in r.arguments if personal.search(a)
    ]
    assert params == []


def test_no_form_asks_for_a_citizen_service_number_or_residence_permit(app):
    """Only what the programme needs: no BSN, permit, nationality or date of birth in any form."""
    from flask_wtf import FlaskForm
    from wtforms.fields.core import UnboundField

    def all_subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from all_subclasses(sub)

    forbidden = re.compile(r"bsn|burgerservice|permit|vergunning|nationalit|birth|geboorte|passport", re.I)
    forms = list(all_subclasses(FlaskForm))
    assert len(forms) > 10  # the app's forms are loaded
    asked = [
        f"{form.__name__}.{name}"
        for form in forms
        for name, value in vars(form).items()
        if isinstance(value, UnboundField)
        and (forbidden.search(name) or forbidden.search(str(value.args[:1])))
    ]
    assert asked == []
