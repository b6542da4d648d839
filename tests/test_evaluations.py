"""Evaluations: due rules, the portal form, the signed e-mail link, who may read, the missing list."""

import itertools
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import render_template

from accounts.models import Role, User
from accounts.services import set_password
from cohort.models import Cohort, TraineeStatus
from cohort.services import CohortInput, default_template, enrol_trainee, save_cohort
from core.clock import local_today
from core.errors import ConflictError
from extensions import db
from placements.evaluations import rules as evaluations
from placements.evaluations.services import missing_evaluations, submit_evaluation
from placements.links import Recipient, make_token
from placements.models import Evaluation, InternshipOffer, Municipality, Placement
from tests.conftest import post_form
from tests.factories import PASSWORD, evaluation_token, make_municipality, make_supervisor, make_user

_numbers = itertools.count(1)
GOOD_SCORES = {f"score-{code}": "4" for code in evaluations.CRITERIA}


# --- the due rules (pure) ---------------------------------------------------------------


# --- test data ---------------------------------------------------------------------------


def planned_cohort(weeks_ago: int) -> Cohort:
    """A default cohort (6 weeks training, then 8 weeks internship) that started `weeks_ago` weeks ago.

    Today lies in programme week `weeks_ago + 1`, so in internship week `weeks_ago - 5`: from 9
    weeks ago the mid-term evaluation is due, from 13 weeks ago the final one too.
    """
    today = local_today()
    start = today - timedelta(days=today.weekday(), weeks=weeks_ago)
    cohort, _ = save_cohort(
        None, CohortInput(name=f"Groep {next(_numbers)}", template=default_template(), start_date=start)
    )
    db.session.commit()
    return cohort


def place(cohort: Cohort, municipality: Municipality | None = None, status: str = "confirmed") -> Placement:
    n = next(_numbers)
    trainee = enrol_trainee(cohort, name=f"Deelnemer {n}", email=f"deelnemer{n}@mail.example")
    offer = InternshipOffer(
        municipality=municipality or make_municipality(), cohort_id=cohort.id, places=2, places_taken=1
    )
    db.session.add(offer)
    db.session.flush()
    placement = Placement(
        trainee_id=trainee.id,
        offer_id=offer.id,
        cohort_id=cohort.id,
        status=status,
        supervisor_record=make_supervisor(offer.municipality_id, "Eva de Boer", f"eva{n}@gemeente.example"),
    )
    db.session.add(placement)
    db.session.commit()
    return placement


def contact_of(placement: Placement) -> User:
    return make_user(Role.MUNICIPALITY, municipality_id=placement.offer.municipality_id)


def trainee_client(make_client, placement: Placement):
    user = db.session.scalar(sa.select(User).filter_by(trainee_id=placement.trainee_id))
    set_password(user, PASSWORD)
    db.session.commit()
    return make_client(user)


def saved(placement_id: int, kind: str) -> Evaluation | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(Evaluation).filter_by(placement_id=placement_id, kind=kind))


def link_path(placement_id: int, kind: str) -> str:
    return f"/e/evaluation/{evaluation_token(db.session.get(Placement, placement_id), kind)}"


# --- the form in the portal ------------------------------------------------------------------


def test_the_contact_submits_the_midterm_evaluation_through_the_portal(make_client):
    placement = place(planned_cohort(9))
    contact = contact_of(placement)
    client = make_client(contact)
    url = f"/evaluations/{placement.id}/midterm"
    page = client.get(url).get_data(as_text=True)
    assert page.count('type="radio"') == 5 * len(evaluations.CRITERIA)
    assert "<legend>" in page and "Eva de Boer" in page
    data = {**GOOD_SCORES, "score-dutch_at_work": "2", "comments": "Goed gesprek."}
    response = post_form(client, url, data)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/evaluations/{placement.id}/midterm/view")
    evaluation = saved(placement.id, "midterm")
    assert evaluation.scores == {**dict.fromkeys(evaluations.CRITERIA, 4), "dutch_at_work": 2}
    assert evaluation.comments == "Goed gesprek."
    assert evaluation.submitted_by == contact.name
    assert saved(placement.id, "final") is None


