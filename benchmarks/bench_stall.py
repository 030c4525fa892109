"""Stall test (issue 14): ordinary clients while hostile requests of every kind run.

    python -m benchmarks.bench_stall [--clients 32] [--seconds 20] [--warmup 15] [--each]

Starts a private Neo4j (or uses NEO4J_URI), loads the seed, serves the API with `cpms serve` in a
separate process and waits until the matcher is built. Then, with the same load generator as
`bench_api_load` (`--clients` closed-loop clients of ordinary `match` requests):

1. quiet: the ordinary clients alone (the baseline, in the same process);
2. hostile: the same, while one request of each hostile kind below is in flight at all times;
3. quiet again, after the hostile senders stopped.

With `--each`, phase 2 is also run for each hostile kind alone, to show which kind costs the
ordinary clients most.

It prints the ordinary clients' p50/p99 and errors in each phase, the p99 under attack as a
multiple of the quiet one (goal: under 2, with 0 errors), the server's RSS before and after the
hostile phase (goal: back within 10%), what the hostile requests got, and how long the server takes
to exit after SIGTERM while ordinary and hostile requests are running.

Hostile kinds, from issue 14: a 60,000-character match; 5,000 aliases of `health`; 8,000 aliased
matches; 80 aliased matches of 2,000 characters (near the document length limit); inline matchBatch
of 60,000 records (over the document length) and of 15,000 (over the tokens); distinct 150 KB
documents rejected by validation (the document cache); fragments that spread each other twice
(cost); a matchBatch of 400 records of 2,000 characters (near the body limit); a GraphQL multipart
upload of a declared 2 GiB without a key; an XLSX decompression bomb to /jobs.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import multiprocessing
import os
import random
import signal
import subprocess
import threading
import time
import zipfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import httpx2 as httpx
import psutil
from openpyxl import Workbook

from benchmarks.bench_api_load import MATCH_QUERY, _raw_scenario, _read_response, _records, _serve, _wait_ready
from benchmarks.neo4j_server import bench_connection
from ontology.apikeys import create_key
from ontology.connection import Connection
from ontology.store import Store
from seed_data.seeding import seed
from tests.conftest import free_port


def _long_text(i: int, chars: int = 1990) -> str:
    words = f"不锈钢六角螺栓{i} luosi M8x{i % 90 + 10} 镀锌 GB/T5783 bolt {i} "
    return (words * (chars // len(words) + 1))[:chars]


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


def _json(query: str, **variables: object) -> bytes:
    return json.dumps({"query": query, "variables": variables}).encode()


Hostile = tuple[str, dict[str, str], list[bytes]]  # path, headers, bodies sent in turn


def hostile_kinds(keys: dict[str, str], bomb: bytes) -> dict[str, Hostile]:
    """Each kind's requests, made once before the measurement (the load generator shares the
    machine): a kind of several bodies sends them in turn, so that no cache answers a repeat."""
    as_json = {"content-type": "application/json"}
    batcher = {**as_json, "authorization": f"Bearer {keys['manufacturer']}"}
    fragments = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(40))

    def aliases(n: int, field: Callable[[int], str]) -> str:
        return "{" + " ".join(f"a{i}: {field(i)}" for i in range(n)) + "}"

    def long_matches(n: int) -> str:
        return aliases(80, lambda i: f'match(record: {{text: "{_long_text(n * 100 + i)}"}}) {{ decision }}')

    def inline_batch(record: str, count: int) -> str:
        return "{ matchBatch(records: [" + ", ".join([record] * count) + "]) { decision } }"

    batch = "query($r: [RecordInput!]!) { matchBatch(records: $r) { decision } }"
    bomb_form = httpx.Request("POST", "http://x/jobs", files={"file": ("catalog.xlsx", bomb)})
    return {
        "60k-character match": ("/graphql", as_json, [_json(MATCH_QUERY, text="luo" * 20_000)]),
        "5,000 aliases of health": ("/graphql", as_json, [_json(aliases(5_000, lambda i: "health { version }"))]),
        "8,000 aliased matches": (
            "/graphql",
            as_json,
            [_json(aliases(8_000, lambda i: f'match(record: {{text: "螺栓 {i}"}}) {{ decision }}'))],
        ),
        "80 aliased matches of 2,000 chars": ("/graphql", as_json, [_json(long_matches(n)) for n in range(8)]),
        "inline matchBatch, 60,000 records": (
            "/graphql",
            batcher,
            [_json(inline_batch('{text: "六角螺栓 M8"}', 60_000))],
        ),
        "inline matchBatch, 15,000 records": ("/graphql", batcher, [_json(inline_batch('{text: "x"}', 15_000))]),
        "distinct rejected 150 KB documents": (
            "/graphql",
            as_json,
            [_json(f'{{ nope(text: "{n} {"x" * 150_000}") }}') for n in range(20)],
        ),
        "fragment bomb": (
            "/graphql",
            as_json,
            [_json(f"{{ ...F0 }} {fragments} fragment F40 on Query {{ health {{ version }} }}")],
        ),
        "matchBatch of 400 x 2,000 chars": (
            "/graphql",
            batcher,
            [_json(batch, r=[{"text": _long_text(n * 1000 + i)} for i in range(400)]) for n in range(4)],
        ),
        "multipart upload, no key, 2 GiB": ("/graphql", {"content-type": "multipart/form-data; boundary=x"}, []),
        "XLSX bomb to /jobs": (
            "/jobs",
            {"content-type": bomb_form.headers["content-type"], "authorization": f"Bearer {keys['integrator']}"},
            [bomb_form.read()],
        ),
    }


async def _send(host: str, port: int, path: str, headers: dict[str, str], body: bytes | None) -> str:
    """One request on a connection of its own; a kind without bodies declares 2 GiB and sends none."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        length = len(body) if body is not None else 2 << 30
        lines = [f"POST {path} HTTP/1.1", f"host: {host}", *(f"{k}: {v}" for k, v in headers.items())]
        writer.write("\r\n".join([*lines, f"content-length: {length}", "", ""]).encode() + (body or b"--x\r\n"))
        status, answer, _ = await asyncio.wait_for(_read_response(reader), 120)
    finally:
        writer.close()
    try:
        errors = json.loads(answer).get("errors")
    except ValueError:
        return f"{status} not JSON"
    return f"{status} {errors[0]['extensions']['code'] if errors else 'ok'}"


