"""Test data, made through the same models the app uses."""

import itertools
from datetime import date, timedelta

import sqlalchemy as sa

from accounts.models import LoginSession, Role, User
from accounts.services import create_user
from cohort.models import Cohort, Trainee, TraineeStatus
from extensions import db
from placements.links import Recipient, make_token
from placements.models import InternshipOffer, Municipality, Placement, Supervisor

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


def make_municipality(name: str | None = None, province: str = "Utrecht") -> Municipality:
    """A municipality of the national register, which every test database holds: the one with this
    name, or (without a name) the next one in `province`, by code, that this test has not had yet
    and that nothing links to. A name the register does not have makes a municipality outside
    it, with a code the register does not use (GM9xxx), as a record typed by hand would be."""
    handed_out = db.session.info.setdefault("handed_out_municipalities", set())
    if name is None:
        municipality = db.session.scalar(
            sa.select(Municipality)
            .where(
                Municipality.province == province,
                Municipality.id.notin_(handed_out or {0}),
                ~sa.exists().where(InternshipOffer.municipality_id == Municipality.id),
                ~sa.exists().where(User.municipality_id == Municipality.id),
                ~sa.exists().where(Trainee.home_municipality_id == Municipality.id),
            )
            .order_by(Municipality.cbs_code)
        )
        assert municipality is not None, f"no municipality left in {province}"
    else:
        municipality = db.session.scalar(sa.select(Municipality).filter_by(name=name))
        if municipality is None:
            code = f"GM{9000 + next(_counter) % 1000:04d}"
            municipality = Municipality(name=name, cbs_code=code, province=province)
            db.session.add(municipality)
            db.session.flush()
    handed_out.add(municipality.id)
    return municipality


def make_cohort(name: str | None = None, start_date: date = date(2026, 9, 7)) -> Cohort:
    cohort = Cohort(name=name or f"Cohort {next(_counter)}", start_date=start_date, location="Utrecht")
    db.session.add(cohort)
    db.session.flush()
    return cohort


def make_trainee(cohort: Cohort | None = None, name: str | None = None) -> Trainee:
    n = next(_counter)
    trainee = Trainee(
        cohort=cohort or make_cohort(),
        name=name or f"Deelnemer {n}",
        email=f"trainee{n}@mail.example",
        status=TraineeStatus.ACTIVE,
    )
    db.session.add(trainee)
    db.session.flush()
    return trainee


def make_user(
    role: Role = Role.MANAGER,
    *,
    email: str | None = None,
    password: str | None = PASSWORD,
    name: str | None = None,
    **links,
) -> User:
    """A user with a password; for a municipality contact or trainee, the linked record too."""
    if role == Role.MUNICIPALITY and "municipality_id" not in links:
        links["municipality_id"] = make_municipality().id
    if role == Role.TRAINEE and "trainee_id" not in links:
        links["trainee_id"] = make_trainee().id
    user = create_user(
        email=email or f"{role.value}{next(_counter)}@cohort.example",
        name=name or f"{role.value.title()} User",
        role=role,
        password=password,
        **links,
    )
    db.session.commit()
    return user


def make_supervisor(municipality_id: int, name: str = "Eva de Boer", email: str | None = None) -> Supervisor:
    """A record in the municipality's supervisor register."""
    supervisor = Supervisor(
        municipality_id=municipality_id,
        name=name,
        email=email or f"begeleider{next(_counter)}@gemeente.example",
    )
    db.session.add(supervisor)
    db.session.flush()
    return supervisor


def age_login_sessions(user: User, by: timedelta) -> None:
    """Move the user's logins `by` into the past, as if that much time had gone by since."""
    for record in db.session.scalars(sa.select(LoginSession).filter_by(user_id=user.id)):
        record.created_at -= by
        record.last_seen_at -= by
        record.expires_at -= by
    db.session.commit()


def answer_token(placement: Placement, contact: User | None = None, purpose: str = "answer") -> str:
    """A placement link's token as the proposal mail makes it: for `contact` (by default the
    municipality's first active contact)."""
    if contact is None:
        contact = db.session.scalar(
            sa.select(User)
            .where(User.municipality_id == placement.offer.municipality_id, User.is_active)
            .order_by(User.id)
        )
    return make_token(placement.id, purpose, Recipient.contact(contact), placement.link_generation)


def evaluation_token(placement: Placement, kind: str = "midterm", purpose: str | None = None) -> str:
    """An evaluation link's token as the reminder makes it: for the placement's acting supervisor."""
    supervisor = Recipient.supervisor(placement.acting_supervisor.id)
    return make_token(placement.id, purpose or f"evaluation-{kind}", supervisor, placement.link_generation)


def registered(api, code: str) -> dict:
    """A municipality of the national register (every test database holds it), found through the
    API by its code."""
    [found] = api.get(f"/api/v1/municipalities?q={code}").get_json()
    return found
