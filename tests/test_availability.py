"""One request must never hold the others (issue 14, availability): limits at the API edge
(record fields, documents), matching off the event loop under the request's deadline, and SIGTERM that stops the service
within seconds whatever it is doing. Real HTTP, the real app, the real Neo4j."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import httpx2 as httpx
import pytest
from graphql import parse
from graphql.language.parser import Parser

from common.errors import LimitExceeded
from common.settings import GraphQLLimits, Settings
from matchers.deadline import Stopped, check
from ontology.apikeys import create_key
from ontology.connection import Connection
from ontology.maintenance import wipe
from ontology.store import Store
from service.app import create_app
from service.cpu_pool import MOST_HANDICAP, CpuPool, Share, turns
from service.graphql.documents import check_tokens
from service.graphql.limits import query_cost
from service.graphql.matching import record_chars
from service.jobs.runner import JobsConfig
from service.reconcile.protocol import Query, query_chars
from tests.bundles import load_fixture_schemes
from tests.conftest import free_port
from tests.graphql_support import keys_by_role
from tests.live_server import serving
from tests.tcp_proxy import TcpProxy

LIMITS = GraphQLLimits()
MAX_FIELD_CHARS = LIMITS.max_field_chars

MATCH = "query($record: RecordInput!) { match(record: $record) { decision top { code } } }"
BATCH = "query($records: [RecordInput!]!) { matchBatch(records: $records) { decision } }"
CONFIRM = """mutation($record: RecordInput!) { confirmMatch(record: $record, scheme: "CPMS", code: "21010100")
  { ok userErrors { field code message } } }"""


@pytest.fixture(scope="module")
def loaded(session_store: Store) -> Store:
    wipe(session_store)
    load_fixture_schemes(session_store)
    return session_store


@pytest.fixture(scope="module")
def keys(loaded: Store) -> dict[str, str]:
    return keys_by_role(loaded)


@pytest.fixture(scope="module")
def base(connection: Connection, loaded: Store) -> Iterator[str]:
    with serving(create_app(connection, Settings())) as url:
        yield url


def post(base: str, query: str, key: str | None = None, timeout: float = 60, **variables: Any) -> dict[str, Any]:
    headers = {"authorization": f"Bearer {key}"} if key else {}
    response = httpx.post(
        f"{base}/graphql", json={"query": query, "variables": variables}, headers=headers, timeout=timeout
    )
    return {"status": response.status_code, **response.json()}


def long_record(i: int, chars: int = MAX_FIELD_CHARS - 10) -> dict[str, str]:
    """A record at the field limit, different in each `i` (no cache answers it)."""
    words = f"螺栓{i} luosi M8x{i % 90 + 10} 镀锌 304 六角 bolt {i} "
    return {"text": (words * (chars // len(words) + 1))[:chars]}


# --- item 1: every record field is bounded at the edge, with the field and the limit named ---


def test_a_record_field_over_the_limit_is_refused_naming_it(base: str, keys: dict[str, str]) -> None:
    body = post(base, MATCH, record={"text": "螺栓 luosi " * 6000})  # 60k characters
    assert body["errors"][0]["extensions"] == {
        "code": "LIMIT_EXCEEDED",
        "field": "record.text",
        "limit": MAX_FIELD_CHARS,
    }
    assert "record.text" in body["errors"][0]["message"]

    records = [{"text": "螺栓"}, {"name": "螺栓"}, {"name": "螺栓", "columns": [{"name": "备注", "value": "x" * 5000}]}]
    body = post(base, BATCH, keys["manufacturer"], records=records)
    assert body["errors"][0]["extensions"]["field"] == "records[2].columns[0].value"

    body = post(base, CONFIRM, keys["manufacturer"], record={"name": "六角螺栓" * 1000})
    assert body["data"]["confirmMatch"]["userErrors"][0]["field"] == "record.name"
    assert body["data"]["confirmMatch"]["userErrors"][0]["code"] == "LIMIT_EXCEEDED"

    at_limit = post(base, MATCH, record=long_record(1, MAX_FIELD_CHARS))
    assert "errors" not in at_limit and at_limit["data"]["match"]["decision"]


# --- item 1: matching is off the event loop, and the request's deadline stops it ---


def test_a_batch_over_the_time_limit_is_stopped_while_others_are_answered(
    connection: Connection, loaded: Store, keys: dict[str, str]
) -> None:
    app = create_app(connection, Settings(graphql=GraphQLLimits(timeout_seconds=3.0)))
    with serving(app) as url:
        answer: dict[str, Any] = {}
        batch = threading.Thread(
            target=lambda: answer.update(
                post(url, BATCH, keys["manufacturer"], records=[long_record(i) for i in range(500)])
            )
        )
        batch.start()
        while app.state.cpu.running == 0 and batch.is_alive():  # the batch is being matched
            time.sleep(0.01)
        answered_meanwhile = 0
        while batch.is_alive():
            probe = post(url, MATCH, record={"text": "六角螺栓 M8x30"})
            answered_meanwhile += batch.is_alive() and probe["data"]["match"]["decision"] is not None
        batch.join()
        assert answered_meanwhile >= 1, f"single matches were answered while the batch ran: {answer}"[:600]
        assert answer["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"
        assert "was stopped" in answer["errors"][0]["message"]
        # the turn in flight ends at its next check, or by itself when it had none left (a turn
        # is one long record here); no further turn starts
        waited = time.monotonic() + 5
        while app.state.cpu.running and time.monotonic() < waited:
            time.sleep(0.01)
        assert app.state.cpu.running == 0, "the batch's work ended with its request"


def test_the_cpu_pool_serves_the_least_served_request_first_and_starves_none() -> None:
    """A single match queued just after the next turn of a batch that has had half a second runs
    before it; a turn queued over MOST_HANDICAP seconds before a newcomer runs first, however much
    its request has had; stopping ends what is queued with Stopped."""
    pool = CpuPool(1)
    gate, order = threading.Event(), list[str]()

    async def scenario() -> None:
        busy = asyncio.ensure_future(pool.run(gate.wait))
        await asyncio.sleep(0.05)  # the one thread is taken
        batch, heavy = Share(spent=0.5), Share(spent=100.0)
        turn = asyncio.ensure_future(pool.run(order.append, "batch turn", share=batch))
        await asyncio.sleep(0.01)
        single = asyncio.ensure_future(pool.run(order.append, "single match"))
        old = asyncio.ensure_future(pool.run(order.append, "old heavy turn", share=heavy))
        await asyncio.sleep(MOST_HANDICAP + 0.1)
        late = asyncio.ensure_future(pool.run(order.append, "newcomer"))
        await asyncio.sleep(0.01)
        gate.set()
        await asyncio.gather(busy, turn, single, old, late)
        assert batch.spent > 0.5, "a task's time is added to its request's share"

        gate.clear()
        busy = asyncio.ensure_future(pool.run(gate.wait))
        await asyncio.sleep(0.05)
        queued = asyncio.ensure_future(pool.run(order.append, "never"))
        await asyncio.sleep(0.01)
        pool.stop()
        gate.set()
        with pytest.raises(Stopped):
            await queued
        await busy

    try:
        asyncio.run(scenario())
    finally:
        pool.stop()
    assert order == ["single match", "batch turn", "old heavy turn", "newcomer"]


def test_later_turns_leave_a_thread_to_new_requests() -> None:
    """Two long requests' later turns hold one of two threads, not both: a new request's first
    turn runs at once on the other."""
    pool = CpuPool(2)
    gate, order = threading.Event(), list[str]()

    def held(name: str) -> None:
        gate.wait()
        order.append(name)

    async def scenario() -> None:
        first = asyncio.ensure_future(pool.run(held, "batch A", share=Share(spent=0.2)))
        second = asyncio.ensure_future(pool.run(held, "batch B", share=Share(spent=0.2)))
        await asyncio.sleep(0.05)
        await asyncio.wait_for(pool.run(order.append, "single match"), 5)
        gate.set()
        await asyncio.gather(first, second)

    try:
        asyncio.run(scenario())
    finally:
        pool.stop()
    assert order == ["single match", "batch A", "batch B"]


def test_work_in_the_cpu_pool_stops_itself_at_its_deadline() -> None:
    """A task that never ends on its own stops at its first check after the deadline."""
    pool = CpuPool(1)
    spins = [0]

    def spin() -> None:
        while True:
            spins[0] += 1
            check()

    try:
        with pytest.raises(Stopped):
            asyncio.run(pool.run(spin, deadline=time.monotonic() + 0.2))
        assert pool.stopped == 1 and pool.running == 0 and spins[0] > 0
    finally:
        pool.stop()


# --- item 1: SIGTERM stops `cpms serve` within seconds, whatever it is doing ---


def test_sigterm_stops_the_service_within_seconds_during_hostile_requests(
    connection: Connection, loaded: Store, keys: dict[str, str]
) -> None:
    port = free_port()
    env = {
        **os.environ,
        "NEO4J_URI": connection.uri,
        "NEO4J_USER": connection.user,
        "NEO4J_PASSWORD": connection.password or "",
        "CPMS_PORT": str(port),
        "CPMS_GRAPHQL_TIMEOUT_SECONDS": "120",  # the hostile requests would run on: only SIGTERM stops them
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "service.cli.main", "serve"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if post(base, "{ health { matcherReady } }")["data"]["health"]["matcherReady"]:
                    break
            except (httpx.TransportError, KeyError, TypeError):
                pass
            assert time.monotonic() < deadline and proc.poll() is None, "cpms serve came up"
            time.sleep(0.3)
        hostile = [
            lambda: post(base, BATCH, keys["manufacturer"], timeout=120, records=[long_record(i) for i in range(500)]),
            lambda: post(base, MATCH, timeout=120, record={"text": "luo" * 20000}),
        ]
        for send in hostile:
            threading.Thread(target=lambda send=send: _ignore_failures(send), daemon=True).start()
        time.sleep(1.0)  # the batch is being matched
        assert proc.poll() is None
        sent = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=60)
        took = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, output.decode(errors="replace")
    assert took < 10, f"cpms serve took {took:.1f} s to stop after SIGTERM"


def _ignore_failures(send) -> None:
    # the service stops under it (a closed connection, or an empty answer), as it should
    with contextlib.suppress(httpx.TransportError, ValueError):
        send()


# --- item 2: a document's size, tokens, fields and aliases are bounded before it is parsed in
# full; its cost is checked before validation and before any resolver; only accepted documents are
# cached, within a memory budget ---


def _graphql_endpoint(app):
    return next(route.endpoint.__self__ for route in app.routes if route.path == "/graphql")


def test_hostile_documents_are_refused_before_they_are_read_in_full(base: str, keys: dict[str, str]) -> None:
    aliases = "{" + " ".join(f"a{i}: health {{ version }}" for i in range(5_000)) + "}"  # 120k characters
    body = post(base, aliases)  # 30,000 tokens, counted before the parser starts
    assert body["errors"][0]["extensions"] == {"code": "LIMIT_EXCEEDED", "field": "query", "limit": LIMITS.max_tokens}
    aliases = "{" + " ".join(f"a{i}: health {{ version }}" for i in range(LIMITS.max_aliases + 1)) + "}"
    body = post(base, aliases)
    assert body["errors"][0]["extensions"] == {"code": "LIMIT_EXCEEDED", "field": "query", "limit": LIMITS.max_aliases}

    matches = "{" + " ".join(f'm{i}: match(record: {{text: "螺栓 {i}"}}) {{ decision }}' for i in range(8_000)) + "}"
    assert post(base, matches)["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"

    inline = ", ".join('{text: "六角螺栓 M8"}' for _ in range(60_000))
    body = post(base, f"{{ matchBatch(records: [{inline}]) {{ decision }} }}", keys["manufacturer"])
    assert body["errors"][0]["extensions"] == {
        "code": "LIMIT_EXCEEDED",
        "field": "query",
        "limit": LIMITS.max_query_chars,
    }
    inline = ", ".join('{text: "x"}' for _ in range(15_000))  # short enough, but too many tokens
    body = post(base, f"{{ matchBatch(records: [{inline}]) {{ decision }} }}", keys["manufacturer"])
    assert body["errors"][0]["extensions"] == {"code": "LIMIT_EXCEEDED", "field": "query", "limit": LIMITS.max_tokens}

    repeated = "{" + " health { version }" * 400 + "}"  # validation would compare them in pairs
    assert post(base, repeated)["errors"][0]["extensions"]["limit"] == LIMITS.max_repeats


def test_the_cost_is_checked_before_validation(base: str) -> None:
    # each fragment spreads the next twice: 2^40 fields, and an unknown field that validation would report
    fragments = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(40))
    bomb = f"{{ ...F0 }} {fragments} fragment F40 on Query {{ health {{ version }} nope }}"
    body = post(base, bomb)
    assert body["errors"][0]["extensions"] == {"code": "LIMIT_EXCEEDED", "limit": LIMITS.max_cost}


def test_the_cost_walk_reads_each_fragment_once() -> None:
    """A fragment's cost is worked out once however often it is spread: the walk over 2^41 fields
    ends at once with their exact number (before, it went on until the budget was spent: 0.17 s
    of the event loop for a 1.6 KB document)."""
    fragments = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(40))
    bomb = parse(f"{{ ...F0 }} {fragments} fragment F40 on Query {{ health {{ version }} }}")
    assert query_cost(bomb, None, {}, 10**15) == 2**41
    assert query_cost(bomb, None, {}, 1000) == 1001  # over the budget
    looped = parse("{ ...A } fragment A on Query { health { version } ...A }")  # validation refuses it later
    assert query_cost(looped, None, {}, 1000) == 2


@pytest.mark.parametrize(
    "query",
    [
        "{ health { version } }",
        'query($t: String! = "a\\"b") { match(record: {text: $t}) { decision ... on X { a } } } # c\n#d',
        '{ a(x: -1.5e3, y: [1, 2.0, true, null, ENUM], s: """x \\""" y "z" """) @skip(if: $v) }',
        "fragment F on Query { ...F } query Q { ...F }",
        "{ matchBatch(records: [" + ", ".join('{text: "x"}' for _ in range(300)) + "]) { decision } }",
    ],
)
def test_tokens_are_counted_before_parsing_as_the_parser_counts_them(query: str) -> None:
    parser = Parser(query)
    parser.parse_document()
    check_tokens(query, GraphQLLimits(max_tokens=parser._token_counter))
    with pytest.raises(LimitExceeded) as refused:
        check_tokens(query, GraphQLLimits(max_tokens=parser._token_counter - 1))
    assert refused.value.details["limit"] == parser._token_counter - 1


