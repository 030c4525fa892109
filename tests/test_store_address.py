"""The store's address is for the log, never for callers: /healthz and UNAVAILABLE errors."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from ontology.connection import Connection
from service.app import create_app
from tests.conftest import free_port
from tests.http_support import assert_error_shape


def test_healthz_shows_no_store_address(client: TestClient, connection: Connection) -> None:
    ok = client.get("/healthz")
    assert ok.status_code == 200 and connection.uri not in ok.text and "bolt" not in ok.text


def test_unavailable_store_address_stays_in_the_log(caplog: pytest.LogCaptureFixture) -> None:
    port = free_port()
    down = Connection(uri=f"bolt://127.0.0.1:{port}", user="neo4j", password="x", external=True)
    with TestClient(create_app(down)) as client:
        healthz = client.get("/healthz")
        assert healthz.status_code == 503
        assert str(port) not in healthz.text and "bolt" not in healthz.text
        response = client.post("/graphql", json={"query": "{ health { version } }"})
        assert_error_shape(response, 503, "UNAVAILABLE")
        assert str(port) not in response.text and "bolt" not in response.text
    assert any(str(port) in record.getMessage() for record in caplog.records), "the address is in the log"
