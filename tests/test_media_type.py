"""POST /graphql takes JSON or a multipart upload, nothing a browser may send cross-site unasked."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.http_support import assert_error_shape


@pytest.mark.parametrize(
    "content_type", ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", None]
)
def test_post_needs_json_or_multipart(client: TestClient, content_type: str | None) -> None:
    """A browser may send text/plain or a form cross-site without asking first: not GraphQL."""
    headers = {"content-type": content_type} if content_type else {}
    response = client.post("/graphql", content=b'{"query": "{ health { version } }"}', headers=headers)
    error = assert_error_shape(response, 415, "BAD_REQUEST")
    assert "application/json" in error["message"]


def test_json_with_charset_is_accepted(client: TestClient) -> None:
    response = client.post(
        "/graphql",
        content=b'{"query": "{ health { version } }"}',
        headers={"content-type": "application/json; charset=utf-8"},
    )
    assert response.status_code == 200 and response.json()["data"]["health"]["version"]