async def _hostile(url: str, kinds: dict[str, Hostile], stop: threading.Event) -> dict[str, Counter[str]]:
    host, port = url.removeprefix("http://").split(":")
    seen: dict[str, Counter[str]] = {name: Counter() for name in kinds}

    async def loop(name: str, path: str, headers: dict[str, str], bodies: list[bytes]) -> None:
        turn = itertools.cycle(bodies or [None])
        while not stop.is_set():
            try:
                seen[name][await _send(host, int(port), path, headers, next(turn))] += 1
            except (OSError, EOFError, TimeoutError, asyncio.IncompleteReadError) as exc:
                seen[name][type(exc).__name__] += 1

    await asyncio.gather(*(loop(name, *kind) for name, kind in kinds.items()))
    return seen


def _hostile_process(url: str, kinds: dict[str, Hostile], started: Any, stop: Any, results: Any) -> None:
    """The hostile senders, in a process of their own: sending and reading their large bodies
    must not slow the ordinary clients' load generator."""
    done = threading.Event()

    def relay() -> None:
        stop.wait()
        done.set()

    threading.Thread(target=relay, daemon=True).start()
    started.set()
    results.put(asyncio.run(_hostile(url, kinds, done)))


class Attack:
    """The hostile senders, running in a child process while the block runs."""

    def __init__(self, url: str, kinds: dict[str, Hostile]) -> None:
        context = multiprocessing.get_context("spawn")
        self.started, self.stop, self.results = context.Event(), context.Event(), context.Queue()
        arguments = (url, kinds, self.started, self.stop, self.results)
        self.process = context.Process(target=_hostile_process, args=arguments)
        self.seen: dict[str, Counter[str]] = {}

    def __enter__(self) -> Attack:
        self.process.start()
        self.started.wait()
        time.sleep(2)  # every kind in flight
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.seen = self.results.get(timeout=300)
        self.process.join(60)


async def _sigterm_under_load(url: str, server: subprocess.Popen[bytes], clients: int) -> float:
    ordinary = asyncio.create_task(_raw_scenario(f"{url}/graphql", clients, 30, _ordinary_body()))
    await asyncio.sleep(3)
    sent = time.perf_counter()
    server.send_signal(signal.SIGTERM)
    while server.poll() is None:
        await asyncio.sleep(0.01)
    took = time.perf_counter() - sent
    ordinary.cancel()
    await asyncio.gather(ordinary, return_exceptions=True)
    return took


