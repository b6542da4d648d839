"""The data the browser journeys start from, made through the app's own services.

`seed` runs once for the served database (a manager, municipalities, an offer for any cohort);
the other builders make what one journey needs, with names of its own, so journeys do not
depend on each other's order and the Dutch and English runs do not meet.
"""

import itertools
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from accounts.models import Role, User
from accounts.services import create_user
from cohort.models import Cohort, Trainee, TraineeStatus
from cohort.services import CohortInput, default_template, save_cohort, seed_default_templates
from core.clock import local_today
from core.holidays import dutch_holidays
from extensions import db
from outbox.queue import send_queued_mail
from placements.models import InternshipOffer, Municipality
from placements.municipalities.register import REGISTER_FILE, load_files
from placements.services import confirm, propose
from sessions.feed_service import trainee_feed_url
from tests.factories import make_municipality

PASSWORD = "browser-journey-2026"
MANAGER_EMAIL = "manager@cohort.example"

# The hosts every journey can count on: register rows (Utrecht, Amersfoort, Zaanstad).
HOST_ADDRESSES = {
    "GM0344": "Stadsplateau 1, 3521 AZ Utrecht",
    "GM0307": "Stadhuisplein 1, 3811 LM Amersfoort",
    "GM0479": "Stadhuisplein 100, 1506 MZ Zaandam",
}

_numbers = itertools.count(1)


def next_monday(today: date) -> date:
    return today + timedelta(days=7 - today.weekday())


def start_with_moved_holiday(today: date) -> tuple[date, date, str]:
    """A start date whose second week has a Dutch holiday on a training day (Monday–Thursday)
    and a free Friday, so the planner moves that day's session to the Friday.

    Returns the start date, the holiday and its (Dutch) name. At least three weeks ahead, so
    the whole plan lies in the future whenever the tests run.
    """
    holidays = dutch_holidays(range(today.year, today.year + 3))
    for day in sorted(holidays):
        monday = day - timedelta(days=day.weekday())
        week = [monday + timedelta(days=n) for n in range(5)]
        if day >= today + timedelta(weeks=3) and day.weekday() < 4 and sum(d in holidays for d in week) == 1:
            return monday - timedelta(weeks=1), day, holidays[day]
    raise AssertionError("no Dutch holiday on a training day in the coming years")


def seed() -> None:
    """What every journey can count on: the templates, a manager, municipalities, an open offer."""
    seed_default_templates()
    today = local_today()
    load_files(REGISTER_FILE)
    municipalities = []
    for code, address in HOST_ADDRESSES.items():
        municipality = db.session.scalar(sa.select(Municipality).filter_by(cbs_code=code))
        municipality.address = address
        municipalities.append(municipality)
    db.session.flush()
    create_user(email=MANAGER_EMAIL, name="Marloes Jansen", role=Role.MANAGER, password=PASSWORD)
    # The host of the open offer has a contact person, who is asked about each proposal.
    create_user(
        email="inburgering@utrecht.example",
        name="Joris Bakker",
        role=Role.MUNICIPALITY,
        municipality_id=municipalities[0].id,
        password=PASSWORD,
    )
    # Not tied to a cohort: offered for a period, so the manager's new cohorts can use it.
    db.session.add(
        InternshipOffer(
            municipality=municipalities[0],
            places=20,
            period_start=today,
            period_end=today + timedelta(days=3 * 365),
            department="Team Inburgering",
            address=HOST_ADDRESSES["GM0344"],
        )
    )
    db.session.commit()


def _plan(name: str, start: date) -> Cohort:
    data = CohortInput(
        name=name, template=default_template(), start_date=start, location="Vredenburg 40, Utrecht"
    )
    cohort, _changes = save_cohort(None, data)
    return cohort


def _trainee(cohort: Cohort, name: str, municipality: Municipality | None = None) -> Trainee:
    trainee = Trainee(
        cohort=cohort,
        name=name,
        email=f"trainee{next(_numbers)}@mail.example",
        home_municipality=municipality,
        status=TraineeStatus.ACTIVE,
    )
    db.session.add(trainee)
    db.session.flush()
    return trainee


@dataclass
class TraineeLogin:
    email: str
    name: str
    feed_url: str


def trainee_with_login(lang: str) -> TraineeLogin:
    """A trainee with an account, in a cohort whose training starts next Monday."""
    n = next(_numbers)
    cohort = _plan(f"Utrecht voorjaar {lang} {n}", next_monday(local_today()))
    trainee = _trainee(cohort, f"Amina Yusuf {n}")
    email = f"deelnemer{n}@cohort.example"
    create_user(email=email, name=trainee.name, role=Role.TRAINEE, password=PASSWORD, trainee_id=trainee.id)
    db.session.commit()
    return TraineeLogin(email=email, name=trainee.name, feed_url=trainee_feed_url(trainee))


