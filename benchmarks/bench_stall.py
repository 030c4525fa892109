"""Stall test (issue 14): ordinary clients while hostile requests of every kind run.

    python -m benchmarks.bench_stall [--clients 32] [--seconds 20] [--warmup 5]

Starts a private Neo4j (or uses NEO4J_URI), loads the seed, serves the API with `cpms serve` in a
separate process and waits until the matcher is built. Then, with the same load generator as
`bench_api_load` (`--clients` closed-loop clients of ordinary `match` requests):

1. quiet: the ordinary clients alone (the baseline, in the same process);
2. hostile: the same, while one request of each hostile kind below is in flight at all times;
3. quiet again, after the hostile senders stopped.

It prints the ordinary clients' p50/p99 and errors in each phase, the p99 under attack as a
multiple of the quiet one (goal: under 2, with 0 errors), the server's RSS before and after the
hostile phase (goal: back within 10%), what the hostile requests got, and how long the server takes
to exit after SIGTERM while ordinary and hostile requests are running.

Hostile kinds, from issue 14: a 60,000-character match; 5,000 aliases of `health`; 8,000 aliased
matches; the largest aliased match accepted (100 aliases of 2,000 characters); inline matchBatch
of 60,000 records (over the document length) and of 15,000 (over the tokens); distinct 150 KB
documents rejected by validation (the document cache); fragments that spread each other twice
(cost); the largest matchBatch accepted (900 records of 2,000 characters); a GraphQL multipart
upload of a declared 2 GiB without a key; an XLSX decompression bomb to /jobs.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import signal
import time
import zipfile
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from tempfile import TemporaryDirectory

import httpx2 as httpx
import psutil
from openpyxl import Workbook

from benchmarks.bench_api_load import MATCH_QUERY, _raw_scenario, _records, _serve, _wait_ready
from benchmarks.neo4j_server import bench_connection
from ontology.apikeys import create_key
from ontology.connection import Connection
from ontology.store import Store
from seed_data.seeding import seed
from tests.conftest import free_port

Send = Callable[[httpx.AsyncClient, str], Awaitable[str]]


def _long_text(i: int, chars: int = 1990) -> str:
    words = f"不锈钢六角螺栓{i} luosi M8x{i % 90 + 10} 镀锌 GB/T5783 bolt {i} "
    return (words * (chars // len(words) + 1))[:chars]


async def _graphql(client: httpx.AsyncClient, url: str, query: str, key: str | None = None, **variables) -> str:
    headers = {"authorization": f"Bearer {key}"} if key else {}
    response = await client.post(f"{url}/graphql", json={"query": query, "variables": variables}, headers=headers)
    return _outcome(response)


def _outcome(response: httpx.Response) -> str:
    try:
        errors = response.json().get("errors")
    except ValueError:
        return f"{response.status_code} not JSON"
    return f"{response.status_code} {errors[0]['extensions']['code'] if errors else 'ok'}"


def _bomb(folder: Path) -> bytes:
    plain = folder / "plain.xlsx"
    book = Workbook()
    book.worksheets[0].append(["品名"])
    book.worksheets[0].append(["六角螺栓"])
    book.save(plain)
    path = folder / "bomb.xlsx"
    entry = "<si><t>不锈钢六角螺栓 M8x30 镀锌</t></si>".encode() * 2000
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != "xl/sharedStrings.xml":
                target.writestr(item, source.read(item))
        with target.open("xl/sharedStrings.xml", "w", force_zip64=True) as strings:
            strings.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            for _ in range((400 << 20) // len(entry)):
                strings.write(entry)
            strings.write(b"</sst>")
    return path.read_bytes()


def hostile_kinds(keys: dict[str, str], bomb: bytes) -> dict[str, Send]:
    counter = itertools.count()
    fragments = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(40))

    def aliases(n: int, field: Callable[[int], str]) -> str:
        return "{" + " ".join(f"a{i}: {field(i)}" for i in range(n)) + "}"

    async def long_match(client, url):
        return await _graphql(client, url, MATCH_QUERY, text="luo" * 20_000)

    async def many_aliases(client, url):
        return await _graphql(client, url, aliases(5_000, lambda i: "health { version }"))

    async def aliased_matches(client, url):
        return await _graphql(
            client, url, aliases(8_000, lambda i: f'match(record: {{text: "螺栓 {i}"}}) {{ decision }}')
        )

    async def largest_aliased_matches(client, url):
        n = next(counter)
        query = aliases(100, lambda i: f'match(record: {{text: "{_long_text(n * 100 + i)}"}}) {{ decision }}')
        return await _graphql(client, url, query)

    async def inline_batch_long(client, url):
        inline = ", ".join('{text: "六角螺栓 M8"}' for _ in range(60_000))
        return await _graphql(
            client, url, f"{{ matchBatch(records: [{inline}]) {{ decision }} }}", keys["manufacturer"]
        )

    async def inline_batch_tokens(client, url):
        inline = ", ".join('{text: "x"}' for _ in range(15_000))
        return await _graphql(
            client, url, f"{{ matchBatch(records: [{inline}]) {{ decision }} }}", keys["manufacturer"]
        )

    async def rejected_documents(client, url):
        n = next(counter)
        return await _graphql(
            client, url, "{ " + " ".join(f"f{n}_{j}: nope{j}" for j in range(90)) + " x" * 70_000 + " }"
        )

    async def fragment_bomb(client, url):
        return await _graphql(client, url, f"{{ ...F0 }} {fragments} fragment F40 on Query {{ health {{ version }} }}")

    async def largest_batch(client, url):
        n = next(counter)
        records = [{"text": _long_text(n * 1000 + i)} for i in range(900)]
        query = "query($r: [RecordInput!]!) { matchBatch(records: $r) { decision } }"
        return await _graphql(client, url, query, keys["manufacturer"], r=records)

    async def unauthenticated_upload(client, url):
        host, port = url.removeprefix("http://").split(":")
        reader, writer = await asyncio.open_connection(host, int(port))
        head = (
            f"POST /graphql HTTP/1.1\r\nhost: {host}\r\ncontent-type: multipart/form-data; boundary=x\r\n"
            f"content-length: {2 << 30}\r\n\r\n--x\r\n"
        )
        writer.write(head.encode())
        try:
            status = (await asyncio.wait_for(reader.readline(), 30)).split()[1].decode()
        finally:
            writer.close()
        return f"{status} refused before the body"

    async def xlsx_bomb(client, url):
        files = {"file": ("catalog.xlsx", bomb)}
        response = await client.post(
            f"{url}/jobs", headers={"authorization": f"Bearer {keys['integrator']}"}, files=files
        )
        return _outcome(response)

    return {
        "60k-character match": long_match,
        "5,000 aliases of health": many_aliases,
        "8,000 aliased matches": aliased_matches,
        "100 aliased matches of 2,000 chars": largest_aliased_matches,
        "inline matchBatch, 60,000 records": inline_batch_long,
        "inline matchBatch, 15,000 records": inline_batch_tokens,
        "distinct rejected 150 KB documents": rejected_documents,
        "fragment bomb": fragment_bomb,
        "matchBatch of 900 x 2,000 chars": largest_batch,
        "multipart upload, no key, 2 GiB": unauthenticated_upload,
        "XLSX bomb to /jobs": xlsx_bomb,
    }


async def _hostile(url: str, kinds: dict[str, Send], stop: asyncio.Event, seen: dict[str, Counter]) -> None:
    async def loop(name: str, send: Send) -> None:
        async with httpx.AsyncClient(timeout=120) as client:
            while not stop.is_set():
                try:
                    seen[name][await send(client, url)] += 1
                except (httpx.HTTPError, OSError, TimeoutError) as exc:
                    seen[name][type(exc).__name__] += 1

    await asyncio.gather(*(loop(name, send) for name, send in kinds.items()))


async def _under_attack(url: str, clients: int, seconds: float, kinds: dict[str, Send], seen) -> dict:
    stop = asyncio.Event()
    hostile = asyncio.create_task(_hostile(url, kinds, stop, seen))
    await asyncio.sleep(2)  # every kind in flight
    body = _ordinary_body()
    result = await _raw_scenario(f"{url}/graphql", clients, seconds, body)
    stop.set()
    await hostile
    return result


_RECORDS: list[str] = []


def _ordinary_body() -> Callable[[random.Random], dict]:
    return lambda rng: {"query": MATCH_QUERY, "variables": {"text": rng.choice(_RECORDS)}}


def _rss(pid: int) -> int:
    return psutil.Process(pid).memory_info().rss


def _row(name: str, r: dict, quiet_p99: float | None = None) -> str:
    ratio = f"{r['p99'] / quiet_p99:>7.2f}x" if quiet_p99 else f"{'':>8}"
    return f"{name:<28}{r['requests']:>9}{r['rps']:>9.1f}{r['p50']:>9.1f}{r['p99']:>9.1f}{ratio}{r['errors']:>8}"


def run(connection: Connection, clients: int, seconds: float, warmup: float) -> None:
    with Store(connection) as store:
        seed(store, log=lambda _: None)
        _, records = _records(store)
        keys = {role: create_key(store, f"bench {role}", role)[1] for role in ("manufacturer", "integrator")}
    _RECORDS[:] = records
    with TemporaryDirectory() as tmp:
        kinds = hostile_kinds(keys, _bomb(Path(tmp)))
    port = free_port()
    server = _serve(connection, port, 1)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(f"{url}/graphql")
        body = _ordinary_body()
        if warmup:
            asyncio.run(_raw_scenario(f"{url}/graphql", clients, warmup, body))
        print(f"{clients} ordinary clients (match), {seconds:.0f} s a phase, load average {_load()}")
        print(f"{'phase':<28}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'p99/quiet':>9}{'errors':>8}")
        quiet = asyncio.run(_raw_scenario(f"{url}/graphql", clients, seconds, body))
        print(_row("quiet", quiet))
        rss_before = _rss(server.pid)
        seen: dict[str, Counter] = {name: Counter() for name in kinds}
        attacked = asyncio.run(_under_attack(url, clients, seconds, kinds, seen))
        print(_row("with every hostile kind", attacked, quiet["p99"]))
        after = asyncio.run(_raw_scenario(f"{url}/graphql", clients, seconds, body))
        print(_row("quiet again", after, quiet["p99"]))
        rss_after = _rss(server.pid)
        change = (rss_after - rss_before) / rss_before * 100
        mb = 1 << 20
        before, after_mb = rss_before / mb, rss_after / mb
        print(f"server RSS: {before:.0f} MB before the hostile phase, {after_mb:.0f} MB after ({change:+.1f}%)")
        print("hostile requests (answers):")
        for name, outcomes in seen.items():
            print(f"  {name:<36}{', '.join(f'{k}: {v}' for k, v in outcomes.most_common())}")
        took = asyncio.run(_sigterm_under_load(url, server, clients, kinds))
        print(f"SIGTERM with ordinary and hostile requests running: exited in {took:.2f} s (code {server.returncode}); "
              f"load average {_load()}")  # fmt: skip
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait(30)


async def _sigterm_under_load(url: str, server, clients: int, kinds: dict[str, Send]) -> float:
    seen: dict[str, Counter[str]] = {name: Counter() for name in kinds}
    stop = asyncio.Event()
    hostile = asyncio.create_task(_hostile(url, kinds, stop, seen))
    ordinary = asyncio.create_task(_raw_scenario(f"{url}/graphql", clients, 30, _ordinary_body()))
    await asyncio.sleep(3)
    sent = time.perf_counter()
    server.send_signal(signal.SIGTERM)
    while server.poll() is None:
        await asyncio.sleep(0.01)
    took = time.perf_counter() - sent
    stop.set()
    ordinary.cancel()
    await asyncio.gather(hostile, ordinary, return_exceptions=True)
    return took


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=5, help="unmeasured seconds before the quiet phase")
    args = parser.parse_args()
    with bench_connection() as connection:
        run(connection, args.clients, args.seconds, args.warmup)


if __name__ == "__main__":
    main()
