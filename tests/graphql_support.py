"""Helpers for GraphQL tests: a real app over the real store, keys per role, a query function."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

from starlette.applications import Starlette
from starlette.datastructures import State
from starlette.testclient import TestClient

from common.settings import ServiceSettings, Settings
from ontology.apikeys import create_key
from ontology.connection import Connection
from ontology.importing import import_bundle
from ontology.schema import apply_schema
from ontology.store import Store
from service.app import create_app
from tests.bundles import cpms_bundle, unspsc_bundle


def app_state(client: TestClient) -> State:
    """The state of the app under test (`TestClient.app` is typed as any ASGI app)."""
    return cast(Starlette, client.app).state


def load_fixture_schemes(store: Store) -> None:
    apply_schema(store)
    import_bundle(store, unspsc_bundle(), actor="test", reason="fixture")
    import_bundle(store, cpms_bundle(), actor="test", reason="fixture")


def keys_by_role(store: Store) -> dict[str, str]:
    return {role: create_key(store, f"test {role}", role)[1] for role in ("reader", "manufacturer", "editor")}


@contextmanager
def running_app(connection: Connection, anonymous_read: bool = True) -> Iterator[TestClient]:
    app = create_app(connection, Settings(service=ServiceSettings(anonymous_read=anonymous_read)))
    with TestClient(app) as client:
        assert app.state.matcher.wait_ready(120), "the matcher was built from the store"
        yield client


def gql(client: TestClient, query: str, key: str | None = None, **variables: Any) -> dict[str, Any]:
    headers = {"authorization": f"Bearer {key}"} if key else {}
    response = client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    body = response.json()
    body["status"] = response.status_code
    return body


def error_codes(body: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors", [])]
