"""Mail that bounced: a real SMTP server refuses an address for good, the overview says so where
the manager acts, and correcting the address (or "try again") sends it to the address the record
has now."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from accounts.models import Role, User
from core.clock import utcnow
from extensions import db
from outbox.dispatch import dispatch_due
from outbox.models import OutboxMessage
from outbox.queue import insert_messages
from outbox.retry import ADDRESS_SOURCES, ADDRESSED_ELSEWHERE, addressed_by_placement, send_bounced_again
from placements.models import Placement, PlacementStatus
from reports import attention
from reports.attention import AttentionData, BouncedMail, attention_items
from tests.conftest import REFUSED, post_form
from tests.factories import make_supervisor, make_trainee, make_user
from tests.test_input_rules import BAD_ADDRESSES
from tests.test_stats import make_offer, place, planned_cohort

GOOD = "goed@mail.example"


def _supervised_placement(email: str = REFUSED):
    cohort = planned_cohort(weeks_ago=8, name="Groep Oost")
    placement = place(make_trainee(cohort, name="Hawa Ali"), make_offer(cohort), PlacementStatus.ACTIVE)
    placement.supervisor_record = make_supervisor(placement.offer.municipality_id, "Sanne de Vries", email)
    db.session.flush()
    return placement


def _to_supervisor(placement, key: str | None = None, **fields) -> None:
    insert_messages(
        [
            {
                "kind": "evaluation_due",
                "key": key or f"evaluation_due:{placement.id}:midterm",
                "recipient": placement.supervisor_email,
                "placement_id": placement.id,
                "subject": "Vul de evaluatie in",
                "body_text": "Beste Sanne,",
                **fields,
            }
        ]
    )
    db.session.commit()


def _message(recipient: str | None = None) -> OutboxMessage:
    db.session.expire_all()
    query = sa.select(OutboxMessage)
    if recipient:
        query = query.where(OutboxMessage.recipient == recipient)
    return db.session.scalars(query).one()


def test_a_refused_supervisor_shows_on_the_overview_and_correcting_the_address_sends_it(
    manager_client, picky_smtp
):
    placement = _supervised_placement()
    _to_supervisor(placement)

    assert dispatch_due()["failed"] == 1
    bounced = _message()
    assert (bounced.status, bounced.bounced, bounced.attempts) == ("failed", True, 1)

    page = manager_client.get("/dashboard").get_data(as_text=True)
    assert f"Sanne de Vries ({REFUSED})" in page and "550 5.1.1 Mailbox unavailable" in page
    correct = f"/placements/{placement.id}/supervisor"
    assert f'href="{correct}"' in page
    assert f'action="/outbox/bounces/placement/{placement.id}/retry"' in page

    response = post_form(
        manager_client, correct, {"supervisor_name": "Sanne de Vries", "supervisor_email": GOOD}
    )
    assert response.status_code == 302
    assert picky_smtp.recipients() == [GOOD]  # sent at once, to the corrected address
    sent = _message()
    assert (sent.status, sent.recipient, sent.bounced) == ("sent", GOOD, False)
    assert REFUSED not in manager_client.get("/dashboard").get_data(as_text=True)


def test_try_again_reads_the_contacts_address_as_it_is_now(manager_client, picky_smtp):
    contact = make_user(Role.MUNICIPALITY, email=REFUSED, name="Joost Visser")
    insert_messages(
        [
            {
                "kind": "invitation",
                "key": f"invitation:{contact.id}",
                "recipient": REFUSED,
                "recipient_user_id": contact.id,
                "subject": "Uw account",
                "body_text": "Beste Joost,",
            }
        ]
    )
    db.session.commit()
    dispatch_due()
    retry = f"/outbox/bounces/user/{contact.id}/retry"
    page = manager_client.get("/dashboard").get_data(as_text=True)
    assert f"Joost Visser ({REFUSED})" in page and f'href="/users/{contact.id}/edit"' in page

    # The same address again: refused again, still on the overview.
    assert post_form(manager_client, retry, {}, page="/dashboard").status_code == 302
    again = _message()
    assert (again.status, again.bounced, again.attempts) == ("failed", True, 1)
    assert picky_smtp.recipients() == []

    db.session.get(User, contact.id).email = GOOD  # corrected elsewhere
    db.session.commit()
    assert post_form(manager_client, retry, {}, page="/dashboard").status_code == 302
    assert picky_smtp.recipients() == [GOOD]
    assert (_message().status, _message().recipient) == ("sent", GOOD)


def test_correcting_a_contacts_address_moves_waiting_mail_and_sends_bounced_mail_again(
    manager_client, picky_smtp
):
    contact = make_user(Role.MUNICIPALITY, email=REFUSED, name="Joost Visser")
    rows = [
        {
            "kind": kind,
            "key": f"{kind}:{contact.id}:{REFUSED}",
            "recipient": REFUSED,
            "recipient_user_id": contact.id,
            "subject": kind,
            "body_text": "Beste Joost,",
        }
        for kind in ("invitation", "placement_chase")
    ]
    insert_messages(rows[:1])
    db.session.commit()
    dispatch_due()
    insert_messages([rows[1] | {"due_at": utcnow() + timedelta(days=1)}])  # waits for tomorrow
    db.session.commit()

    edit = f"/users/{contact.id}/edit"
    refused = post_form(manager_client, edit, {"name": "Joost Visser", "email": "joost@mail.example\nBcc: x"})
    assert refused.status_code == 200 and "flash-success" not in refused.get_data(as_text=True)
    assert db.session.get(User, contact.id).email == REFUSED  # nothing saved

    response = post_form(manager_client, edit, {"name": "Joost Visser", "email": GOOD}, follow_redirects=True)
    assert "opnieuw" in response.get_data(as_text=True)  # "... sturen we opnieuw ..."
    db.session.expire_all()
    messages = {m.kind: m for m in db.session.scalars(sa.select(OutboxMessage))}
    assert {m.recipient for m in messages.values()} == {GOOD}
    # The keys named the old address; they name the new one, so a rescan does not write twins.
    assert {m.key for m in messages.values()} == {f"{k}:{contact.id}:{GOOD}" for k in messages}
    assert messages["invitation"].status == "sent"
    assert GOOD in picky_smtp.recipients()


def test_a_message_the_scheduler_already_wrote_to_the_corrected_address_is_not_sent_twice(app):
    placement = _supervised_placement("oud@mail.example")
    _to_supervisor(placement, key="return_day_notice:oud@mail.example:2027-03-05", kind="return_day_notice")
    insert_messages(
        [
            {
                "kind": "return_day_notice",
                "key": f"return_day_notice:{GOOD}:2027-03-05",
                "recipient": GOOD,
                "placement_id": placement.id,
                "subject": "Terugkomdag",
                "body_text": "Beste Sanne,",
                "status": "failed",
            }
        ]
    )
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.recipient == "oud@mail.example")
        .values(status="failed", bounced=True, last_error="550 no such user")
    )
    db.session.commit()

    placement.supervisor_record.email = GOOD
    assert send_bounced_again(addressed_by_placement(placement.id)) == 1
    db.session.commit()
    moved = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.key.like("return_day_notice:oud%"))
    ).one()
    assert (moved.status, moved.last_error) == ("skipped", ADDRESSED_ELSEWHERE)


def test_one_item_per_address_with_its_newest_answer():
    bounces = (
        BouncedMail(attention.SUPERVISOR, 7, "Sanne", "a@x.example", "550 old", "Hawa", date(2026, 3, 1)),
        BouncedMail(attention.SUPERVISOR, 7, "Sanne", "A@x.example", "550 new", "Hawa", date(2026, 3, 4)),
        BouncedMail(
            attention.CONTACT, 3, "Joost", "j@x.example", "550 5.1.2", "Amersfoort", date(2026, 3, 2)
        ),
    )
    items = attention_items(AttentionData(today=date(2026, 3, 5), threshold=0.8, cohorts={}, bounces=bounces))
    assert [(i.kind, i.params["error"], i.endpoint, i.args) for i in items] == [
        ("bounced_mail", "550 5.1.2", "accounts.edit_user", {"user_id": 3}),
        ("bounced_mail", "550 new", "placements.supervisor", {"placement_id": 7}),
    ]


def test_the_overview_and_try_again_name_the_same_sources():
    assert set(attention.CORRECT_ADDRESS) == set(ADDRESS_SOURCES)


def test_try_again_with_nothing_bounced_says_so_and_changes_nothing(manager_client):
    placement = _supervised_placement()
    _to_supervisor(placement)  # waiting, not bounced
    retry = f"/outbox/bounces/placement/{placement.id}/retry"
    response = post_form(manager_client, retry, {}, page="/dashboard", follow_redirects=True)
    assert "Hier is geen e-mail die niet aankwam." in response.get_data(as_text=True)
    assert _message().status == "pending"
    assert (
        post_form(manager_client, "/outbox/bounces/nobody/1/retry", {}, page="/dashboard").status_code == 404
    )


@pytest.mark.parametrize("address", BAD_ADDRESSES)
def test_the_supervisor_page_refuses_a_bad_address_and_saves_nothing(manager_client, address):
    placement = _supervised_placement("oud@mail.example")
    db.session.commit()
    page = f"/placements/{placement.id}/supervisor"
    response = post_form(manager_client, page, {"supervisor_name": "Sanne", "supervisor_email": address})
    assert response.status_code == 200 and 'aria-invalid="true"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Placement, placement.id).supervisor_email == "oud@mail.example"
