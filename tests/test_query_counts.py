"""The pages of the benchmark (bench/run.py) cost the same number of queries at 1x and 10x the data.

Deterministic, unlike timings: a page whose query count grows with the data is the slowdown the
benchmark would find at scale, caught here on every run of the suite.
"""

from datetime import date, time, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa

from accounts.models import Role, User
from accounts.services import create_api_token
from cohort.services import seed_default_templates
from demo import DEMO_PASSWORD
from demo_large import CONTACT_EMAIL, MANAGER_EMAIL, TRAINEE_EMAIL, Scale, load_large_demo
from extensions import db
from sessions.feed_service import trainee_feed_url
from sessions.models import TrainingSession
from tests.conftest import login
from tests.factories import make_user
from tests.test_schedule import planned_cohort

# Ten times the cohorts, trainees, municipalities and messages; twice the sessions per cohort.
SMALL = Scale(
    cohorts=3, trainees_per_cohort=2, municipalities=5, messages=30, trainers=2, managers=1,
    training_weeks=6, internship_weeks=8, programme_weeks=20,
)  # fmt: skip
LARGE = Scale(
    cohorts=10, trainees_per_cohort=6, municipalities=50, messages=300, trainers=4, managers=2,
    training_weeks=12, internship_weeks=8, programme_weeks=26,
)  # fmt: skip


def _fresh_database() -> None:
    db.session.remove()
    db.drop_all()
    db.create_all()
    seed_default_templates()
    db.session.commit()


def _page_queries(app, count_queries, scale: Scale) -> dict[str, int]:
    """Load `scale` into an empty database and count each benchmarked page's queries (the second visit)."""
    _fresh_database()
    load_large_demo(date.today(), seed=7, scale=scale, password=DEMO_PASSWORD)
    db.session.commit()
    trainee_user = db.session.scalar(sa.select(User).filter_by(email=TRAINEE_EMAIL))
    _token, secret = create_api_token(trainee_user, "query counts")
    manager_user = db.session.scalar(sa.select(User).filter_by(email=MANAGER_EMAIL))
    host_id = db.session.scalar(sa.select(User.municipality_id).filter_by(email=CONTACT_EMAIL))
    _token, manager_secret = create_api_token(manager_user, "query counts")
    db.session.commit()
    with app.test_request_context():
        feed = urlsplit(trainee_feed_url(trainee_user.trainee)).path
    trainee_id, cohort_id = trainee_user.trainee_id, trainee_user.trainee.cohort_id
    clients = {}
    for email in (TRAINEE_EMAIL, MANAGER_EMAIL, CONTACT_EMAIL):
        clients[email] = app.test_client()
        assert login(clients[email], email, DEMO_PASSWORD).status_code == 302
    etag = app.test_client().get(feed).headers["ETag"]
    pages = {
        "schedule": (clients[TRAINEE_EMAIL], "/schedule", {}, 200),
        "feed": (app.test_client(), feed, {}, 200),
        "feed 304": (app.test_client(), feed, {"If-None-Match": etag}, 304),
        "api schedule": (
            app.test_client(),
            f"/api/v1/trainees/{trainee_id}/schedule",
            {"Authorization": f"Bearer {secret}"},
            200,
        ),
        "cohort page": (clients[MANAGER_EMAIL], f"/cohorts/{cohort_id}", {}, 200),
        "dashboard": (clients[MANAGER_EMAIL], "/dashboard", {}, 200),
        "portal": (clients[CONTACT_EMAIL], "/portal", {}, 200),
        # Issue 17's outcomes: every cohort, one cohort by name, the API's funnel, a host's interns.
        "outcomes": (clients[MANAGER_EMAIL], "/outcomes", {}, 200),
        "cohort outcomes": (clients[MANAGER_EMAIL], f"/cohorts/{cohort_id}/outcomes", {}, 200),
        "api outcomes": (
            app.test_client(),
            f"/api/v1/cohorts/{cohort_id}/outcomes",
            {"Authorization": f"Bearer {manager_secret}"},
            200,
        ),
        "portal outcomes": (clients[CONTACT_EMAIL], "/portal/outcomes", {}, 200),
        "municipality outcomes": (clients[MANAGER_EMAIL], f"/municipalities/{host_id}/outcomes", {}, 200),
    }
    counts = {}
    for name, (client, path, headers, status) in pages.items():
        client.get(path, headers=headers)  # the first visit may write (e.g. the token's last use)
        with count_queries() as queries:
            assert client.get(path, headers=headers).status_code == status, name
        counts[name] = len(queries)
    return counts


def test_every_benchmarked_page_costs_the_same_queries_with_ten_times_the_data(app, count_queries):
    small = _page_queries(app, count_queries, SMALL)
    sessions_small = db.session.scalar(sa.select(sa.func.count()).select_from(TrainingSession))
    large = _page_queries(app, count_queries, LARGE)
    sessions_large = db.session.scalar(sa.select(sa.func.count()).select_from(TrainingSession))
    assert sessions_large > 5 * sessions_small  # the data really grew
    assert large == small


DOUBLE_BOOKED = "De trainer heeft op dit moment een andere bijeenkomst."  # Dutch: the default language


def test_the_cohort_page_flags_a_trainer_booked_in_another_cohort_at_the_same_time(app, manager_client):
    """The double-booking check runs in the database now; it must still see other cohorts' sessions."""
    first, second = planned_cohort(), planned_cohort()  # the same start: sessions on the same days
    trainer = make_user(Role.TRAINER)
    day = db.session.scalar(
        sa.select(TrainingSession.date)
        .where(TrainingSession.cohort_id == first.id)
        .order_by(TrainingSession.date)
    )
    mine, theirs = (
        db.session.scalar(sa.select(TrainingSession).filter_by(cohort_id=cohort.id, date=day))
        for cohort in (first, second)
    )
    next_day = db.session.scalar(
        sa.select(TrainingSession).filter_by(cohort_id=second.id, date=day + timedelta(1))
    )
    for sess in (mine, theirs, next_day):  # next_day: the same trainer on another day is no conflict
        sess.trainer_id = trainer.id
    db.session.commit()
    assert manager_client.get(f"/cohorts/{first.id}").get_data(as_text=True).count(DOUBLE_BOOKED) == 1
    theirs.start_time, theirs.end_time = mine.end_time, time(23, 0)  # right after: no overlap
    db.session.commit()
    assert DOUBLE_BOOKED not in manager_client.get(f"/cohorts/{first.id}").get_data(as_text=True)
