"""schemathesis against /api/v1/openapi.json: for a manager, a trainee and a trainer, generated requests
to every operation never get a 5xx, and every answer matches the document (status code listed,
JSON content type, body valid against its schema).

The app is the route matrix's world (two cohorts, trainees, municipalities, offers, placements),
so reads find records and writes meet real rules. Bounded: a few examples per operation,
derandomized (the same cases on every run), no example database, no deadline.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests import test_route_matrix as matrix

world = matrix.world  # the route matrix's world, built once for this module

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
BOUNDED = settings(
    max_examples=5,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


# Fuzzing with a few examples per operation (positive and negative data, NUL characters too);
# the coverage phase (every boundary of every field) takes minutes, so it stays off.
CONFIG = {
    "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
    "generation": {"mode": "all", "max-examples": 5, "deterministic": True, "allow-x00": True},
}


@pytest.fixture(scope="module")
def api_schema(world):
    config = schemathesis.Config.from_dict(CONFIG)
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", world.app, config=config)


schema = schemathesis.pytest.from_fixture("api_schema")


def call_as(world, principal: str, case) -> None:
    headers = {"Authorization": f"Bearer {world.api_tokens[principal]}"}
    case.call_and_validate(headers=headers, checks=CHECKS)


@schema.parametrize()
@BOUNDED
def test_the_api_answers_a_manager_as_documented(world, case):
    call_as(world, "manager", case)


@schema.parametrize()
@BOUNDED
def test_the_api_answers_a_trainee_as_documented(world, case):
    call_as(world, "trainee_a", case)


@schema.parametrize()
@BOUNDED
def test_the_api_answers_a_trainer_as_documented(world, case):
    """A trainer's trainee answers are the document's smaller trainee object (name and status)."""
    call_as(world, "trainer", case)
