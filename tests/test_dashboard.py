"""The manager's dashboard: the "needs attention today" rules, the page in Dutch and English, and a
query count that does not grow with cohorts or trainees."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from accounts.models import Role
from core.clock import local_today, utcnow
from extensions import db
from outbox.models import OutboxMessage
from placements.models import Placement, PlacementStatus
from reports import attention
from reports.attention import (
    Absence,
    AttentionData,
    CohortInfo,
    OpenProposal,
    RecentAttendance,
    SessionGap,
    attention_items,
)
from reports.attention_queries import needs_attention
from reports.monitoring import PhaseSpan
from sessions.models import AbsenceNotice, Attendance, TrainingSession
from tests.conftest import post_form
from tests.factories import make_trainee, make_user
from tests.test_stats import add_session, attend, make_offer, place, planned_cohort

# --- the rules, on plain data ----------------------------------------------------------------

TODAY = date(2026, 3, 5)  # a Thursday
COHORT = CohortInfo(1, "Groep A", PhaseSpan("internship", date(2026, 4, 2), date(2026, 5, 27)))


def _kinds(**data) -> list[str]:
    items = attention_items(AttentionData(today=TODAY, threshold=0.8, cohorts={1: COHORT}, **data))
    return [item.kind for item in items]


@pytest.mark.parametrize(("days_ahead", "shown"), [(-1, False), (0, True), (14, True), (15, False)])
def test_a_session_without_trainer_shows_within_14_days(days_ahead, shown):
    gap = SessionGap(1, 10, TODAY + timedelta(days=days_ahead))
    assert _kinds(sessions_without_trainer=(gap,)) == (["no_trainer"] if shown else [])


@pytest.mark.parametrize(
    ("today", "unplaced", "shown"),
    [
        (date(2026, 3, 4), 2, False),  # 29 days before the internship
        (date(2026, 3, 5), 2, True),  # 28 days before
        (date(2026, 5, 27), 1, True),  # its last day
        (date(2026, 5, 28), 1, False),
        (date(2026, 3, 5), 0, False),
    ],
)
def test_unplaced_trainees_show_from_4_weeks_before_the_internship(today, unplaced, shown):
    data = AttentionData(today=today, threshold=0.8, cohorts={1: COHORT}, unplaced={1: unplaced})
    assert [i.kind for i in attention_items(data)] == (["unplaced"] if shown else [])


@pytest.mark.parametrize(
    ("proposed_on", "shown"),
    [
        (date(2026, 3, 4), False),  # Wednesday: 1 working day
        (date(2026, 3, 2), False),  # Monday: Tue, Wed, Thu are 3 working days, not more
        (date(2026, 2, 27), True),  # Friday: Mon..Thu are 4 (the weekend does not count)
    ],
)
def test_a_proposal_shows_after_more_than_3_working_days(proposed_on, shown):
    proposal = OpenProposal(7, 1, "Sara", "Utrecht", proposed_on)
    assert _kinds(proposals=(proposal,)) == (["unanswered_proposal"] if shown else [])


@pytest.mark.parametrize(
    ("attended", "counted", "shown"),
    [(3, 4, True), (4, 5, False), (0, 1, True), (0, 0, False), (5, 5, False)],
)
def test_attendance_under_the_threshold_shows(attended, counted, shown):
    row = RecentAttendance(3, 1, "Ali", attended, counted)
    assert _kinds(attendance=(row,)) == (["low_attendance"] if shown else [])


@pytest.mark.parametrize(("days_ahead", "shown"), [(-1, False), (0, True), (1, True), (2, False)])
def test_absences_show_for_today_and_tomorrow(days_ahead, shown):
    absence = Absence(10, 1, "Noor", TODAY + timedelta(days=days_ahead))
    assert _kinds(absences=(absence,)) == (["absence"] if shown else [])


def test_items_of_cohorts_not_asked_for_are_left_out():
    assert _kinds(absences=(Absence(10, 2, "Noor", TODAY),), unplaced={2: 3}) == []


def test_the_most_urgent_kind_comes_first():
    kinds = _kinds(
        attendance=(RecentAttendance(3, 1, "Ali", 0, 2),),
        sessions_without_trainer=(SessionGap(1, 10, TODAY),),
        absences=(Absence(11, 1, "Noor", TODAY + timedelta(days=1)), Absence(12, 1, "Bo", TODAY)),
    )
    assert kinds == ["absence", "absence", "no_trainer", "low_attendance"]
    assert attention.KIND_ORDER[0] == "absence"


# --- the rules on the database ---------------------------------------------------------------


def _busy_cohort(trainees: int = 4, name: str = "Drukke groep"):
    """Training week 4 of the default programme (the internship starts in 3 weeks), no trainers,
    and for the first trainees: one absent at the last session, one proposed 10 days ago, one
    with a notice for tomorrow's session. All but the proposed one have a confirmed place."""
    today = local_today()
    cohort = planned_cohort(weeks_ago=3, name=name)
    people = [make_trainee(cohort, name=f"{name} deelnemer {n}") for n in range(trainees)]
    past = add_session(cohort, today - timedelta(days=1))
    for n, trainee in enumerate(people):
        attend(past, trainee, "absent" if n == 0 else "present")
    offer = make_offer(cohort)
    make_user(Role.MUNICIPALITY, municipality_id=offer.municipality_id)  # the contact who was asked
    place(people[1], offer, PlacementStatus.PROPOSED, days_ago=10)
    for trainee in (people[0], *people[2:]):
        place(trainee, offer, PlacementStatus.CONFIRMED)
    tomorrow = add_session(cohort, today + timedelta(days=1))
    db.session.add(AbsenceNotice(session_id=tomorrow.id, trainee_id=people[-1].id, reason="arts"))
    return cohort, people


