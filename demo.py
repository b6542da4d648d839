"""`flask demo`: a believable example in an empty database, and the logins to try it with."""

from datetime import date, timedelta

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _

from accounts.models import Role, User
from accounts.services import create_user
from cohort.follow_ups.models import WorkOutcome
from cohort.follow_ups.rules import FOLLOW_UP_MONTHS, Evidence, Source, Work, moment_at
from cohort.models import Closure, Cohort, Trainee, TraineeStatus
from cohort.services import (
    CohortInput,
    default_template,
    record_status_change,
    save_cohort,
    seed_default_templates,
)
from cohort.trainees.services import add_note
from core.clock import utcnow
from core.workdays import add_months
from extensions import db
from outbox.models import MessageStatus, OutboxMessage
from placements.evaluations.rules import CRITERIA
from placements.models import Evaluation, InternshipOffer, Municipality, Placement
from placements.municipalities.register import REGISTER_FILE, load_files
from placements.services import activate_started, confirm, propose
from sessions.models import TrainingSession
from sessions.services import cancel_session, record_attendance, report_absence

DEMO_PASSWORD = "cohort-demo-2026"  # noqa: S105 - printed for everyone to try the demo # nosec B105

# The hosts of the demo: register rows (by CBS code), with the town hall's address.
HOST_ADDRESSES = {
    "GM0344": "Stadsplateau 1, 3521 AZ Utrecht",
    "GM0307": "Stadhuisplein 1, 3811 LM Amersfoort",
    "GM0479": "Stadhuisplein 100, 1506 MZ Zaandam",
    "GM0202": "Koningstraat 38, 6811 DG Arnhem",
    "GM0855": "Stadhuisplein 130, 5038 TC Tilburg",
}

# The last one's proposal waits for the demo municipality contact (Utrecht) to answer.
RUNNING_TRAINEES = [
    ("Amina Yusuf", "GM0344"),
    ("Rahaf Al-Hassan", "GM0307"),
    ("Dawit Tesfaye", "GM0479"),
    ("Nour Haddad", "GM0202"),
    ("Samir Rahimi", "GM0855"),
    ("Tesfay Gebremedhin", "GM0344"),
]
PLANNED_TRAINEES = [
    ("Fatima Osman", "GM0344"),
    ("Yonas Berhane", "GM0307"),
    ("Leila Ahmadi", "GM0479"),
    ("Mohammed Al-Khatib", "GM0202"),
]

# A group that finished a year ago (issue 17): where its people are now, as they told it, as
# their employer confirmed it (E) or as the programme recorded it on the phone (P). Per person:
# name, home, how they left ("done", "training": stopped in the training, "later": stopped
# after the internship), and their work at 3, 6 and 12 months (None: no answer).
FINISHED_TRAINEES = [
    ("Hana Mohammed", "GM0344", "done", ("consultant", "consultant E", "consultant")),
    ("Ali Rezaei", "GM0307", "done", ("other", "consultant P", "none")),
    ("Mariam Daoud", "GM0479", "done", ("none", "other", None)),
    ("Yusuf Kaya", "GM0202", "done", ("consultant E", None, None)),
    ("Sara Tekle", "GM0855", "done", (None, "consultant", "consultant E")),
    ("Omar Farah", "GM0344", "done", ("other", "none", None)),
    ("Lina Saleh", "GM0307", "training", ("other", None, None)),
    ("Hamid Noori", "GM0479", "later", (None, "consultant", None)),
]
OTHER_EMPLOYER = "Vluchtelingenwerk Midden-Nederland"

# One login per role, printed after every run.
LOGINS = [
    (Role.MANAGER, "manager@cohort.example", "Marloes Jansen"),
    (Role.TRAINER, "trainer@cohort.example", "Pieter Bakker"),
    (Role.MUNICIPALITY, "gemeente@cohort.example", "Eva de Boer"),
    (Role.TRAINEE, "deelnemer@cohort.example", "Amina Yusuf"),
]


def monday_weeks_from(today: date, weeks: int) -> date:
    return today - timedelta(days=today.weekday()) + timedelta(weeks=weeks)


def _email_for(name: str) -> str:
    return name.lower().replace(" ", ".").replace("-", "") + "@mail.example"