def test_a_string_written_in_a_document_is_bounded_before_parsing() -> None:
    limits = GraphQLLimits(max_literal_chars=20)
    check_tokens('{ a(s: "%s", b: """%s""") }' % ("x" * 20, "y" * 20), limits)
    check_tokens('{ a(s: "%s") }' % ("\\u0041" * 3 + "x" * 2), limits)
    for written in ('"%s"' % ("x" * 21), '"""%s"""' % ("y" * 21), '"%s"' % ("\\" + '"' + "x" * 19)):
        with pytest.raises(LimitExceeded) as refused:
            check_tokens("{ a(s: %s) }" % written, limits)
        assert refused.value.details["limit"] == 20 and "variables" in refused.value.message


def test_only_accepted_documents_are_cached_within_a_memory_budget(
    connection: Connection, loaded: Store, keys: dict[str, str]
) -> None:
    app = create_app(connection, Settings())
    with serving(app) as url:
        documents = _graphql_endpoint(app).documents
        before = documents.cached_bytes
        for i in range(6):  # distinct, large, rejected by validation
            rejected = "{ " + " ".join(f"f{i}_{j}: nope{j}" for j in range(90)) + " }"
            assert post(url, rejected)["status"] == 400
        assert documents.cached_bytes == before, "rejected documents are not kept"
        accepted = "{ " + " ".join(f"a{j}: health {{ version }}" for j in range(90)) + " }"
        assert post(url, accepted)["data"]["a0"]["version"]
        assert documents.cached(accepted) is not None and documents.cached_bytes > before


