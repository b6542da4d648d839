"""Data versions and the values kept under them (core/data_versions.py): every committed write to a
table a cached value reads shows on the very next request; nothing else recomputes it.

The dashboard's charts and attendance rows are the cached values; the demo data gives them every
kind of row to read."""

import re

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.attributes import flag_modified

from accounts.models import LoginSession, User
from cohort.models import IN_PROGRAMME, Cohort, Trainee, TraineeStatus
from core.clock import local_today, utcnow
from core.data_versions import DataVersion, cache, versions_of
from demo import load_demo
from extensions import db
from outbox.models import MessageStatus, OutboxMessage
from placements.models import InternshipOffer
from reports.attention_queries import _recent_attendance
from reports.stats_services import ATTENDANCE_TABLES, current_cohort_ids, failed_message_counts
from reports.views import (
    CHART_TABLES,
    STATS_TABLES,
    cached_attendance_days,
    cached_charts,
    cohort_cards_html,
    group_stats,
)
from sessions.models import Attendance, AttendanceStatus, SessionStatus, TrainingSession
from sessions.services import YEAR_CHECK_TABLES, year_check
from tests.conftest import sign_in


@pytest.fixture
def demo(app):
    load_demo(local_today(app.config["TIMEZONE"]))
    db.session.commit()


@pytest.fixture
def manager_page(app, demo):
    client = app.test_client()
    sign_in(client, db.session.scalar(sa.select(User).filter_by(email="manager@cohort.example")))

    def charts_section(whole_page: bool = False) -> str:
        response = client.get("/dashboard")
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        return page if whole_page else page.split('id="charts-heading"', 1)[1]

    def cohort_page() -> str:
        cohort = db.session.scalars(sa.select(Cohort).order_by(Cohort.start_date.desc())).first()
        response = client.get(f"/cohorts/{cohort.id}")
        assert response.status_code == 200
        return response.get_data(as_text=True)

    charts_section.cohort = cohort_page
    return charts_section


def _model_of(table_name: str):
    return next(m.class_ for m in db.Model.registry.mappers if m.local_table.name == table_name)


# --- the versions --------------------------------------------------------------------------


def test_a_commit_raises_the_version_of_each_table_it_wrote_and_a_rollback_raises_none(app, demo):
    before = versions_of(["cohorts", "trainees"])
    cohort = db.session.scalars(sa.select(Cohort)).first()
    cohort.name = "Groep met een nieuwe naam"
    db.session.rollback()
    assert versions_of(["cohorts", "trainees"]) == before
    cohort = db.session.scalars(sa.select(Cohort)).first()
    cohort.name = "Groep met een nieuwe naam"
    db.session.commit()
    assert versions_of(["cohorts", "trainees"]) == (before[0] + 1, before[1])


def test_a_bulk_update_through_the_session_raises_its_table(app, demo):
    (before,) = versions_of(["attendance"])
    db.session.execute(sa.update(Attendance).values(note="bijgewerkt"))
    db.session.commit()
    assert versions_of(["attendance"]) == (before + 1,)


def test_busy_tables_that_no_cached_value_reads_have_no_version(app, demo):
    db.session.execute(sa.update(LoginSession).values(remember=False))
    db.session.commit()
    assert db.session.get(DataVersion, "login_sessions") is None


# --- the cached values ---------------------------------------------------------------------


def _tables_in(statements: list[str]) -> set[str]:
    names = {table.name for table in db.metadata.sorted_tables}
    return {word for text in statements for word in re.findall(r"\w+", text) if word in names}


def test_each_cached_value_names_every_table_it_reads(app, demo, count_queries):
    """A table left out of the list would be a write that does not show: the SQL says."""
    today = local_today(app.config["TIMEZONE"])
    with app.test_request_context():
        ids = current_cohort_ids(today)
        with count_queries() as attendance_statements:
            days = cached_attendance_days(ids, today)
        with count_queries() as chart_statements:
            cached_charts(today, 0.8, days, ids[0])
        with count_queries() as card_statements:
            cohort_cards_html(group_stats(ids, today, days, failed_message_counts()), 0.8)
        with count_queries() as recent_statements:
            _recent_attendance(ids, today)
        cohort = db.session.get(Cohort, ids[0])
        with count_queries() as year_statements:
            year_check(cohort)
    assert _tables_in(attendance_statements) - {"data_versions"} <= set(ATTENDANCE_TABLES)
    assert _tables_in(recent_statements) - {"data_versions"} <= set(ATTENDANCE_TABLES)
    assert _tables_in(year_statements) - {"data_versions"} <= set(YEAR_CHECK_TABLES)
    assert _tables_in(chart_statements) - {"data_versions"} <= set(CHART_TABLES)
    # The cards count failed messages afresh, outside the kept numbers.
    assert _tables_in(card_statements) - {"data_versions", "outbox_messages"} <= set(STATS_TABLES)
    # And each list is no longer than needed: every table in it is read.
    assert set(CHART_TABLES) - set(ATTENDANCE_TABLES) <= _tables_in(chart_statements)


def test_the_dashboard_computes_its_charts_once_until_something_they_read_changes(app, manager_page):
    first = manager_page()
    computed = cache().computed
    assert manager_page() == first
    assert cache().computed == computed  # kept: nothing was written
    db.session.execute(sa.update(LoginSession).values(remember=False))  # an untracked table
    db.session.commit()
    manager_page()
    assert cache().computed == computed