# Every demo trainee has a phone number of their own: one number is one person (enrolment says so).
DEMO_PEOPLE = [person[0] for person in RUNNING_TRAINEES + PLANNED_TRAINEES + FINISHED_TRAINEES]


def _add_trainees(cohort: Cohort, people, municipalities: dict, status: str) -> list[Trainee]:
    trainees = [
        Trainee(
            cohort=cohort,
            name=name,
            email=_email_for(name),
            phone=f"06-1234{5600 + DEMO_PEOPLE.index(name)}",
            home_municipality=municipalities[code],
            status=status,
        )
        for name, code in people
    ]
    db.session.add_all(trainees)
    return trainees


def _accounts_for_every_trainee(logged_in: Trainee) -> None:
    """An account for each demo trainee (with the demo password, so no invitation waits), besides
    the demo login's own trainee."""
    for trainee in db.session.scalars(sa.select(Trainee).where(Trainee.id != logged_in.id)):
        create_user(
            email=trainee.email,
            name=trainee.name,
            role=Role.TRAINEE,
            password=DEMO_PASSWORD,
            trainee_id=trainee.id,
        )


def _plan(name: str, start: date, location: str) -> Cohort:
    data = CohortInput(
        name=name, template=default_template(), start_date=start, location=location, capacity=12
    )
    cohort, _changes = save_cohort(None, data)
    return cohort


def _past_attendance(cohort: Cohort, trainees: list[Trainee], today: date, recorder: User) -> None:
    """Everybody present at past sessions, except a few believable absences and late arrivals."""
    past = db.session.scalars(
        sa.select(TrainingSession)
        .where(TrainingSession.cohort_id == cohort.id, TrainingSession.date < today)
        .order_by(TrainingSession.date)
    ).all()
    # The latest session waits for its register: the trainer's home shows what is left to do.
    for n, sess in enumerate(past[:-1]):
        entries = [
            {
                "trainee_id": t.id,
                "status": "late"
                if (n + i) % 11 == 0
                else "absent_excused"
                if (n + i) % 17 == 0
                else "present",
            }
            for i, t in enumerate(trainees)
        ]
        record_attendance(sess, entries, recorder)


def _assign_trainer(cohort: Cohort, trainer: User) -> None:
    for sess in db.session.scalars(sa.select(TrainingSession).where(TrainingSession.cohort_id == cohort.id)):
        sess.trainer_id = trainer.id


def _place_interns(
    cohort: Cohort, trainees: list[Trainee], municipalities: dict, manager: User, today: date
) -> None:
    """Every trainee of the running cohort placed near home, except the last: proposed, awaiting an answer."""
    offers = {}
    for trainee in trainees:
        municipality = trainee.home_municipality
        if municipality.id not in offers:
            offers[municipality.id] = InternshipOffer(
                municipality=municipality,
                cohort=cohort,
                places=3,
                department="Team Inburgering",
                address=municipality.address,
            )
            db.session.add(offers[municipality.id])
    db.session.flush()
    for n, trainee in enumerate(trainees):
        placement = propose(trainee, offers[trainee.home_municipality_id], manager)
        if n < len(trainees) - 1:
            confirm(
                placement,
                {
                    "supervisor_name": "Sanne de Vries",
                    "supervisor_email": "s.devries@gemeente.example",
                    "supervisor_phone": "030-2860000",
                },
                None,
                _("e-mail link"),  # as the contact would, from the proposal's e-mail
            )
    activate_started(today)