def test_the_document_cache_drops_the_oldest_beyond_its_budget() -> None:
    from service.graphql.documents import Documents
    from service.graphql.schema import schema

    documents = Documents(schema.graphql_schema, GraphQLLimits(max_cached_document_bytes=1_000_000))
    queries = ["{ " + " ".join(f"a{i}_{j}: health {{ version }}" for j in range(40)) + " }" for i in range(40)]
    for query in queries:
        assert documents.prepare(query, None, {}, lambda: None)[1] == []
        assert documents.cached_bytes <= 1_000_000
    assert documents.cached(queries[-1]) is not None and documents.cached(queries[0]) is None


# --- item 3: the key and the declared size are checked before the body is read, everywhere ---


def _headers_only(base: str, path: str, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
    """POST the headers of a request whose body never comes: the answer must not wait for it."""
    host, port = base.removeprefix("http://").split(":")
    lines = [f"POST {path} HTTP/1.1", f"host: {host}", *(f"{k}: {v}" for k, v in headers.items()), "", ""]
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall("\r\n".join(lines).encode())
        sock.sendall(b"--x\r\n")  # the start of a body, and then nothing
        received = b""
        while b"\r\n\r\n" not in received or len(received.split(b"\r\n\r\n", 1)[1]) < _length(received):
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)


