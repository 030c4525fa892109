"""The project's own Neo4j server: start, detect, stop, and the errors users meet."""

from __future__ import annotations

import socket
from dataclasses import replace
from pathlib import Path

import pytest
from neo4j import GraphDatabase
from starlette.testclient import TestClient

from common.errors import ServerSetupError
from common.settings import ServiceSettings, Settings
from ontology.connection import Connection
from ontology.server import process
from ontology.server.assemble import assemble
from ontology.server.settings import ServerSettings, resolve_password
from service.app import create_app
from tests.conftest import server_settings

HEALTH = {"query": "{ health { version neo4jVersion neo4jEdition } }"}


def test_start_status_stop_and_503_while_down(tmp_path: Path) -> None:
    """A second server: started, found again, stopped; the service answers 503 while it is down
    and recovers by itself when it is back."""
    settings = server_settings(tmp_path / "neo4j")
    started = process.start(settings)
    try:
        assert started.running and started.pid
        assert process.status(settings).pid == started.pid
        assert process.start(settings).pid == started.pid, "a running server is reused, not started twice"
        # a fresh server's first answer can take over the default 1.5 s on a busy machine: the
        # health deadline is tested in test_availability, here it only must not get in the way
        patient = Settings(service=ServiceSettings(health_seconds=15))
        with TestClient(create_app(Connection.for_local(settings), patient)) as client:
            ok = client.post("/graphql", json=HEALTH)
            assert ok.status_code == 200, ok.text
            assert ok.json()["data"]["health"]["neo4jEdition"] == "community"

            stopped = process.stop(settings)
            assert not stopped.running and "stopped" in stopped.message
            assert not process.status(settings).running
            down = client.post("/graphql", json=HEALTH)
            assert down.status_code == 503
            error = down.json()["errors"][0]
            assert error["extensions"]["code"] == "UNAVAILABLE"
            assert "unavailable" in error["message"]
            assert client.get("/healthz").status_code == 503

            process.start(settings)
            back = client.post("/graphql", json=HEALTH)
            assert back.status_code == 200, back.text
            assert back.json()["data"]["health"]["neo4jVersion"] == settings.version
            assert client.get("/healthz").json()["status"] == "ok"
    finally:
        process.stop(settings)


def test_generated_password_is_private_and_kept(tmp_path: Path) -> None:
    settings = replace(server_settings(tmp_path), password=None)
    first = resolve_password(settings)
    assert first and len(first) >= 24
    assert settings.password_file.stat().st_mode & 0o777 == 0o600
    assert resolve_password(settings) == first


def test_port_taken_is_a_clear_error(tmp_path: Path) -> None:
    settings = server_settings(tmp_path / "neo4j")
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", settings.bolt_port))
        squatter.listen()
        with pytest.raises(ServerSetupError, match=f"Port {settings.bolt_port} .* already taken"):
            process.start(settings)
    assert not process.status(settings).running


def test_jvm_that_dies_at_start_shows_the_log(tmp_path: Path) -> None:
    settings = replace(server_settings(tmp_path / "neo4j"), heap="not-a-size")
    with pytest.raises(ServerSetupError, match="exited with code") as info:
        process.start(settings)
    assert "console.log" in info.value.message
    assert not settings.pid_file.exists()


def test_missing_java_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "no-jdk"))
    with pytest.raises(ServerSetupError, match="Java is not installed"):
        process.start(server_settings(tmp_path / "neo4j"))


def test_missing_maven_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ServerSetupError, match="Maven \\(mvn\\) is not installed"):
        assemble(tmp_path / "empty-cache", "5.26.31")


def test_failed_download_names_the_version_and_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(ServerSetupError, match="Downloading Neo4j 5.26.0-no-such-version .* failed"):
        assemble(tmp_path, "5.26.0-no-such-version")
    assert list(tmp_path.iterdir()) == []


def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CPMS_NEO4J_HOME", raising=False)
    for name, value in {"CPMS_HOME": "/srv/cpms", "CPMS_NEO4J_BOLT_PORT": "17687", "NEO4J_PASSWORD": "given"}.items():
        monkeypatch.setenv(name, value)
    settings = ServerSettings.from_settings()
    assert settings.home == Path("/srv/cpms/neo4j")
    assert settings.uri == "bolt://127.0.0.1:17687"
    assert resolve_password(settings) == "given"


def test_external_uri_is_used_as_given(connection: Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"NEO4J_URI": connection.uri, "NEO4J_USER": connection.user, "NEO4J_PASSWORD": connection.password or ""}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    external = Connection.from_settings()
    assert external.external and external.uri == connection.uri
    with GraphDatabase.driver(external.uri, auth=(external.user, external.password or "")) as driver:
        driver.verify_connectivity()
