"""The OpenAPI description names every status the API can give, so a client (and schemathesis in
CI) knows them all."""

from __future__ import annotations

import pytest

from assessment.api.openapi import OPENAPI

OPERATIONS = [
    (path, method, operation) for path, item in OPENAPI["paths"].items() for method, operation in item.items()
]


@pytest.mark.parametrize(
    ("path", "method", "operation"), OPERATIONS, ids=[f"{m} {p}" for p, m, _ in OPERATIONS]
)
def test_every_operation_lists_the_statuses_it_can_give(path, method, operation):
    expected = {"200", "400", "401", "429", "500"}  # 429: wrong tokens are throttled per address
    if "{" in path:  # a code or an id that names nothing
        expected.add("404")
    if path == "/rounds/{code}/scores":  # for leads and up only
        expected.add("403")
    assert set(operation["responses"]) == expected


def test_the_500_answer_carries_a_reference_in_the_error_schema():
    properties = OPENAPI["components"]["schemas"]["Error"]["properties"]
    assert properties["reference"]["pattern"] == "^[0-9a-f]{8}$"


def test_a_405_and_its_allow_header_are_described():
    assert "Allow" in OPENAPI["components"]["responses"]["MethodNotAllowed"]["headers"]
    assert "405" in OPENAPI["info"]["description"]
    assert "`Allow`" in OPENAPI["info"]["description"]


def test_an_assessment_id_is_bounded_as_the_database_stores_it():
    [parameter] = [p for p in OPENAPI["paths"]["/assessments/{id}"]["get"]["parameters"] if p["name"] == "id"]
    assert parameter["schema"] == {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