def _length(received: bytes) -> int:
    head = received.split(b"\r\n\r\n", 1)[0].decode().lower()
    return next((int(line.split(":")[1]) for line in head.split("\r\n") if line.startswith("content-length:")), 0)


MULTIPART = {"content-type": "multipart/form-data; boundary=x"}


def test_uploads_are_refused_before_their_body_is_read(base: str, keys: dict[str, str]) -> None:
    huge = {"content-length": str(2 << 30)}  # over the 1 GiB default
    small = {"content-length": "100000"}
    status, body = _headers_only(base, "/graphql", {**MULTIPART, **small})
    assert (status, body["errors"][0]["extensions"]["code"]) == (401, "UNAUTHENTICATED")
    status, body = _headers_only(base, "/graphql", {**MULTIPART, **small, "authorization": "Bearer nope"})
    assert (status, body["errors"][0]["extensions"]["code"]) == (401, "UNAUTHENTICATED")
    bearer = {"authorization": f"Bearer {keys['manufacturer']}"}  # a key without the jobs permission
    status, body = _headers_only(base, "/graphql", {**MULTIPART, **small, **bearer})
    assert (status, body["errors"][0]["extensions"]["code"]) == (403, "FORBIDDEN")
    bearer = {"authorization": f"Bearer {keys['editor']}"}
    status, body = _headers_only(base, "/graphql", {**MULTIPART, **huge, **bearer})
    assert (status, body["errors"][0]["extensions"]["code"]) == (413, "LIMIT_EXCEEDED")

    json_body = {"content-type": "application/json", "content-length": str(3_000_000)}
    status, body = _headers_only(base, "/graphql", json_body)
    assert (status, body["errors"][0]["extensions"]["code"]) == (413, "LIMIT_EXCEEDED")

    status, body = _headers_only(base, "/jobs", {**MULTIPART, **small})
    assert status == 401
    status, body = _headers_only(base, "/jobs", {**MULTIPART, **huge, **bearer})
    assert (status, body["errors"][0]["extensions"]["code"]) == (413, "LIMIT_EXCEEDED")