@pytest.mark.parametrize(
    ("page", "table_name"),
    [("dashboard", name) for name in sorted({*CHART_TABLES, *STATS_TABLES})]
    + [("cohort", name) for name in YEAR_CHECK_TABLES],
)
def test_a_write_to_any_table_a_kept_value_reads_computes_it_again(app, manager_page, page, table_name):
    manager_page() if page == "dashboard" else manager_page.cohort()
    computed = cache().computed
    row = db.session.scalars(sa.select(_model_of(table_name)).limit(1)).first()
    assert row is not None, f"the demo has no {table_name}"
    flag_modified(row, next(iter(sa.inspect(row).mapper.column_attrs)).key)  # an UPDATE of this row
    db.session.commit()
    manager_page() if page == "dashboard" else manager_page.cohort()
    assert cache().computed > computed


def test_a_renamed_group_shows_in_the_charts_at_once(app, manager_page):
    assert "Groep met een nieuwe naam" not in manager_page()
    cohort = db.session.scalars(
        sa.select(Cohort).where(Cohort.id.in_(current_cohort_ids(local_today())))
    ).first()
    cohort.name = "Groep met een nieuwe naam"
    db.session.commit()
    assert "Groep met een nieuwe naam" in manager_page()


def _offered(section: str) -> list[str]:
    table = section.split('id="shortage-heading"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"</th><td>(\d+)</td><td>(\d+)</td>", table)


def test_a_new_internship_offer_shows_in_the_places_chart_at_once(app, manager_page):
    before = _offered(manager_page())
    offer = db.session.scalars(sa.select(InternshipOffer)).first()
    offer.places += 25
    db.session.commit()
    after = _offered(manager_page())
    assert after != before
    assert sum(int(offered) for _needed, offered in after) > sum(int(offered) for _needed, offered in before)


def test_attendance_registered_shows_in_the_charts_and_the_attention_list_at_once(app, manager_page):
    before = manager_page(whole_page=True)
    assert "attention-low_attendance" not in before
    rows = db.session.scalars(
        sa.select(Attendance).join(TrainingSession).where(Attendance.status != AttendanceStatus.ABSENT)
    ).all()
    assert rows
    for row in rows:
        row.status = AttendanceStatus.ABSENT
    db.session.commit()
    after = manager_page(whole_page=True)
    assert "0%" in after.split('id="attendance-heading"', 1)[1]
    assert "attention-low_attendance" in after


def test_a_transaction_with_its_own_writes_does_not_fill_the_cache(app, demo):
    today = local_today(app.config["TIMEZONE"])
    with app.test_request_context():
        ids = current_cohort_ids(today)
        cohort = db.session.get(Cohort, ids[0])
        cohort.name = "Nog niet bewaard"
        computed = cache().computed
        cached_charts(today, 0.8, cached_attendance_days(ids, today), None)
        assert cache().computed == computed  # computed for this transaction only, not kept
        db.session.rollback()
        assert "Nog niet bewaard" not in cached_charts(today, 0.8, cached_attendance_days(ids, today), None)


def _clashes_counted(page: str) -> int:
    listed = page.split("Deze bijeenkomsten botsen:", 1)[1].split("</ul>", 1)[0].count("<li>")
    more = re.search(r"En nog (\d+) botsing", page)
    return listed + (int(more.group(1)) if more else 0)


def test_a_clash_made_in_another_week_shows_on_the_cohort_page_at_once(app, manager_page):
    before = _clashes_counted(manager_page.cohort())
    cohort = db.session.scalars(sa.select(Cohort).order_by(Cohort.start_date.desc())).first()
    first, second = db.session.scalars(
        sa.select(TrainingSession)
        .where(TrainingSession.cohort_id == cohort.id, TrainingSession.status == SessionStatus.SCHEDULED)
        .order_by(TrainingSession.date.desc())
        .limit(2)
    ).all()
    second.date = first.date  # two on one day, far from the week the page opens on
    db.session.commit()
    assert _clashes_counted(manager_page.cohort()) > before


def _card_of(page: str, cohort: Cohort) -> str:
    return page.split(f'id="cohort-{cohort.id}"', 1)[1].split("</article>", 1)[0]


def test_a_withdrawal_and_a_failed_message_show_on_the_groups_card_at_once(app, manager_page):
    cohort = db.session.get(Cohort, current_cohort_ids(local_today())[0])
    before = _card_of(manager_page(whole_page=True), cohort)
    trainee = db.session.scalars(
        sa.select(Trainee).where(Trainee.cohort_id == cohort.id, Trainee.status.in_(IN_PROGRAMME))
    ).first()
    trainee.status = TraineeStatus.WITHDRAWN
    db.session.commit()
    withdrawn = _card_of(manager_page(whole_page=True), cohort)
    assert withdrawn != before
    # The outbox has no data version (it changes all day): its count is read on every request.
    message = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.trainee_id == trainee.id)
    ).first() or OutboxMessage(
        kind="invitation", key=f"test:{trainee.id}", recipient="x@mail.example", subject="Test",
        body_text="Test", trainee_id=trainee.id, due_at=utcnow(),
    )  # fmt: skip
    message.status = MessageStatus.FAILED
    db.session.add(message)
    db.session.commit()
    assert _card_of(manager_page(whole_page=True), cohort) != withdrawn