def load_demo(today: date) -> None:
    """Fill an empty database; the running cohort is in its internship phase on `today`."""
    seed_default_templates()
    load_files(REGISTER_FILE)  # every municipality, if `municipalities load` has not run yet
    municipalities = {
        m.cbs_code: m
        for m in db.session.scalars(sa.select(Municipality).where(Municipality.cbs_code.in_(HOST_ADDRESSES)))
    }
    for code, address in HOST_ADDRESSES.items():
        municipalities[code].address = address
    db.session.add(
        Closure(
            start_date=date(today.year, 12, 21), end_date=date(today.year + 1, 1, 1), reason="Kerstvakantie"
        )
    )
    db.session.flush()
    running = _plan("Utrecht najaar", monday_weeks_from(today, -9), "Leslocatie Vredenburg 40, Utrecht")
    planned = _plan(
        "Amersfoort voorjaar", monday_weeks_from(today, 10), "Leslocatie Stationsplein 7, Amersfoort"
    )
    running_trainees = _add_trainees(running, RUNNING_TRAINEES, municipalities, TraineeStatus.ACTIVE)
    _add_trainees(planned, PLANNED_TRAINEES, municipalities, TraineeStatus.ENROLLED)
    db.session.flush()
    links = {
        Role.MUNICIPALITY: {"municipality_id": municipalities["GM0344"].id},
        Role.TRAINEE: {"trainee_id": running_trainees[0].id},
    }
    users = {
        role: create_user(email=email, name=name, role=role, password=DEMO_PASSWORD, **links.get(role, {}))
        for role, email, name in LOGINS
    }
    for cohort in (running, planned):
        _assign_trainer(cohort, users[Role.TRAINER])
    _past_attendance(running, running_trainees, today, users[Role.TRAINER])
    _place_interns(running, running_trainees, municipalities, users[Role.MANAGER], today)
    for code in ("GM0344", "GM0307", "GM0479"):
        db.session.add(
            InternshipOffer(
                municipality=municipalities[code], cohort=planned, places=2, department="Team Inburgering"
            )
        )
    next_return_day = db.session.scalar(
        sa.select(TrainingSession)
        .where(TrainingSession.cohort_id == running.id, TrainingSession.date > today)
        .order_by(TrainingSession.date)
    )
    report_absence(running_trainees[1], next_return_day, "Afspraak bij de IND", today=today)
    _absence_and_cancellation(running, running_trainees[0], today)
    _fill_trainee_files(running, running_trainees, users[Role.MANAGER], today)
    _invite_with_a_typo(municipalities["GM0307"])
    _finished_group(today, municipalities, users)
    _accounts_for_every_trainee(running_trainees[0])


def _absence_and_cancellation(cohort: Cohort, trainee: Trainee, today: date) -> None:
    """The demo trainee reported they cannot come to the second coming session (and can take it
    back), and the third does not go ahead: everyone got a notice. Both in "Mijn rooster"'s weeks."""
    second, third = db.session.scalars(
        sa.select(TrainingSession)
        .where(TrainingSession.cohort_id == cohort.id, TrainingSession.date > today)
        .order_by(TrainingSession.date)
        .offset(1)
        .limit(2)
    ).all()
    report_absence(trainee, second, "Naar de huisarts", today=today)
    cancel_session(third)


def _finished_group(today: date, municipalities: dict, users: dict) -> None:
    """A group that ended 12 months and 20 days ago: everyone did an internship near home (a
    final evaluation each), one stopped in the training and one after the internship; the
    answers to the 3- and 6-month follow-ups are in, the 12-month link still works for 10 days."""
    ended = add_months(today, -12) - timedelta(days=20)
    group = _plan("Utrecht vorig jaar", monday_weeks_from(ended, -51), "Leslocatie Vredenburg 40, Utrecht")
    people = [(name, code) for name, code, _left, _work in FINISHED_TRAINEES]
    trainees = _add_trainees(group, people, municipalities, TraineeStatus.COMPLETED)
    db.session.flush()
    for trainee, (_name, _code, left, work) in zip(trainees, FINISHED_TRAINEES, strict=True):
        if left == "training":
            trainee.status, trainee.withdrawn_on = (
                TraineeStatus.WITHDRAWN,
                group.start_date + timedelta(weeks=3),
            )
            trainee.withdrawal_reason = "Verhuisd"
        else:
            _completed_internship(trainee, group)
            if left == "later":
                trainee.status, trainee.withdrawn_on = TraineeStatus.WITHDRAWN, ended - timedelta(weeks=10)
                trainee.withdrawal_reason = "Werk gevonden"
            else:
                trainee.completed_on = ended
        _answers(trainee, work, users)


def _completed_internship(trainee: Trainee, group: Cohort) -> None:
    offer = InternshipOffer(
        municipality=trainee.home_municipality,
        cohort=group,
        places=1,
        places_taken=1,
        department="Team Inburgering",
    )
    db.session.add(offer)
    db.session.flush()
    placement = Placement(trainee_id=trainee.id, offer_id=offer.id, cohort_id=group.id, status="completed")
    db.session.add(placement)
    db.session.flush()
    for kind in ("midterm", "final"):
        scores = dict.fromkeys(CRITERIA, 4)
        db.session.add(
            Evaluation(placement_id=placement.id, kind=kind, scores=scores, submitted_by="Sanne de Vries")
        )