# --- item 5: without Neo4j, /healthz answers 503 at once, and what needs no store keeps working:
# matching, and bulk jobs for keys the store confirmed recently ---


def test_without_neo4j_health_answers_at_once_and_jobs_and_matching_go_on(
    connection: Connection, loaded: Store, tmp_path
) -> None:
    integrator = create_key(loaded, "test integrator", "integrator")[1]
    stranger = create_key(loaded, "test stranger", "integrator")[1]  # never used before the outage
    host, port = connection.uri.removeprefix("bolt://").split(":")
    proxy = TcpProxy(host, int(port))
    proxy.start()
    through_proxy = replace(connection, uri=f"bolt://127.0.0.1:{proxy.port}")
    jobs = replace(JobsConfig.from_settings(), root=tmp_path / "jobs", workers=0, snapshot=None)
    try:
        with serving(create_app(through_proxy, jobs=jobs)) as url:
            headers = {"authorization": f"Bearer {integrator}"}
            assert httpx.get(f"{url}/healthz").status_code == 200
            assert httpx.get(f"{url}/jobs", headers=headers).status_code == 200  # the store confirms the key

            proxy.stop()  # Neo4j goes away
            health = httpx.get(f"{url}/healthz", timeout=5)  # the driver alone would take about 8 s
            assert health.status_code == 503 and health.json()["status"] == "unavailable"

            catalog = tmp_path / "catalog.csv"
            catalog.write_text("品名,规格\n六角螺栓,M8x30\n", encoding="utf-8")
            submitted = httpx.post(
                f"{url}/jobs", headers=headers, files={"file": ("catalog.csv", catalog.read_bytes())}, timeout=10
            )
            assert submitted.status_code == 201, submitted.text
            job_url = f"{url}/jobs/{submitted.json()['id']}"
            assert httpx.get(job_url, headers=headers, timeout=5).json()["state"] in ("queued", "running")
            unknown = httpx.get(f"{url}/jobs", headers={"authorization": f"Bearer {stranger}"}, timeout=5)
            assert (unknown.status_code, unknown.json()["errors"][0]["extensions"]["code"]) == (503, "UNAVAILABLE")
            matched = post(url, MATCH, timeout=5, record={"text": "六角螺栓 M8x30"})
            assert matched["data"]["match"]["decision"], "the matcher is in memory"
            time.sleep(3)
            waiting = httpx.get(job_url, headers=headers, timeout=5).json()
            assert waiting["state"] in ("queued", "running"), f"it waits for the store: {waiting}"

            proxy.start()  # Neo4j is back: the job runs
            deadline = time.monotonic() + 120
            while (job := httpx.get(job_url, headers=headers, timeout=10).json())["state"] != "done":
                assert job["state"] in ("queued", "running") and time.monotonic() < deadline, job
                time.sleep(0.2)
            assert httpx.get(f"{url}/healthz", timeout=10).status_code == 200
    finally:
        proxy.stop()