_RECORDS: list[str] = []


def _ordinary_body() -> Callable[[random.Random], dict]:
    return lambda rng: {"query": MATCH_QUERY, "variables": {"text": rng.choice(_RECORDS)}}


def _cpu(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


def _rss(pid: int) -> int:
    return psutil.Process(pid).memory_info().rss


def _row(name: str, r: dict, quiet_p99: float | None = None) -> str:
    ratio = f"{r['p99'] / quiet_p99:>7.2f}x" if quiet_p99 else f"{'':>8}"
    return f"{name:<28}{r['requests']:>9}{r['rps']:>9.1f}{r['p50']:>9.1f}{r['p99']:>9.1f}{ratio}{r['errors']:>8}"


def run(connection: Connection, clients: int, seconds: float, warmup: float, each: bool) -> None:
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
        _wait_ready(f"{url}/graphql", timeout=1200)  # the matcher of the whole seed, on a busy machine
        body = _ordinary_body()
        if warmup:
            asyncio.run(_raw_scenario(f"{url}/graphql", clients, warmup, body))
        print(f"{clients} ordinary clients (match), {seconds:.0f} s a phase, load average {_load()}")
        print(f"{'phase':<28}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'p99/quiet':>9}{'errors':>8}")
        serving, generating = psutil.Process(server.pid), psutil.Process()
        spent: tuple[float, ...] = _cpu(serving), _cpu(generating)
        quiet = asyncio.run(_raw_scenario(f"{url}/graphql", clients, seconds, body))
        print(_row("quiet", quiet))
        quiet_cpu = _cpu(serving) - spent[0], _cpu(generating) - spent[1], 0.0
        rss_before = _rss(server.pid)
        with Attack(url, kinds) as attack:
            spent = _cpu(serving), _cpu(generating), _cpu(psutil.Process(attack.process.pid))
            attacked = asyncio.run(_raw_scenario(f"{url}/graphql", clients, seconds, body))
            attack_cpu = (_cpu(serving) - spent[0], _cpu(generating) - spent[1],
                          _cpu(psutil.Process(attack.process.pid)) - spent[2])  # fmt: skip
        seen = attack.seen
        print(_row("with every hostile kind", attacked, quiet["p99"]))
        after = asyncio.run(_raw_scenario(f"{url}/graphql", clients, seconds, body))
        print(_row("quiet again", after, quiet["p99"]))
        best = min(quiet["p99"], after["p99"])
        print(f"p99 under attack / the better quiet phase's p99: {attacked['p99'] / best:.2f}x")
        for name in kinds if each else ():
            with Attack(url, {name: kinds[name]}):
                alone = asyncio.run(_raw_scenario(f"{url}/graphql", clients, seconds, body))
            print(_row(f"  {name}"[:28], alone, quiet["p99"]))
        rss_after = _rss(server.pid)
        change = (rss_after - rss_before) / rss_before * 100
        mb = 1 << 20
        before, after_mb = rss_before / mb, rss_after / mb
        print(f"server RSS: {before:.0f} MB before the hostile phase, {after_mb:.0f} MB after ({change:+.1f}%)")
        for phase, used in (("quiet", quiet_cpu), ("with every hostile kind", attack_cpu)):
            print(f"CPU seconds, {phase} ({2 * seconds:.0f} on 2 cores): server {used[0]:.1f}, "
                  f"ordinary clients' load generator {used[1]:.1f}, hostile senders {used[2]:.1f}")  # fmt: skip
        print("hostile requests (answers):")
        for name, outcomes in seen.items():
            print(f"  {name:<36}{', '.join(f'{k}: {v}' for k, v in outcomes.most_common())}")
        with Attack(url, kinds):
            took = asyncio.run(_sigterm_under_load(url, server, clients))
        print(f"SIGTERM with ordinary and hostile requests running: exited in {took:.2f} s (code {server.returncode}); "
              f"load average {_load()}")  # fmt: skip
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait(30)


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=15, help="unmeasured seconds before the quiet phase")
    parser.add_argument("--each", action="store_true", help="also measure each hostile kind alone")
    args = parser.parse_args()
    with bench_connection() as connection:
        run(connection, args.clients, args.seconds, args.warmup, args.each)


if __name__ == "__main__":
    main()
