"""Test fixtures: one real Neo4j server for the session, a clean database for each test.

With NEO4J_URI set the tests use that server (it must be disposable: every test wipes it).
Otherwise the session starts its own server on a free port with its own store in a temporary
folder; the Neo4j jars are assembled once into the project's cache (`.cpms/dist`).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from common.settings import Settings
from ontology.connection import Connection
from ontology.maintenance import wipe
from ontology.server import process
from ontology.server.settings import ServerSettings
from ontology.store import Store

PROJECT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_settings(home: Path, password: str = "test-password-1") -> ServerSettings:
    """Settings for a throwaway local server in `home`, sharing the project's jar cache."""
    base = ServerSettings.from_settings(Settings(home=PROJECT / ".cpms"))
    return replace(base, home=home, bolt_port=free_port(), password=password, heap="384m", pagecache="128m")


@pytest.fixture(scope="session")
def connection(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Connection]:
    if os.environ.get("NEO4J_URI"):
        yield Connection.from_settings()
        return
    settings = server_settings(tmp_path_factory.mktemp("neo4j-session"))
    process.start(settings)
    try:
        yield Connection.for_local(settings)
    finally:
        process.stop(settings)


@pytest.fixture(scope="session")
def session_store(connection: Connection) -> Iterator[Store]:
    with Store(connection) as store:
        yield store


@pytest.fixture
def store(session_store: Store) -> Store:
    """The session's store, emptied before the test."""
    wipe(session_store)
    return session_store


@pytest.fixture
def client(connection: Connection, store: Store) -> Iterator[TestClient]:
    from service.app import create_app

    with TestClient(create_app(connection)) as test_client:
        yield test_client


@pytest.fixture
def setup(connection: Connection, store: Store) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """The app over the fixture schemes (tests/bundles.py), with an API key for each role."""
    from tests.graphql_support import keys_by_role, load_fixture_schemes, running_app

    load_fixture_schemes(store)
    keys = keys_by_role(store)
    with running_app(connection) as app_client:
        yield app_client, keys
