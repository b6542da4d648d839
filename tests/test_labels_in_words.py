"""No raw code reaches a Dutch page: every message kind and status the app writes has words."""

import glob
import re
from pathlib import Path

import pytest

from cohort.follow_ups.rules import AFTER_PROGRAMME_KINDS
from core.labels import MESSAGE_KIND_LABELS, MESSAGE_STATUS_LABELS
from outbox.models import MessageStatus
from reminders import rules
from tests.test_message_log import make_message

# Each mail has a template mail/<kind>_subject.txt; the proposal's template has a shorter name.
TEMPLATE_KINDS = {
    Path(path).name.removesuffix("_subject.txt") for path in glob.glob("templates/mail/*_subject.txt")
}
WRITTEN_KINDS = (
    (TEMPLATE_KINDS - {"proposal"}) | {"placement_proposal"} | set(rules.KINDS) | set(AFTER_PROGRAMME_KINDS)
)


def test_every_kind_and_status_of_a_message_has_a_label():
    assert WRITTEN_KINDS - set(MESSAGE_KIND_LABELS) == set()
    assert set(MESSAGE_STATUS_LABELS) == {status.value for status in MessageStatus}


def _visible_text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S))


@pytest.mark.parametrize("page", ["log", "message"])
def test_the_message_log_in_dutch_names_kinds_and_statuses_in_words(manager_client, page):
    statuses = [status.value for status in MessageStatus]
    messages = [
        make_message(kind=kind, status=statuses[n % len(statuses)])
        for n, kind in enumerate(sorted(WRITTEN_KINDS))
    ]
    urls = ["/outbox", "/outbox?page=2"] if page == "log" else [f"/outbox/{m.id}" for m in messages]
    codes = re.compile(r"\b(" + "|".join(sorted(WRITTEN_KINDS | set(statuses))) + r")\b")
    for url in urls:
        response = manager_client.get(url)
        assert response.status_code == 200
        assert codes.findall(_visible_text(response.get_data(as_text=True))) == [], url


def test_the_systems_own_steps_read_automatically_and_people_by_name(app):
    from flask_babel import force_locale

    from core.labels import actor

    with app.test_request_context(), force_locale("nl"):
        assert [actor(name) for name in ("scheduler", "demo", "", None, "Marloes Jansen")] == [
            "automatisch",
            "automatisch",
            "automatisch",
            "automatisch",
            "Marloes Jansen",
        ]
