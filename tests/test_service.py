"""The HTTP service: GraphQL, GraphiQL, /healthz, error shape, and `cpms up` over real HTTP."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx2 as httpx
from starlette.testclient import TestClient

from common.settings import Settings
from ontology.connection import Connection
from ontology.server.settings import ServerSettings
from service.version import __version__
from tests.conftest import PROJECT, free_port


def test_health_reports_service_and_server_versions(client: TestClient, session_store) -> None:
    response = client.post("/graphql", json={"query": "{ health { version neo4jVersion neo4jEdition } }"})
    assert response.status_code == 200
    health = response.json()["data"]["health"]
    assert health["version"] == __version__
    assert health["neo4jVersion"] == session_store.server_info()["version"]
    assert health["neo4jEdition"] in ("community", "enterprise")


def test_graphiql_for_browsers(client: TestClient) -> None:
    page = client.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert "graphiql" in page.text.lower()


def test_get_query_and_healthz(client: TestClient) -> None:
    assert client.get("/graphql", params={"query": "{ health { version } }"}).json()["data"]["health"]
    assert client.get("/healthz").json()["status"] == "ok"


def test_bad_requests_get_clear_errors(client: TestClient) -> None:
    not_json = client.post("/graphql", content=b"{nope", headers={"content-type": "application/json"})
    assert not_json.status_code == 400
    assert "not valid JSON" in not_json.json()["errors"][0]["message"]
    no_query = client.post("/graphql", json={"variables": {}})
    assert no_query.status_code == 400
    bad_field = client.post("/graphql", json={"query": "{ nosuchfield }"})
    assert bad_field.status_code == 400
    error = bad_field.json()["errors"][0]
    assert "nosuchfield" in error["message"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def _wait_for(url: str, deadline: float) -> httpx.Response:
    while True:
        try:
            return httpx.get(url, timeout=2)
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def _run_up(env: dict[str, str], port: int, *options: str) -> tuple[httpx.Response, httpx.Response, str]:
    """Run `cpms up` until it serves, query it over HTTP, then SIGTERM it and check it exits 0."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "service.cli.main", "up", *options],
        env={**env, "CPMS_PORT": str(port)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        healthz = _wait_for(f"http://127.0.0.1:{port}/healthz", time.monotonic() + 150)
        answer = httpx.post(f"http://127.0.0.1:{port}/graphql", json={"query": "{ health { neo4jVersion } }"})
    finally:
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=90)
    assert proc.returncode == 0, output
    return healthz, answer, output


def test_cpms_up_with_external_neo4j_serves_real_http(connection: Connection, tmp_path: Path) -> None:
    """With NEO4J_URI set, `cpms up` starts no Neo4j of its own and serves the API over HTTP."""
    env = {
        **os.environ,
        "NEO4J_URI": connection.uri,
        "NEO4J_USER": connection.user,
        "NEO4J_PASSWORD": connection.password or "",
        "CPMS_HOME": str(tmp_path / "state"),
    }
    healthz, answer, _ = _run_up(env, free_port(), "--no-seed")
    assert healthz.status_code == 200
    assert healthz.json()["neo4j_uri"] == connection.uri
    assert answer.json()["data"]["health"]["neo4jVersion"].startswith("5.")
    assert not (tmp_path / "state" / "neo4j").exists(), "no local Neo4j was set up"


def test_cpms_up_starts_and_stops_its_own_neo4j(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("NEO4J_")}
    bolt_port = free_port()
    env |= {
        "CPMS_HOME": str(tmp_path / "state"),
        "CPMS_NEO4J_CACHE": str(PROJECT / ".cpms" / "dist"),
        "CPMS_NEO4J_BOLT_PORT": str(bolt_port),
    }
    healthz, answer, output = _run_up(env, free_port())
    assert healthz.json()["neo4j_uri"] == f"bolt://127.0.0.1:{bolt_port}"
    assert answer.json()["data"]["health"]["neo4jVersion"].startswith("5.")
    assert "Neo4j started" in output and "stopped" in output
    assert "CPMS 1.0:" in output, "the seed data was loaded"
    assert not ServerSettings.from_settings(Settings(home=tmp_path / "state")).pid_file.exists()
