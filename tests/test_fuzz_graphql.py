"""schemathesis generates GraphQL queries and mutations from the schema itself and sends them
through the real app to the real store: whatever it sends, as whoever, the answer is never a 5xx
and every error has the documented shape (`message`, `extensions.code` from docs/api.md)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from graphql import get_introspection_query, graphql_sync
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from ontology.connection import Connection
from ontology.maintenance import wipe
from ontology.store import Store
from service.graphql.schema import schema as graphql_schema
from tests.bundles import load_fixture_schemes
from tests.graphql_support import keys_by_role, running_app

EXAMPLES = 100  # the bound of this test's time: about 100 requests
CODES = {
    "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "INVALID_INPUT", "VERSION_CONFLICT", "CONFLICT", "UNAVAILABLE",
    "LIMIT_EXCEEDED", "GRAPHQL_VALIDATION_FAILED", "BAD_REQUEST",
    "UNKNOWN_SCHEME", "UNKNOWN_CONCEPT", "UNKNOWN_KIND", "DEPRECATED_CONCEPT", "INVALID_SETTING",
}  # fmt: skip
"""The documented codes, less INTERNAL: a generated request is never the service's fault."""

# a file arrives as a multipart part, never inline: in a JSON request it can only be null or text
schemathesis.graphql.scalar("Upload", st.text(max_size=20).map(schemathesis.graphql.nodes.String))
# JSON in a string: well-formed or not
JSON_TEXTS = st.sampled_from(["{}", '{"code": "x"}', "[1, 2]", "not json", ""])
schemathesis.graphql.scalar("JSONString", JSON_TEXTS.map(schemathesis.graphql.nodes.String))
INTROSPECTION = graphql_sync(graphql_schema.graphql_schema, get_introspection_query()).data or {}
SCHEMA = schemathesis.graphql.from_dict(INTROSPECTION)


@pytest.fixture(scope="module")
def app(connection: Connection, session_store: Store) -> Iterator[tuple[TestClient, dict[str, str]]]:
    wipe(session_store)
    load_fixture_schemes(session_store)
    keys = keys_by_role(session_store)
    with running_app(connection) as client:
        yield client, keys


def check_answer(response: Any) -> None:
    assert response.status_code < 500, response.text
    assert response.headers["content-type"].startswith("application/json"), response.text
    body = response.json()
    assert isinstance(body, dict) and ("data" in body or "errors" in body), body
    for error in body.get("errors", []):
        assert isinstance(error["message"], str) and error["message"], body
        assert error["extensions"]["code"] in CODES, body
    if response.status_code != 200:
        assert body.get("errors"), body


def test_generated_requests_get_documented_answers(app) -> None:
    client, keys = app

    @given(case=SCHEMA.as_strategy(), role=st.sampled_from([None, "reader", "manufacturer", "editor"]))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def send(case, role) -> None:
        body = case.as_transport_kwargs(base_url="http://testserver")["json"]
        headers = {"authorization": f"Bearer {keys[role]}"} if role else {}
        check_answer(client.post("/graphql", json=body, headers=headers))

    send()
