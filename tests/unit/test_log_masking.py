"""Secrets in URLs are masked in access logs (core/log_masking.py)."""

import logging

import pytest

from core.log_masking import MaskSecretsFilter, mask_secrets

# A fixed token: parameters must be the same in every xdist worker, or collection differs.
TOKEN = "kC7GNCrwO73YSrEOpUyHojtJ-KmjxKe1d12C4KvDAyw"


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        (f"/feeds/{TOKEN}.ics", f"/feeds/{TOKEN[:4]}….ics"),
        (f"GET /password/set/{TOKEN} HTTP/1.1", f"GET /password/set/{TOKEN[:4]}… HTTP/1.1"),
        ("/stage/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3In0.SflKxwRJSMeKKF2QT4fw", "/stage/eyJh…"),
        (f"page=2&token={TOKEN}", f"page=2&token={TOKEN[:4]}…"),
        (f"http://cohort.example/afmelden/{TOKEN}", f"http://cohort.example/afmelden/{TOKEN[:4]}…"),
    ],
)
def test_tokens_in_paths_queries_and_referrers_are_masked(line, masked):
    assert mask_secrets(line) == masked


@pytest.mark.parametrize(
    "line",
    ["/cohorts/12/sessions/2027-03-01", "/stageplek-aanbieden/bedankt", "/static/vendor/pico.min.css", "/"],
)
def test_ordinary_paths_are_left_alone(line):
    assert mask_secrets(line) == line


def test_the_development_server_log_is_masked():
    record = logging.LogRecord(
        "werkzeug", logging.INFO, "", 0, '"%s" %s %s', (f"GET /feeds/{TOKEN}.ics", 200, 5), None
    )
    MaskSecretsFilter().filter(record)
    assert TOKEN not in record.getMessage() and f"{TOKEN[:4]}…" in record.getMessage()
