"""Helpers for the workbench tests: the app over the fixture schemes with keys per role, signing
in over HTTP, and the CSRF token of a page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from starlette.testclient import TestClient

from common.settings import JobsSettings, ServiceSettings, Settings
from ontology.apikeys import create_key
from ontology.connection import Connection
from ontology.store import Store
from service.app import create_app
from tests.bundles import load_fixture_schemes

ROLES = ("reader", "manufacturer", "integrator", "editor", "admin")


def workbench_keys(store: Store) -> dict[str, str]:
    load_fixture_schemes(store)
    return {role: create_key(store, f"test {role}", role)[1] for role in ROLES}


def workbench_app(connection: Connection, root: Path, anonymous_read: bool = True):
    service = ServiceSettings(anonymous_read=anonymous_read, session_secret="test-session-secret")
    return create_app(connection, Settings(home=root, service=service, jobs=JobsSettings(job_workers=0)))


@contextmanager
def workbench(connection: Connection, root: Path, anonymous_read: bool = True) -> Iterator[TestClient]:
    app = workbench_app(connection, root, anonymous_read)
    with TestClient(app) as client:
        assert app.state.matcher.wait_ready(120), "the matcher was built from the store"
        yield client


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has a form with a CSRF token"
    return found.group(1)


def sign_in(client: TestClient, key: str) -> None:
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"key": key, "csrf": token, "next": "/"}, follow_redirects=False)
    assert response.status_code == 303, response.text