def _items(cohort):
    return needs_attention([cohort.id], local_today(), 0.8, "Europe/Amsterdam")


def test_each_rule_finds_its_case_in_the_database(app):
    cohort, people = _busy_cohort()
    people.append(make_trainee(cohort, name="Zonder plek"))
    nobody_to_ask = make_offer(cohort)  # a municipality without a contact person
    place(make_trainee(cohort, name="Zonder contact"), nobody_to_ask, PlacementStatus.PROPOSED)
    unreachable = make_user(Role.MUNICIPALITY, name="Joost Visser")
    db.session.add(
        OutboxMessage(
            key="invitation:bounced",
            kind="invitation",
            recipient=unreachable.email,
            recipient_user_id=unreachable.id,
            subject="Uw account",
            body_text="Beste Joost,",
            status="failed",
            bounced=True,
            last_error="550 5.1.1 User unknown",
        )
    )
    db.session.commit()
    by_kind = {item.kind: item for item in _items(cohort)}
    assert set(by_kind) == set(attention.KIND_ORDER)
    bounce = by_kind["bounced_mail"]
    assert (bounce.params["name"], bounce.params["error"]) == ("Joost Visser", "550 5.1.1 User unknown")
    assert (bounce.endpoint, bounce.args) == ("accounts.edit_user", {"user_id": unreachable.id})
    waiting = by_kind["proposal_without_contact"]
    assert waiting.params["name"] == "Zonder contact"
    assert (waiting.endpoint, waiting.args) == (
        "municipalities.detail",
        {"municipality_id": nobody_to_ask.municipality_id},
    )
    assert by_kind["low_attendance"].params["name"] == people[0].name
    assert by_kind["unanswered_proposal"].params["name"] == people[1].name
    assert by_kind["absence"].params["name"] == people[3].name
    assert by_kind["unplaced"].params["n"] == 1  # only "Zonder plek": the proposed one is not missing
    assert by_kind["no_trainer"].params["n"] >= 1


def test_a_cohort_in_order_needs_no_attention(app):
    cohort, people = _busy_cohort()
    trainer = make_user(Role.TRAINER)
    db.session.execute(
        sa.update(TrainingSession).filter_by(cohort_id=cohort.id).values(trainer_id=trainer.id)
    )
    db.session.execute(sa.delete(AbsenceNotice))
    db.session.execute(sa.update(Attendance).filter_by(trainee_id=people[0].id).values(status="late"))
    db.session.execute(
        sa.update(Placement)
        .filter_by(trainee_id=people[1].id)
        .values(proposed_at=utcnow() - timedelta(days=1))
    )
    db.session.commit()
    assert _items(cohort) == []


# --- the page -----------------------------------------------------------------------------------


def _english(client) -> None:
    response = post_form(client, "/language", {"language": "en", "next": "/dashboard"}, page="/dashboard")
    assert response.status_code == 302


