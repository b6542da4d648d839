"""`flask demo`: a believable example in an empty database, and the logins to try it with."""

from datetime import date, timedelta

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from accounts.models import Role, User
from accounts.services import create_user
from cohort.models import Cohort, Trainee, TraineeStatus
from extensions import db
from placements.models import Municipality

DEMO_PASSWORD = "cohort-demo-2026"  # noqa: S105 - printed for everyone to try the demo

MUNICIPALITIES = [
    ("Utrecht", "GM0344", "Utrecht", "Stadsplateau 1, 3521 AZ Utrecht"),
    ("Amersfoort", "GM0307", "Utrecht", "Stadhuisplein 1, 3811 LM Amersfoort"),
    ("Zaanstad", "GM0479", "Noord-Holland", "Stadhuisplein 100, 1506 MZ Zaandam"),
    ("Arnhem", "GM0202", "Gelderland", "Koningstraat 38, 6811 DG Arnhem"),
    ("Tilburg", "GM0855", "Noord-Brabant", "Stadhuisplein 130, 5038 TC Tilburg"),
]

RUNNING_TRAINEES = [
    ("Amina Yusuf", "GM0344"), ("Tesfay Gebremedhin", "GM0344"), ("Rahaf Al-Hassan", "GM0307"),
    ("Dawit Tesfaye", "GM0479"), ("Nour Haddad", "GM0202"), ("Samir Rahimi", "GM0855"),
]
PLANNED_TRAINEES = [
    ("Fatima Osman", "GM0344"), ("Yonas Berhane", "GM0307"), ("Leila Ahmadi", "GM0479"),
    ("Mohammed Al-Khatib", "GM0202"),
]

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


def _add_trainees(cohort: Cohort, people, municipalities: dict, status: str) -> list[Trainee]:
    trainees = [
        Trainee(cohort=cohort, name=name, email=_email_for(name), phone=f"06-1234{5600 + i}",
                home_municipality=municipalities[code], status=status)
        for i, (name, code) in enumerate(people)
    ]
    db.session.add_all(trainees)
    return trainees


def load_demo(today: date) -> None:
    """Fill an empty database; the running cohort is in its internship phase on `today`."""
    municipalities = {code: Municipality(name=name, cbs_code=code, province=province, address=address)
                      for name, code, province, address in MUNICIPALITIES}
    db.session.add_all(municipalities.values())
    running = Cohort(name="Utrecht najaar", start_date=monday_weeks_from(today, -9),
                     location="Leslocatie Vredenburg 40, Utrecht", capacity=12)
    planned = Cohort(name="Amersfoort voorjaar", start_date=monday_weeks_from(today, 10),
                     location="Leslocatie Stationsplein 7, Amersfoort", capacity=12)
    db.session.add_all([running, planned])
    first, *_ = _add_trainees(running, RUNNING_TRAINEES, municipalities, TraineeStatus.ACTIVE)
    _add_trainees(planned, PLANNED_TRAINEES, municipalities, TraineeStatus.ENROLLED)
    db.session.flush()
    links = {Role.MUNICIPALITY: {"municipality_id": municipalities["GM0344"].id},
             Role.TRAINEE: {"trainee_id": first.id}}
    for role, email, name in LOGINS:
        create_user(email=email, name=name, role=role, password=DEMO_PASSWORD, **links.get(role, {}))


@click.command("demo")
@with_appcontext
def demo_command():
    """Load demo data into an empty database and print the demo logins."""
    if current_app.config["APP_ENV"] == "production":
        raise click.ClickException("Demo data is not loaded in production.")
    if db.session.scalar(sa.select(sa.func.count()).select_from(User)):
        click.echo("The database already has data; nothing was changed.")
    else:
        load_demo(date.today())
        db.session.commit()
        click.echo("Demo data loaded.")
    click.echo(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
    for role, email, _name in LOGINS:
        click.echo(f"  {role.value:<13} {email}")
