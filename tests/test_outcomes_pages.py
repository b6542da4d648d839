"""The outcomes funnel on real records (issue 17): the page, the API, the print per municipality
and a host's portal count the same hand-computed case; small figures leave as "< 5"."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from accounts.models import Role
from cohort.follow_ups import services as follow_ups
from cohort.follow_ups.rules import Evidence, Work
from cohort.models import TraineeStatus
from cohort.services import enrol_trainee
from core.audit import AuditEvent, AuditSubject
from core.clock import local_today
from core.workdays import add_months
from extensions import db
from placements.models import Evaluation, InternshipOffer, Placement
from tests.factories import make_municipality, make_user
from tests.test_schedule import planned_cohort


@pytest.fixture
def manager(app):
    """The pages in English (the checks read their English words)."""
    return make_user(Role.MANAGER, language="en")


HAND_COMPUTED = {
    "enrolled": (7, 7, 0, 0, 0),
    "training": (6, 7, 0, 0, 0),
    "internship": (5, 6, 0, 0, 0),
    "programme": (4, 5, 0, 0, 0),
    "working_6m": (2, 3, 1, 1, 1),  # D and E of D, E, F; F unknown; G not yet
    "working_12m": (1, 2, 0, 1, 0),  # D of D and E
}


def intern(cohort, municipality, name: str, final: bool = True):
    trainee = enrol_trainee(cohort, name=name, email=f"{name.lower()}@mail.example")
    offer = InternshipOffer(municipality=municipality, cohort_id=cohort.id, places=9, places_taken=1)
    db.session.add(offer)
    db.session.flush()
    placement = Placement(trainee_id=trainee.id, offer_id=offer.id, cohort_id=cohort.id, status="completed")
    db.session.add(placement)
    db.session.flush()
    if final:
        db.session.add(Evaluation(placement_id=placement.id, kind="final", scores={"conversation": 4}))
    return trainee


def completed(trainee, months_ago: int) -> None:
    trainee.status, trainee.completed_on = TraineeStatus.COMPLETED, add_months(local_today(), -months_ago)


def record(trainee, months: int, work: str, manager) -> None:
    follow_ups.record_outcome(
        trainee,
        months,
        work,
        "Utrecht" if work != Work.NONE else "",
        "",
        "phone_call",
        local_today(),
        "",
        manager,
    )


def hand_computed_case(manager):
    """Seven trainees of one cohort; their internships were at Utrecht."""
    cohort = planned_cohort(weeks_ago=80)
    utrecht = make_municipality("Utrecht")
    start = cohort.start_date
    a = enrol_trainee(cohort, name="Anna", email="anna@mail.example")  # withdrew in training
    a.status, a.withdrawn_on = TraineeStatus.WITHDRAWN, start + timedelta(weeks=2)
    b = enrol_trainee(cohort, name="Bram", email="bram@mail.example")  # after training, no internship
    b.status, b.withdrawn_on = TraineeStatus.WITHDRAWN, start + timedelta(weeks=7)
    c = intern(cohort, utrecht, "Cem")  # an internship, then left
    c.status, c.withdrawn_on = TraineeStatus.WITHDRAWN, start + timedelta(weeks=20)
    d, e, f, g = (intern(cohort, utrecht, name) for name in ("Dana", "Eli", "Fleur", "Gijs"))
    for trainee in (d, e, f):
        completed(trainee, months_ago=13)
    completed(g, months_ago=2)  # 6 months not yet
    db.session.flush()
    record(d, 6, Work.CONSULTANT, manager)
    record(d, 12, Work.CONSULTANT, manager)
    record(e, 6, Work.NONE, manager)  # then a later call about the same moment: working after all
    record(e, 6, Work.OTHER, manager)
    record(e, 12, Work.NONE, manager)
    db.session.commit()
    return cohort, utrecht


def as_tuples(steps: list[dict]) -> dict:
    return {
        s["key"]: (s["count"], s["denominator"], s["unknown"], s["consultants"], s["not_yet"]) for s in steps
    }


def test_the_api_gives_the_hand_computed_funnel(app, api_client, manager):
    cohort, _utrecht = hand_computed_case(manager)
    response = api_client(manager).get(f"/api/v1/cohorts/{cohort.id}/outcomes")
    assert response.status_code == 200
    body = response.get_json()
    assert as_tuples(body["steps"]) == HAND_COMPUTED
    six = next(s for s in body["steps"] if s["key"] == "working_6m")
    assert (round(six["share"], 3), round(six["unknown_share"], 3)) == (0.667, 0.333)


def test_the_api_is_for_managers(app, api_client, manager):
    cohort, utrecht = hand_computed_case(manager)
    contact = make_user(Role.MUNICIPALITY, municipality_id=utrecht.id)
    assert api_client(contact).get(f"/api/v1/cohorts/{cohort.id}/outcomes").status_code == 403
    assert api_client(manager).get("/api/v1/cohorts/999999/outcomes").status_code == 404


def test_the_page_shows_the_same_figures_names_and_definitions_and_is_audited(app, manager_client, manager):
    cohort, _utrecht = hand_computed_case(manager)
    html = manager_client.get(f"/cohorts/{cohort.id}/outcomes").get_data(as_text=True)
    assert "2 of 3 (67%)" in html and "1 of 2 (50%)" in html and "4 of 5 (80%)" in html
    assert "Dana" in html and "Recorded by the programme" in html
    assert "How we count" in html and "final evaluation" in html
    viewed = db.session.scalars(sa.select(AuditEvent).filter_by(subject=AuditSubject.WORK_OUTCOMES)).all()
    assert len(viewed) == 7 and {e.actor_id for e in viewed} == {manager.id}
    overview = manager_client.get("/outcomes").get_data(as_text=True)
    assert cohort.name in overview and "2 of 3 (67%)" in overview and "<svg" in overview


def test_the_print_and_the_portal_show_less_than_five_and_only_their_own_interns(app, make_client, manager):
    cohort, utrecht = hand_computed_case(manager)
    summary = make_client(manager).get(f"/municipalities/{utrecht.id}/outcomes").get_data(as_text=True)
    assert "Dana" not in summary and "&lt; 5" in summary and "2 of 3" not in summary
    contact = make_user(Role.MUNICIPALITY, municipality_id=utrecht.id, language="en")
    portal = make_client(contact).get("/portal/outcomes").get_data(as_text=True)
    assert "Dana" in portal and "Cem" in portal and "Anna" not in portal  # Anna never interned there
    assert "&lt; 5" in portal and "2 of 3" not in portal
    other = make_user(Role.MUNICIPALITY, municipality_id=make_municipality("Zeist").id)
    assert "Dana" not in make_client(other).get("/portal/outcomes").get_data(as_text=True)
    assert cohort.id


def test_an_employer_confirmation_counts_as_such(app, manager_client, manager):
    cohort, utrecht = hand_computed_case(manager)
    contact = make_user(Role.MUNICIPALITY, municipality_id=utrecht.id)
    outcome = next(
        o for o in db.session.scalars(sa.select(follow_ups.WorkOutcome)) if o.work == Work.CONSULTANT
    )
    follow_ups.answer_as_employer(outcome, contact, confirms=True)
    db.session.commit()
    assert outcome.evidence == Evidence.EMPLOYER_CONFIRMED
    html = manager_client.get("/outcomes").get_data(as_text=True)
    assert "Confirmed by the employer" in html and cohort.name in html