def _answers(trainee: Trainee, work: tuple, users: dict) -> None:
    """What is known at 3, 6 and 12 months: "consultant E" confirmed by the employer (the
    trainee's home municipality), "other P" recorded by the manager after a phone call."""
    for months, answer in zip(FOLLOW_UP_MONTHS, work, strict=True):
        if answer is None:
            continue
        what, _sep, how = answer.partition(" ")
        moment = moment_at(trainee.left_on, months, current_app.config["TIMEZONE"])
        by_phone = how == "P"
        db.session.add(
            WorkOutcome(
                trainee_id=trainee.id,
                months=months,
                work=what,
                employer_municipality_id=trainee.home_municipality_id if what == Work.CONSULTANT else None,
                employer_name=OTHER_EMPLOYER if what == Work.OTHER else "",
                hours_per_week=None if what == Work.NONE else 32,
                evidence=Evidence.PROGRAMME
                if by_phone
                else Evidence.EMPLOYER_CONFIRMED
                if how == "E"
                else Evidence.SELF_REPORTED,
                source=Source.PHONE_CALL if by_phone else Source.FOLLOW_UP_LINK,
                known_on=moment.ask_at.date() + timedelta(days=2),
                recorded_at=moment.ask_at + timedelta(days=2),
                recorded_by_id=users[Role.MANAGER].id if by_phone else None,
                employer_answer="confirmed" if how == "E" else None,
                employer_answered_at=moment.ask_at + timedelta(days=3) if how == "E" else None,
            )
        )


# The address has a typo (amersfort): the mail server refused the invitation for good.
BOUNCED_CONTACT = ("Joost Visser", "j.visser@amersfort.example")
BOUNCE_ANSWER = "550 5.1.2 <j.visser@amersfort.example>: Recipient address rejected: Domain not found"


def _invite_with_a_typo(municipality: Municipality) -> None:
    """A second contact whose invitation bounced, so the overview shows what a manager does then:
    correct the address (Users, or the link on the overview) and the invitation goes again."""
    name, email = BOUNCED_CONTACT
    contact = create_user(email=email, name=name, role=Role.MUNICIPALITY, municipality_id=municipality.id)
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.recipient_user_id == contact.id)
        .values(
            status=MessageStatus.FAILED,
            bounced=True,
            attempts=1,
            last_error=BOUNCE_ANSWER,
            claimed_at=utcnow(),
        )
    )


def _fill_trainee_files(cohort: Cohort, trainees: list[Trainee], manager: User, today: date) -> None:
    """A status history for the running cohort and one note, so the trainee file has something to show."""
    for trainee in trainees:
        record_status_change(trainee, cohort.start_date, manager)
    add_note(
        trainees[0],
        today - timedelta(days=3),
        "Gesprek over de stage: gaat goed, wil graag bij een gemeente blijven werken.",
        manager,
        today,
    )


@click.command("demo")
@click.option(
    "--scale",
    type=click.Choice(["small", "large"]),
    default="small",
    show_default=True,
    help="small: a believable example; large: 100 cohorts, 2,000 trainees (for the benchmark).",
)
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same large data set.")
@with_appcontext
def demo_command(scale: str, seed: int):
    """Load demo data into an empty database and print the demo logins."""
    if current_app.config["APP_ENV"] == "production":
        raise click.ClickException("Demo data is not loaded in production.")
    if db.session.scalar(sa.select(sa.func.count()).select_from(User)):
        click.echo("The database already has data; nothing was changed.")
    elif scale == "large":
        _load_large(seed)
    else:
        load_demo(date.today())
        db.session.commit()
        click.echo("Demo data loaded.")
    click.echo(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
    for role, email, _name in LOGINS:
        click.echo(f"  {role.value:<13} {email}")


def _load_large(seed: int) -> None:
    import demo_large

    counts = demo_large.load_large_demo(
        date.today(), seed=seed, scale=demo_large.LARGE, password=DEMO_PASSWORD
    )
    db.session.commit()
    click.echo("Large demo data loaded: " + ", ".join(f"{n:,} {name}" for name, n in counts.items()) + ".")
