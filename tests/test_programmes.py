"""Programme templates: the managers' list and form, the rules they share with the planner, access."""

from datetime import date, time

import pytest
import sqlalchemy as sa

from cohort.models import ProgrammeTemplate
from extensions import db
from sessions.models import TrainingSession
from tests.conftest import post_form

NEW_TEMPLATE = {
    "name": "Kort traject",
    "slug": "kort-traject",
    "training_weeks": 3,
    "internship_weeks": 4,
    "programme_weeks": 20,
    "training_weekdays": ["mon", "wed"],
    "training_start": "10:00",
    "training_end": "15:00",
    "return_weekday": "fri",
    "return_start": "13:00",
    "return_end": "16:00",
    "return_from_week": 4,
}


def template(slug: str) -> ProgrammeTemplate | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(ProgrammeTemplate).filter_by(slug=slug))


def template_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(ProgrammeTemplate))


def edit_url(slug: str) -> str:
    return f"/programmes/{template(slug).id}/edit"


def edit_form(slug: str, /, **changes) -> dict:
    """The edit form as the page fills it in, with `changes` on top."""
    stored = template(slug)
    data = {
        name: getattr(stored, name)
        for name in ("name", "slug", "training_weeks", "internship_weeks", "programme_weeks")
    }
    data.update(
        training_weekdays=stored.training_weekdays.split(","),
        training_start=stored.training_start.strftime("%H:%M"),
        training_end=stored.training_end.strftime("%H:%M"),
        return_weekday=stored.return_weekday or "",
        return_start=stored.return_start.strftime("%H:%M") if stored.return_start else "",
        return_end=stored.return_end.strftime("%H:%M") if stored.return_end else "",
        return_from_week=stored.return_from_week or "",
    )
    if stored.is_default:
        data["is_default"] = "y"
    return {**data, **changes}


def plan_cohort(api, slug: str | None = None) -> dict:
    body = {"name": "Amersfoort", "start_date": "2027-01-04"}
    if slug:
        body["template"] = slug
    response = api.post("/api/v1/cohorts", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def sessions_of(cohort_id: int) -> list[TrainingSession]:
    return db.session.scalars(
        sa.select(TrainingSession).filter_by(cohort_id=cohort_id).order_by(TrainingSession.date)
    ).all()


@pytest.fixture
def manager_api(api_client, manager):
    return api_client(manager)


def test_the_list_shows_both_seeded_templates_and_the_default(manager_client):
    page = manager_client.get("/programmes").get_data(as_text=True)
    assert "Opleidingstraject inburgeringsconsulent" in page and "inburgeringsconsulent</code>" in page
    assert "Voorbereid op de nieuwe Wet inburgering" in page and "wet-inburgering</code>" in page
    assert "09:30–16:00" in page and "09:30–16:30" in page and "09:30–15:00" in page
    assert '<th scope="col">' in page
    assert f'href="{edit_url("wet-inburgering")}"' in page


def test_a_new_template_plans_cohorts_with_its_phases_and_sessions(manager_client, manager_api):
    response = post_form(manager_client, "/programmes/new", NEW_TEMPLATE)
    assert response.status_code == 302 and response.headers["Location"] == "/programmes"
    stored = template("kort-traject")
    assert (stored.training_weekdays, stored.return_weekday, stored.return_from_week) == ("mon,wed", "fri", 4)
    assert "Kort traject" in manager_client.get("/programmes").get_data(as_text=True)

    cohort = plan_cohort(manager_api, "kort-traject")
    assert cohort["template"] == "kort-traject" and cohort["end_date"] == "2027-05-23"
    assert [(p["kind"], p["start_date"], p["end_date"]) for p in cohort["phases"]] == [
        ("training", "2027-01-04", "2027-01-24"),
        ("internship", "2027-01-25", "2027-02-21"),
        ("guided_work", "2027-02-22", "2027-05-23"),
    ]
    sessions = sessions_of(cohort["id"])
    training = [s for s in sessions if s.kind == "training"]
    returns = [s for s in sessions if s.kind == "return_day"]
    assert [s.date.isoformat() for s in training] == [
        "2027-01-04", "2027-01-06", "2027-01-11", "2027-01-13", "2027-01-18", "2027-01-20"
    ]  # fmt: skip
    assert {(s.start_time, s.end_time) for s in training} == {(time(10), time(15))}
    assert len(returns) == 17  # weeks 4 to 20
    assert returns[0].date == date(2027, 1, 29) and {s.start_time for s in returns} == {time(13)}
    # Goede Vrijdag, 26 March 2027, moves the return day to the Thursday.
    moved = [(s.moved_from, s.date) for s in returns if s.moved_from]
    assert moved == [(date(2027, 3, 26), date(2027, 3, 25))]


def test_editing_changes_the_stored_values_but_not_planned_cohorts(manager_client, manager_api):
    cohort = plan_cohort(manager_api, "wet-inburgering")
    before = [(s.date, s.start_time) for s in sessions_of(cohort["id"])]
    page = manager_client.get(edit_url("wet-inburgering")).get_data(as_text=True)
    assert 'value="Voorbereid op de nieuwe Wet inburgering"' in page
    assert 'readonly type="text" value="wet-inburgering"' in page  # a cohort uses it
    assert 'checked id="training_weekdays-1"' in page  # Tuesday

    changes = {"name": "Wet inburgering (nieuw)", "training_weeks": 6, "programme_weeks": 10}
    changes |= {"training_weekdays": ["tue", "thu"], "training_start": "09:00"}
    changes |= {"return_weekday": "fri", "return_start": "10:00", "return_end": "12:00"}
    changes |= {"return_from_week": 7}
    url = edit_url("wet-inburgering")
    response = post_form(manager_client, url, edit_form("wet-inburgering", **changes))
    assert response.status_code == 302

    stored = template("wet-inburgering")
    assert (stored.name, stored.training_weeks, stored.internship_weeks, stored.programme_weeks) == (
        "Wet inburgering (nieuw)", 6, 0, 10
    )  # fmt: skip
    assert (stored.training_weekdays, stored.training_start, stored.training_end) == (
        "tue,thu", time(9), time(16, 30)
    )  # fmt: skip
    assert (stored.return_weekday, stored.return_start, stored.return_end, stored.return_from_week) == (
        "fri", time(10), time(12), 7
    )  # fmt: skip
    # The cohort keeps its plan until it is planned again.
    assert [(s.date, s.start_time) for s in sessions_of(cohort["id"])] == before


def test_removing_the_return_day_clears_its_times(manager_client):
    url = edit_url("inburgeringsconsulent")
    response = post_form(manager_client, url, edit_form("inburgeringsconsulent", return_weekday=""))
    assert response.status_code == 302
    stored = template("inburgeringsconsulent")
    assert (stored.return_weekday, stored.return_start, stored.return_end, stored.return_from_week) == (
        None, None, None, None
    )  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"slug": "wet-inburgering"}, "slug"),
        ({"slug": "kort traject!"}, "slug"),
        ({"slug": ""}, "slug"),
        ({"name": "  "}, "name"),
        ({"training_weeks": 0}, "training_weeks"),
        ({"programme_weeks": 105}, "programme_weeks"),
        ({"programme_weeks": 5}, "programme_weeks"),  # less than training plus internship
        ({"training_weekdays": []}, "training_weekdays"),
        ({"return_weekday": "mon", "return_from_week": 2}, "return_weekday"),
        ({"return_from_week": 21}, "return_from_week"),
        ({"training_start": "15:00", "training_end": "10:00"}, "training_end"),
        ({"return_end": "12:00"}, "return_end"),
        ({"return_start": ""}, "return_start"),
    ],
)
def test_bad_input_is_shown_on_its_field_and_nothing_is_saved(manager_client, changes, field):
    response = post_form(manager_client, "/programmes/new", {**NEW_TEMPLATE, **changes})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page
    assert page.count('class="field-error"') == 1
    assert template_count() == 2


