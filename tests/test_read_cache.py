"""The service caches reads until the store changes: every change, made through the API, by another
Store or by another process, is read by the very next request."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading

from starlette.testclient import TestClient

from ontology.changes import change_token
from ontology.connection import Connection
from ontology.editing import ClassChanges, Edit, update_class
from ontology.model import Labels
from ontology.schema import apply_schema
from ontology.store import Store
from service.change_watch import ChangeWatch
from service.read_cache import MISSING, ReadCache
from tests.bundles import HEX_BOLT, load_fixture_schemes
from tests.conftest import PROJECT
from tests.graphql_support import gql

READ = '{ class(scheme: "CPMS", code: "%s") { label version template { property { code } } } }' % HEX_BOLT
UPDATE = (
    """mutation($version: Int!, $zh: String!) {
  updateClass(scheme: "CPMS", code: "%s", expectedVersion: $version, labels: {zhHans: $zh}, reason: "test") {
    ok class { label version } } }"""
    % HEX_BOLT
)
OTHER_PROCESS_EDIT = """
import sys
from ontology.connection import Connection
from ontology.editing import ClassChanges, Edit, update_class
from ontology.model import Labels
from ontology.store import Store
uri, user, password, code = sys.argv[1:]
renamed = ClassChanges(labels=Labels(**{"zh-Hans": "进程外改名"}))
with Store(Connection(uri=uri, user=user, password=password)) as store:
    update_class(store, "CPMS", code, 2, renamed, Edit("ops", "script"))
"""


def _label(client: TestClient) -> tuple[str, int]:
    cls = gql(client, READ)["data"]["class"]
    return cls["label"], cls["version"]


def test_every_write_sets_a_new_change_token_and_schema_changes_do_not(store: Store) -> None:
    apply_schema(store)
    before = change_token(store)
    apply_schema(store)
    assert change_token(store) == before
    load_fixture_schemes(store)
    assert change_token(store) not in (before, None)


def test_an_edit_through_the_api_is_read_by_the_next_request(setup) -> None:
    client, keys = setup
    assert _label(client) == _label(client) == ("六角头螺栓", 1)  # the second answer came from the cache
    assert gql(client, UPDATE, keys["editor"], version=1, zh="六角螺栓")["data"]["updateClass"]["ok"]
    assert _label(client) == ("六角螺栓", 2)


def test_edits_by_another_store_and_another_process_are_read_by_the_next_request(
    setup, store: Store, connection: Connection
) -> None:
    client, _ = setup
    assert _label(client) == ("六角头螺栓", 1)
    update_class(
        store, "CPMS", HEX_BOLT, 1, ClassChanges(labels=Labels(**{"zh-Hans": "别处改名"})), Edit("ops", "test")
    )
    assert _label(client) == ("别处改名", 2)
    credentials = [connection.uri, connection.user, connection.password or ""]
    subprocess.run([sys.executable, "-c", OTHER_PROCESS_EDIT, *credentials, HEX_BOLT], cwd=PROJECT, check=True)
    assert _label(client) == ("进程外改名", 3)


def test_two_edits_in_one_request_each_answer_with_their_own_result(setup) -> None:
    client, keys = setup
    _label(client)
    twice = """mutation {
      a: updateClass(scheme: "CPMS", code: "%s", expectedVersion: 1, labels: {zhHans: "一"}, reason: "t") {
        class { label version } }
      b: updateClass(scheme: "CPMS", code: "%s", expectedVersion: 2, labels: {zhHans: "二"}, reason: "t") {
        class { label version } } }""" % (HEX_BOLT, HEX_BOLT)
    data = gql(client, twice, keys["editor"])["data"]
    assert data["a"]["class"] == {"label": "一", "version": 2}
    assert data["b"]["class"] == {"label": "二", "version": 3}


def test_waiting_requests_share_token_reads_that_started_after_they_asked() -> None:
    async def scenario() -> None:
        reads: list[int] = []
        release = threading.Event()

        def read_token() -> str:
            reads.append(len(reads))
            release.wait(5)
            return f"token {len(reads)}"

        watch = ChangeWatch(read_token)
        first = asyncio.ensure_future(watch.token())
        await asyncio.sleep(0.05)  # the first read is running now
        later = [asyncio.ensure_future(watch.token()) for _ in range(20)]
        release.set()
        assert await first == "token 1"
        assert {await t for t in later} == {"token 2"}, "those who asked during a read wait for the next one"
        assert len(reads) == 2

    asyncio.run(scenario())


def test_a_failed_token_read_fails_every_waiting_request() -> None:
    def read_token() -> str:
        raise ConnectionError("neo4j is down")

    async def scenario() -> None:
        watch = ChangeWatch(read_token)
        results = await asyncio.gather(*(watch.token() for _ in range(3)), return_exceptions=True)
        assert all(isinstance(r, ConnectionError) for r in results)

    asyncio.run(scenario())


def test_the_cache_forgets_everything_when_the_token_changes_and_refuses_older_answers() -> None:
    tokens = iter(["a", "a", "b"])

    async def scenario() -> None:
        cache = ReadCache(ChangeWatch(lambda: next(tokens)), max_entries=2)
        a = await cache.token()
        cache.put(a, "k", 1)
        assert cache.get(a, "k") == 1
        cache.put(a, "k2", 2)
        cache.put(a, "k3", 3)
        assert cache.get(a, "k") is MISSING, "the least recently used entry went"
        assert await cache.token() == a and cache.get(a, "k3") == 3
        b = await cache.token()
        assert cache.get(b, "k3") is MISSING
        cache.put(a, "k", "read before the change")
        assert cache.get(b, "k") is MISSING and cache.get(a, "k") is MISSING

    asyncio.run(scenario())