def test_sending_it_again_replaces_the_first_answers(make_client):
    placement = place(planned_cohort(9))
    client = make_client(contact_of(placement))
    url = f"/evaluations/{placement.id}/midterm"
    post_form(client, url, {**GOOD_SCORES, "comments": "Eerste versie."})
    assert 'checked id="score-cooperation-3"' in client.get(url).get_data(as_text=True)  # shows the answers
    post_form(client, url, {**GOOD_SCORES, "score-cooperation": "5", "comments": "Tweede versie."})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Evaluation)) == 1
    evaluation = saved(placement.id, "midterm")
    assert (evaluation.scores["cooperation"], evaluation.comments) == (5, "Tweede versie.")


def test_bad_scores_show_errors_next_to_their_group_and_save_nothing(make_client):
    placement = place(planned_cohort(9))
    client = make_client(contact_of(placement))
    url = f"/evaluations/{placement.id}/midterm"
    data = {**GOOD_SCORES, "score-conversation": "7", "comments": "x" * 5001}
    del data["score-independence"]
    response = post_form(client, url, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for name in ("score-conversation", "score-independence", "comments"):
        assert f'id="{name}-error"' in page
    assert 'aria-describedby="score-conversation-hint score-conversation-error"' in page
    assert 'id="score-law_and_pip-error"' not in page
    assert 'aria-invalid="true"' in page
    assert saved(placement.id, "midterm") is None


def test_a_placement_that_is_not_confirmed_cannot_be_evaluated(make_client):
    placement = place(planned_cohort(9), status="proposed")
    client = make_client(contact_of(placement))
    url = f"/evaluations/{placement.id}/midterm"
    assert 'type="radio"' not in client.get(url).get_data(as_text=True)
    assert post_form(client, url, GOOD_SCORES).status_code == 200
    assert saved(placement.id, "midterm") is None
    with pytest.raises(ConflictError):
        submit_evaluation(placement, "midterm", dict.fromkeys(evaluations.CRITERIA, 3), "", "test")


def test_another_municipalitys_contact_gets_404_and_a_trainee_403(make_client):
    placement = place(planned_cohort(9))
    stranger = make_client(make_user(Role.MUNICIPALITY))
    assert stranger.get(f"/evaluations/{placement.id}/midterm").status_code == 404
    assert stranger.get(f"/evaluations/{placement.id}/midterm/view").status_code == 404
    post_form(stranger, f"/evaluations/{placement.id}/midterm", GOOD_SCORES, page="/account")
    assert saved(placement.id, "midterm") is None
    trainee = trainee_client(make_client, placement)
    assert trainee.get(f"/evaluations/{placement.id}/midterm").status_code == 403


def test_an_unknown_kind_is_not_found(make_client, manager_client):
    placement = place(planned_cohort(9))
    assert manager_client.get(f"/evaluations/{placement.id}/weekly").status_code == 404
    assert manager_client.get(f"/evaluations/{placement.id}/midterm").status_code == 200


# --- the signed e-mail link ------------------------------------------------------------------


def test_the_signed_link_works_without_login_and_records_the_supervisor(client):
    placement = place(planned_cohort(13))
    url = link_path(placement.id, "final")
    assert client.get(url).status_code == 200
    response = post_form(client, url, {**GOOD_SCORES, "comments": "Klaar voor het werk."})
    assert response.status_code == 302 and response.headers["Location"].endswith(url)
    evaluation = saved(placement.id, "final")
    assert evaluation.submitted_by == "e-mail link (Eva de Boer)"
    assert saved(placement.id, "midterm") is None  # the link is for the final one only
    assert "Eva de Boer" in client.get(url).get_data(as_text=True)


def test_a_tampered_or_other_purpose_link_is_refused(client):
    placement = place(planned_cohort(9))
    good = evaluation_token(placement, "midterm")
    tampered = good[:-2] + ("AA" if not good.endswith("AA") else "BB")
    supervisor = Recipient.supervisor(placement.supervisor_id)
    for token in (
        tampered,
        evaluation_token(placement, purpose="answer"),
        make_token(placement.id + 1000, "evaluation-midterm", supervisor, 0),
    ):
        response = client.get(f"/e/evaluation/{token}")
        assert response.status_code == 404
        assert 'type="radio"' not in response.get_data(as_text=True)
    assert client.get(f"/e/evaluation/{good}").status_code == 200


def token_made_days_ago(monkeypatch, placement_id: int, days: int) -> str:
    with monkeypatch.context() as frozen:
        past = time.time() - days * 24 * 3600
        frozen.setattr(time, "time", lambda: past)
        return evaluation_token(db.session.get(Placement, placement_id), "midterm")


def test_an_evaluation_link_works_for_30_days(client, monkeypatch):
    placement = place(planned_cohort(9))
    recent = token_made_days_ago(monkeypatch, placement.id, 29)  # older than other links may be
    assert client.get(f"/e/evaluation/{recent}").status_code == 200
    expired = token_made_days_ago(monkeypatch, placement.id, 31)
    assert client.get(f"/e/evaluation/{expired}").status_code == 404
    response = post_form(client, f"/e/evaluation/{expired}", GOOD_SCORES, page="/login")
    assert response.status_code == 404
    assert saved(placement.id, "midterm") is None


# --- reading -----------------------------------------------------------------------------------


def test_the_trainee_reads_their_own_evaluation_and_not_anothers(make_client):
    cohort = planned_cohort(9)
    mine, theirs = place(cohort), place(cohort)
    for placement in (mine, theirs):
        scores = {**dict.fromkeys(evaluations.CRITERIA, 3), "conversation": 5}
        submit_evaluation(placement, "midterm", scores, f"Opmerking over {placement.trainee.name}", "Eva")
    db.session.commit()
    client = trainee_client(make_client, mine)
    page = client.get(f"/evaluations/{mine.id}/midterm/view").get_data(as_text=True)
    assert f"Opmerking over {mine.trainee.name}" in page
    assert "5 – " in page and "3 – " in page
    assert f'/evaluations/{mine.id}/midterm"' not in page  # no link to change it
    assert client.get(f"/evaluations/{theirs.id}/midterm/view").status_code == 404


def test_the_manager_and_the_contact_read_it_and_see_when_it_is_not_filled_in(make_client, manager_client):
    placement = place(planned_cohort(9))
    contact = make_client(contact_of(placement))
    url = f"/evaluations/{placement.id}/final/view"
    assert f'/evaluations/{placement.id}/final"' in contact.get(url).get_data(as_text=True)
    submit_evaluation(placement, "final", dict.fromkeys(evaluations.CRITERIA, 4), "Prima stage.", "Eva")
    db.session.commit()
    assert "Prima stage." in manager_client.get(url).get_data(as_text=True)
    assert "Prima stage." in contact.get(url).get_data(as_text=True)


# --- the manager's missing list ------------------------------------------------------------------


def test_the_missing_list_shows_exactly_the_due_evaluations_without_an_answer(manager_client):
    midterm_due = place(planned_cohort(9))
    both_due = place(planned_cohort(13))
    submit_evaluation(both_due, "midterm", dict.fromkeys(evaluations.CRITERIA, 3), "", "Eva")
    not_yet = place(planned_cohort(8))
    proposed = place(planned_cohort(13), status="proposed")
    withdrawn = place(planned_cohort(13))
    withdrawn.trainee.status = TraineeStatus.WITHDRAWN
    db.session.commit()

    due = missing_evaluations()
    assert {(d.placement_id, d.kind) for d in due} == {(midterm_due.id, "midterm"), (both_due.id, "final")}
    page = manager_client.get("/evaluations/missing").get_data(as_text=True)
    assert midterm_due.trainee.name in page and both_due.trainee.name in page
    for absent in (not_yet, proposed, withdrawn):
        assert absent.trainee.name not in page
    assert "http://localhost/e/evaluation/" in page
    assert f'/evaluations/{both_due.id}/final"' in page
    assert {(d.placement_id, d.kind) for d in missing_evaluations(cohort_ids=[midterm_due.cohort_id])} == {
        (midterm_due.id, "midterm")
    }
    by_municipality = missing_evaluations(municipality_id=both_due.offer.municipality_id)
    assert [(d.placement_id, d.kind) for d in by_municipality] == [(both_due.id, "final")]


def test_the_signed_link_in_the_missing_list_opens_that_evaluation(manager_client, client):
    placement = place(planned_cohort(9))
    page = manager_client.get("/evaluations/missing").get_data(as_text=True)
    link = page.split('value="http://localhost')[1].split('"')[0]
    assert link.startswith("/e/evaluation/")
    post_form(client, link, GOOD_SCORES)
    assert saved(placement.id, "midterm") is not None
    assert placement.trainee.name not in manager_client.get("/evaluations/missing").get_data(as_text=True)


def test_the_missing_list_takes_the_same_number_of_queries_for_1_and_10_placements(
    manager_client, count_queries
):
    cohort = planned_cohort(13)
    place(cohort)
    with count_queries() as one:
        assert manager_client.get("/evaluations/missing").status_code == 200
    for _ in range(9):
        place(cohort)
    with count_queries() as ten:
        page = manager_client.get("/evaluations/missing").get_data(as_text=True)
    assert page.count("/e/evaluation/") == 20  # mid-term and final for each
    assert len(ten) == len(one)


def test_the_portal_partial_lists_what_the_municipality_still_has_to_fill_in(app):
    placement = place(planned_cohort(9))
    due = missing_evaluations(municipality_id=placement.offer.municipality_id)
    with app.test_request_context():
        html = render_template("placements/_evaluations_due.html", due_evaluations=due)
        empty = render_template("placements/_evaluations_due.html", due_evaluations=[])
    assert f"/evaluations/{placement.id}/midterm" in html and placement.trainee.name in html
    assert "/evaluations/" not in empty


def test_only_managers_open_the_missing_list(make_client):
    placement = place(planned_cohort(9))
    assert make_client(contact_of(placement)).get("/evaluations/missing").status_code == 403


def test_an_evaluation_link_works_only_for_the_supervisor_it_was_made_for(client, manager_client):
    placement = place(planned_cohort(9))

    def link() -> str:
        [due] = [d for d in missing_evaluations() if d.placement_id == placement.id]
        return due.link.removeprefix("http://localhost")

    evas = link()
    assert client.get(evas).status_code == 200
    placement.supervisor_record = make_supervisor(placement.offer.municipality_id, "Bram Smit")
    db.session.commit()
    assert client.get(evas).status_code == 404  # another supervisor now: Eva's link is dead
    brams = link()
    assert client.get(brams).status_code == 200
    placement.supervisor_record.is_active = False
    db.session.commit()
    assert client.get(brams).status_code == 404
    assert saved(placement.id, "midterm") is None


def test_without_a_supervisor_the_manager_gets_no_link_to_forward(manager_client):
    placement = place(planned_cohort(9))
    placement.supervisor_record = None
    db.session.commit()
    [due] = [d for d in missing_evaluations() if d.placement_id == placement.id]
    assert due.link is None
    page = manager_client.get("/evaluations/missing").get_data(as_text=True)
    assert "Eerst een begeleider invullen" in page and "/e/evaluation/" not in page
