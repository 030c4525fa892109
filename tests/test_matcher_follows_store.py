"""Each server process's matcher follows the store: ontology edits made elsewhere are rebuilt in,
examples confirmed elsewhere are added one by one, and nothing is learnt twice."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from starlette.testclient import TestClient

from common.settings import ServiceSettings, Settings
from matchers import Matcher, Snapshot
from ontology.apikeys import create_key
from ontology.changes import change_marks
from ontology.connection import Connection
from ontology.editing import ClassChanges, Edit, update_class
from ontology.examples import add_example, stored_examples
from ontology.exporting import export_bundle, list_schemes
from ontology.model import Synonym
from ontology.store import Store
from service.app import create_app
from tests.bundles import HEX_BOLT, SOCKET_SCREW, load_fixture_schemes
from tests.graphql_support import app_state, gql, keys_by_role

POLL = 0.2
CONFIRM = """mutation($record: RecordInput!, $code: String!) {
  confirmMatch(record: $record, scheme: "CPMS", code: $code) { ok } }"""


@pytest.fixture
def worker(connection: Connection, store: Store) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """One server process of several: the others write to the store directly, as they would."""
    load_fixture_schemes(store)
    keys = keys_by_role(store)
    app = create_app(connection, Settings(service=ServiceSettings(matcher_poll_seconds=POLL)))
    with TestClient(app) as client:
        assert app.state.matcher.wait_ready(120)
        yield client, keys


def matcher_of(client: TestClient) -> Matcher:
    return app_state(client).matcher.get()


def fresh_matcher(store: Store) -> Matcher:
    bundles = [export_bundle(store, s["code"]) for s in list_schemes(store)]
    return Matcher(Snapshot.from_bundles(bundles, stored_examples(store).texts))


def eventually(check: Callable[[], bool], seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(POLL / 2)
    return check()


def best(matcher: Matcher, text: str) -> tuple[str | None, float]:
    candidates = matcher.match(text, "CPMS").candidates
    return (candidates[0].code, candidates[0].score) if candidates else (None, 0.0)


def test_an_example_confirmed_elsewhere_is_added_without_a_rebuild(worker, store: Store) -> None:
    client, _ = worker
    snapshot = matcher_of(client).snapshot
    text = "杯头 SHCS 黑色 特别款"
    add_example(store, "CPMS", SOCKET_SCREW, text, "another worker", "confirm")
    assert eventually(lambda: matcher_of(client).match(text, "CPMS").candidates[0].features["example"] == 1.0)
    assert matcher_of(client).snapshot is snapshot  # added, not rebuilt
    assert best(matcher_of(client), text) == best(fresh_matcher(store), text)  # and learnt once


def test_an_example_confirmed_here_is_not_learnt_again_from_the_store(worker, store: Store) -> None:
    client, keys = worker
    text = "杯头 SHCS 发黑 另一款"
    record = {"text": text}
    # an editor's confirmation: accepted at once, so it teaches this process's matcher
    assert gql(client, CONFIRM, keys["editor"], record=record, code=SOCKET_SCREW)["data"]["confirmMatch"]["ok"]
    marks = change_marks(store)
    assert eventually(lambda: app_state(client).matcher._marks == marks)
    assert best(matcher_of(client), text) == best(fresh_matcher(store), text)


def test_an_ontology_edit_made_elsewhere_is_rebuilt_in(worker, store: Store) -> None:
    client, _ = worker
    snapshot = matcher_of(client).snapshot
    create_key(store, "not an ontology change", "reader")
    time.sleep(POLL * 5)
    assert matcher_of(client).snapshot is snapshot
    assert best(matcher_of(client), "紫微星杆")[0] != HEX_BOLT
    changes = ClassChanges(synonyms=[Synonym(text="紫微星杆")])
    update_class(store, "CPMS", HEX_BOLT, 1, changes, Edit("editor", "a trade name"))
    assert eventually(lambda: best(matcher_of(client), "紫微星杆")[0] == HEX_BOLT)
    assert matcher_of(client).snapshot is not snapshot
