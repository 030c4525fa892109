"""Every answer of the HTTP front door is JSON in the documented error shape: deep JSON, unknown
routes and methods."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.http_support import assert_error_shape


def test_deeply_nested_json_is_a_named_error(client: TestClient) -> None:
    depth = 100_000
    body = b'{"query": "{ health { version } }", "variables": {"a": ' + b"[" * depth + b"]" * depth + b"}}"
    response = client.post("/graphql", content=body, headers={"content-type": "application/json"})
    error = assert_error_shape(response, 400, "LIMIT_EXCEEDED")
    assert "nest" in error["message"]


def test_deeply_nested_query_is_a_named_error(client: TestClient) -> None:
    query = "{" + "health {" * 3000 + "version" + "}" * 3001
    response = client.post("/graphql", json={"query": query})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] in ("LIMIT_EXCEEDED", "GRAPHQL_VALIDATION_FAILED")


def test_unknown_route_and_method_are_json(client: TestClient) -> None:
    assert_error_shape(client.get("/nope"), 404, "NOT_FOUND")
    assert_error_shape(client.delete("/graphql"), 405, "BAD_REQUEST")