def test_bad_input_on_edit_changes_nothing(manager_client):
    url = edit_url("wet-inburgering")
    response = post_form(manager_client, url, edit_form("wet-inburgering", name="Nieuw", training_weeks=0))
    assert 'id="training_weeks-error"' in response.get_data(as_text=True)
    stored = template("wet-inburgering")
    assert (stored.name, stored.training_weeks) == ("Voorbereid op de nieuwe Wet inburgering", 5)


def test_the_short_name_is_fixed_once_a_cohort_uses_the_template(manager_client, manager_api):
    post_form(manager_client, "/programmes/new", NEW_TEMPLATE)
    url = edit_url("kort-traject")
    assert post_form(manager_client, url, edit_form("kort-traject", slug="kort")).status_code == 302
    assert template("kort") is not None

    plan_cohort(manager_api, "kort")
    response = post_form(manager_client, url, edit_form("kort", slug="kort-2027"))
    assert 'id="slug-error"' in response.get_data(as_text=True)
    assert template("kort") is not None and template("kort-2027") is None


def test_a_new_default_undefaults_the_old_one(manager_client, manager_api):
    response = post_form(manager_client, "/programmes/new", {**NEW_TEMPLATE, "is_default": "y"})
    assert response.status_code == 302
    assert template("kort-traject").is_default and not template("inburgeringsconsulent").is_default
    assert plan_cohort(manager_api)["template"] == "kort-traject"  # new cohorts get the default

    url = edit_url("inburgeringsconsulent")
    post_form(manager_client, url, edit_form("inburgeringsconsulent", is_default="y"))
    assert template("inburgeringsconsulent").is_default and not template("kort-traject").is_default
    defaults = sa.select(sa.func.count()).select_from(ProgrammeTemplate).filter_by(is_default=True)
    assert db.session.scalar(defaults) == 1


def test_the_default_cannot_be_unticked_without_choosing_another(manager_client):
    data = edit_form("inburgeringsconsulent")
    del data["is_default"]
    response = post_form(manager_client, edit_url("inburgeringsconsulent"), data)
    assert 'id="is_default-error"' in response.get_data(as_text=True)
    assert template("inburgeringsconsulent").is_default


def test_an_unknown_template_is_404(manager_client):
    assert manager_client.get("/programmes/999/edit").status_code == 404


@pytest.mark.parametrize("role_client", ["trainee_client", "trainer_client", "municipality_client"])
@pytest.mark.parametrize("url", ["/programmes", "/programmes/new", "/programmes/1/edit"])
def test_only_managers_may_see_the_programme_pages(request, role_client, url):
    assert request.getfixturevalue(role_client).get(url).status_code == 403


def test_visitors_are_sent_to_log_in(client):
    response = client.get("/programmes/new")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_managers_find_the_programmes_in_the_menu(manager_client):
    assert 'href="/programmes"' in manager_client.get("/cohorts").get_data(as_text=True)