def test_the_dashboard_shows_each_cohort_and_the_attention_list_in_english(manager_client):
    cohort, people = _busy_cohort(name="Groep Noord")
    planned_cohort(weeks_ago=-3, name="Groep Zuid")
    planned_cohort(weeks_ago=60, name="Groep Voorbij")  # ended: no card (the timeline may show it)
    db.session.commit()
    _english(manager_client)
    page = manager_client.get("/dashboard").get_data(as_text=True)
    cards = page.partition('id="charts-heading"')[0]
    assert "Groep Noord" in cards and "Groep Zuid" in cards and "Groep Voorbij" not in cards
    assert "Training, week 4" in page and "Starts on" in page
    assert f"{people[0].name} came to 0% of the sessions in the last 4 weeks." in page
    assert "has not answered the proposal for " + people[1].name in page
    assert f"{people[3].name} has said they will not come tomorrow." in page
    assert "Sessions without a trainer in the next 14 days" in page
    assert "Active: 4, withdrawn: 0, completed: 0" in page
    assert "With a place: 3, proposed: 1, without a place: 0" in page
    assert "75%" in page  # 3 of 4 at the one recorded session, in the last 4 weeks and overall
    assert "—" in page  # Groep Zuid has no attendance yet
    assert "{# charts" not in page  # the lead's spot is a template comment


def test_the_dashboard_speaks_dutch_by_default(manager_client):
    _busy_cohort(name="Groep Noord")
    db.session.commit()
    page = manager_client.get("/dashboard").get_data(as_text=True)
    assert '<html lang="nl">' in page
    for dutch in ("Overzicht", "Groepen", "Deelnemers", "Stageplekken", "Evaluaties die ontbreken"):
        assert dutch in page
    assert "Training, week" not in page and "Opleiding, week 4" in page


def test_an_empty_dashboard_says_so(manager_client):
    _english(manager_client)
    page = manager_client.get("/dashboard").get_data(as_text=True)
    assert "Nothing needs attention today." in page
    assert "There are no running or planned groups." in page


@pytest.mark.parametrize("role", [Role.TRAINEE, Role.TRAINER, Role.MUNICIPALITY])
def test_only_managers_see_the_dashboard(make_client, role):
    assert make_client(make_user(role)).get("/dashboard").status_code == 403


def _fill(cohorts: int, trainees: int) -> None:
    for n in range(cohorts):
        _busy_cohort(trainees, name=f"Groep {n}")
    db.session.commit()


def _dashboard_queries(client, count_queries) -> int:
    with count_queries() as statements:
        response = client.get("/dashboard")
        assert response.status_code == 200
    return len(statements)


def test_the_dashboard_costs_the_same_queries_for_1_cohort_of_2_and_10_cohorts_of_20(
    manager_client, count_queries
):
    """Both when the charts are computed (the first request after a change) and when a worker
    has them (core/data_versions.py): each costs the same for any amount of data."""
    _fill(1, 2)
    few, few_kept = (_dashboard_queries(manager_client, count_queries) for _ in range(2))
    _fill(9, 20)
    many, many_kept = (_dashboard_queries(manager_client, count_queries) for _ in range(2))
    assert manager_client.get("/dashboard").get_data(as_text=True).count('class="cohort-card"') == 10
    assert (many, many_kept) == (few, few_kept)
    assert many_kept < many


def _svgs(client, query: str = "") -> int:
    response = client.get(f"/dashboard{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True).count("<svg")


def test_the_dashboard_draws_the_overview_and_one_group_whatever_the_number_of_groups(manager_client):
    """Three charts of all groups, attendance and placements of one: 5 pictures for 1 group or 10."""
    _fill(1, 2)
    few = _svgs(manager_client)
    _fill(9, 3)
    assert _svgs(manager_client) == few == 5


def test_the_manager_chooses_the_group_drawn_in_detail(manager_client):
    first, _people = _busy_cohort(name="Groep Oost")
    later = planned_cohort(weeks_ago=1, name="Groep West")
    db.session.commit()
    page = manager_client.get("/dashboard").get_data(as_text=True)
    detail = page.split('id="group-heading"', 1)[1]
    assert f'<option value="{first.id}">Groep Oost</option>' in detail  # every current group to choose
    assert f'<option value="{later.id}" selected>Groep West</option>' in detail  # started last
    assert "Aanwezigheid per week: Groep West" in detail and "Groep Oost</strong>" not in detail
    planned = planned_cohort(weeks_ago=-4, name="Groep Zuid")  # starts in four weeks
    db.session.commit()
    waiting = manager_client.get(f"/dashboard?cohort={planned.id}").get_data(as_text=True)
    assert "Deze groep is nog niet begonnen" in waiting.split('id="attendance-heading"', 1)[1]
    chosen = manager_client.get(f"/dashboard?cohort={first.id}").get_data(as_text=True)
    assert "<strong>Groep Oost</strong>" in chosen.split('id="attendance-heading"', 1)[1]
    for odd in ("abc", "0", "99999999", "-1", f"{first.id}x"):
        response = manager_client.get(f"/dashboard?cohort={odd}")
        assert response.status_code == 200
        assert f'<option value="{later.id}" selected>' in response.get_data(as_text=True)