def test_a_search_text_over_the_limit_is_refused_naming_it(base: str) -> None:
    body = post(base, "query($t: String!) { search(text: $t) { nodes { code } } }", t="luosi" * 1000)
    assert body["errors"][0]["extensions"] == {"code": "LIMIT_EXCEEDED", "field": "text", "limit": MAX_FIELD_CHARS}


def test_a_batch_is_matched_in_short_turns() -> None:
    """At most 8 records and 1,000 characters a turn of the CPU pool (a longer record alone), in
    order: the requests queued behind a turn wait no longer than it takes."""
    records = [{"text": "x" * 600}, {"text": "y" * 600}, *({"text": f"螺栓{i}"} for i in range(20))]
    batched = list(turns(records, record_chars))
    assert [len(t) for t in batched] == [1, 8, 8, 5]
    assert [r for t in batched for r in t] == records
    long_ones: list[dict[str, Any]] = [{"text": "z" * 1500}, {"columns": [{"name": "n", "value": "v" * 999}]}]
    assert [len(t) for t in turns(long_ones, record_chars)] == [1, 1]
    queries = [Query(text="螺" * 990), Query(text="钉", properties=(("material", "304" * 3),)), Query(text="x")]
    assert [len(t) for t in turns(queries, query_chars)] == [1, 2], "reconciliation queries take the same turns"