@dataclass
class TrainerDay:
    email: str
    session_id: int
    away: str  # the trainee who reported their absence
    present: list[str]


def trainer_with_a_session_today(lang: str) -> TrainerDay:
    """A trainer who teaches a group today and the day after next week's Monday; of the three
    trainees one has reported their absence for today."""
    from sessions.models import AbsenceNotice, TrainingSession

    n = next(_numbers)
    today = local_today()
    cohort = _plan(f"Nieuwegein {lang} {n}", today - timedelta(days=today.weekday(), weeks=1))
    trainees = [_trainee(cohort, f"{name} {n}") for name in ("Amina Yusuf", "Dawit Tesfaye", "Rasha Haddad")]
    email = f"trainer{n}@cohort.example"
    trainer = create_user(email=email, name=f"Sanne Visser {n}", role=Role.TRAINER, password=PASSWORD)
    sessions = db.session.scalars(sa.select(TrainingSession).filter_by(cohort_id=cohort.id)).all()
    for sess in sessions:
        sess.trainer_id = trainer.id
    # Today's session, whatever the weekday the tests run on.
    today_session = sessions[0]
    today_session.date = today
    db.session.add(
        AbsenceNotice(session_id=today_session.id, trainee_id=trainees[0].id, reason="Naar de IND")
    )
    db.session.commit()
    return TrainerDay(email, today_session.id, trainees[0].name, [t.name for t in trainees[1:]])


@dataclass
class Proposal:
    contact_email: str
    trainee_name: str
    placement_id: int
    municipality: str


def proposal_for_a_contact(lang: str, places: int = 2, taken: int = 0) -> Proposal:
    """A municipality with a contact person, and a trainee proposed to it; the proposal e-mail is
    sent at once (to the SMTP server the app is configured with). With `taken` trainees confirmed
    before, the offer of `places` may be full when the contact opens the link."""
    n = next(_numbers)
    municipality = make_municipality(province="Utrecht")  # one of its own, from the register
    contact_email = f"contact{n}@gemeente.example"
    create_user(
        email=contact_email,
        name="Eva de Boer",
        role=Role.MUNICIPALITY,
        password=PASSWORD,
        municipality_id=municipality.id,
    )
    cohort = _plan(f"Amersfoort najaar {lang} {n}", next_monday(local_today()))
    offer = InternshipOffer(
        municipality=municipality,
        cohort=cohort,
        places=places,
        department="Team Inburgering",
        address="Stadhuisplein 1, 3811 LM Amersfoort",
    )
    db.session.add(offer)
    db.session.flush()
    manager = db.session.scalar(sa.select(User).filter_by(email=MANAGER_EMAIL))
    # Proposed while places were free; confirmed after, so they can leave this proposal no place.
    earlier = [
        propose(_trainee(cohort, f"Rasha Haddad {n}-{k}", municipality), offer, manager) for k in range(taken)
    ]
    trainee = _trainee(cohort, f"Dawit Tesfaye {n}", municipality)
    trainee.languages = "Tigrinya, Arabisch, Nederlands"
    placement = propose(trainee, offer, manager)
    for other in earlier:
        confirm(
            other, {"supervisor_name": "Ilse Smit", "supervisor_email": f"ilse{n}@gemeente.example"}, None
        )
    db.session.commit()
    send_queued_mail()
    return Proposal(
        contact_email=contact_email,
        trainee_name=trainee.name,
        placement_id=placement.id,
        municipality=municipality.name,
    )


def proposal_to_a_full_offer(lang: str) -> Proposal:
    """As proposal_for_a_contact, to an offer whose one place another intern has taken."""
    return proposal_for_a_contact(lang, places=1, taken=1)


def former_trainee_asked(lang: str) -> str:
    """A trainee who completed the programme 3 months and 2 days ago; the scheduler's scan and
    the dispatcher send them the follow-up (to the real SMTP server). Returns their address."""
    from cohort.follow_ups.rules import FOLLOW_UP_KIND
    from core.clock import utcnow
    from core.workdays import add_months
    from outbox.dispatch import dispatch_due
    from outbox.models import OutboxMessage
    from reminders.scan import scan

    n = next(_numbers)
    cohort = _plan(f"Zaanstad {lang} {n}", next_monday(local_today()) - timedelta(weeks=70))
    trainee = _trainee(cohort, f"Dawit Tesfaye {n}")
    trainee.status, trainee.completed_on = (
        TraineeStatus.COMPLETED,
        add_months(local_today(), -3) - timedelta(days=2),
    )
    db.session.commit()
    scan(utcnow())
    db.session.commit()
    question = db.session.scalar(
        sa.select(OutboxMessage).filter_by(kind=FOLLOW_UP_KIND, trainee_id=trainee.id)
    )
    dispatch_due(only_ids=[question.id])
    return trainee.email
