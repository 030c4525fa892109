"""Load on the GraphQL API over loopback: many concurrent clients for a fixed time per query kind.

    python -m benchmarks.bench_api_load [--clients 32] [--seconds 15] [--warmup 3] [--workers 1]
                                        [--client raw|httpx]

Starts a private Neo4j (or uses NEO4J_URI), loads the seed, serves the API with uvicorn in a
separate process, waits until the matcher is built, then runs each scenario in turn: requests per
second, p50 and p99 latency, errors, and the load generator's own CPU time per request. Each
scenario first runs unmeasured for `--warmup` seconds (`--warmup 0` shows a cold start): the fresh
Neo4j compiles its query plans and the JVM its code, and the service fills its caches. The baseline
is `{ __typename }`, a query that touches neither Neo4j nor the matcher, run the same way in the same
process: the cost of HTTP, GraphQL and the load generator itself.

The load generator shares the machine's 2 cores with the server (and Neo4j), so every CPU
microsecond it spends per request is taken from the server being measured. Hence the default client
(`--client raw`) is a minimal asyncio HTTP/1.1 client: one keep-alive connection per simulated
client (closed loop: the next request leaves when the answer to the previous one is in), each
request a `POST /graphql` with a JSON body and Content-Length, each answer read as a status line,
headers and a body of exactly Content-Length bytes (or chunked). It counts as an error any status
but 200, a body that is not JSON or has "errors", a broken connection (it then reconnects) and a
30 s timeout. `--client httpx` runs the former httpx client for comparison; the `client CPU µs/req`
column shows what each costs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import httpx2 as httpx

from benchmarks.neo4j_server import bench_connection
from ontology.connection import Connection
from ontology.exporting import export_bundle
from ontology.store import Store
from seed_data.seeding import seed
from tests.conftest import free_port

CLASS_QUERY = """query($code: String!) { class(scheme: "CPMS", code: $code) { code label version
  parent { code } template { property { code dataType } required } mappings { relation target { code } } } }"""
SEARCH_QUERY = """query($text: String!) { search(text: $text, first: 10) { nodes { kind scheme code label score } } }"""
MATCH_QUERY = """query($text: String!) { match(record: {text: $text}) { decision
  top { code score } values { property value number } } }"""
FULL_MATCH_QUERY = """query($text: String!) { match(record: {text: $text}, limit: 5) { text readAs scheme kind
  decision top { scheme code kind label score matchedText matchedSource matchedTerms replaces foreignAttributes }
  candidates { scheme code kind label score matchedText matchedSource matchedTerms replaces foreignAttributes }
  values { property value number unit } missingRequired warnings } }"""
SEARCH_WORDS = [
    "螺栓",
    "六角螺母",
    "不锈钢",
    "合页",
    "挂锁",
    "扳手",
    "电钻",
    "hex bolt",
    "padlock",
    "球阀",
    "螺丝",
    "垫圈",
]


def _records(store: Store) -> tuple[list[str], list[str]]:
    cpms = export_bundle(store, "CPMS")
    codes = [c.code for c in cpms.classes]
    texts = [i.labels.zh_hans or i.labels.en or "" for i in cpms.items]
    rng = random.Random(7)
    noisy = []
    for text in rng.sample(texts, min(2000, len(texts))):
        words = text.replace("×", rng.choice(["*", "x", "X", "×"])).split()
        rng.shuffle(words)
        noisy.append(" ".join(words))
    return codes, noisy


TIMEOUT = 30.0


def _summary(latencies: list[float], errors: int, elapsed: float, cpu: float) -> dict:
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "errors": errors,
        "cpu_us": cpu / max(len(latencies), 1) * 1e6,
    }


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """One HTTP/1.1 response: (status, body, whether the server keeps the connection open)."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length, chunked, keep_alive = -1, False, True
    for line in head.split(b"\r\n")[1:-2]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value.lower()
        elif name == b"connection":
            keep_alive = b"close" not in value.lower()
    if chunked:
        chunks = []
        while size := int((await reader.readuntil(b"\r\n")).split(b";", 1)[0], 16):
            chunks.append((await reader.readexactly(size + 2))[:-2])
        while await reader.readuntil(b"\r\n") != b"\r\n":  # trailers
            pass
        return status, b"".join(chunks), keep_alive
    if length < 0:  # neither length nor chunks: the body runs to the end of the connection
        return status, await reader.read(), False
    return status, await reader.readexactly(length), keep_alive


async def _raw_scenario(url: str, clients: int, seconds: float, body: Callable[[random.Random], dict]) -> dict:
    parts = urlsplit(url)
    host, port, path = parts.hostname or "127.0.0.1", parts.port or 80, parts.path or "/"
    head = f"POST {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nContent-Type: application/json\r\nContent-Length: "
    head_bytes = head.encode()
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def worker(n: int) -> None:
        nonlocal errors
        rng = random.Random(n)
        reader: asyncio.StreamReader | None = None
        writer: asyncio.StreamWriter | None = None
        while time.perf_counter() < deadline:
            payload = json.dumps(body(rng)).encode()
            request = b"%s%d\r\n\r\n%s" % (head_bytes, len(payload), payload)
            start = time.perf_counter()
            ok = False
            try:
                async with asyncio.timeout(TIMEOUT):
                    if reader is None or writer is None:
                        reader, writer = await asyncio.open_connection(host, port)
                    writer.write(request)
                    status, answer, keep_alive = await _read_response(reader)
                ok = status == 200 and "errors" not in json.loads(answer)
            except (OSError, EOFError, TimeoutError, ValueError, asyncio.LimitOverrunError):  # EOFError: cut short
                keep_alive = False
            latencies.append(time.perf_counter() - start)
            errors += not ok
            if not keep_alive and writer is not None:
                writer.close()
                reader = writer = None
        if writer is not None:
            writer.close()

    cpu, started = time.process_time(), time.perf_counter()
    await asyncio.gather(*(worker(n) for n in range(clients)))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return _summary(latencies, errors, elapsed, cpu)


async def _httpx_scenario(url: str, clients: int, seconds: float, body: Callable[[random.Random], dict]) -> dict:
    """The former load generator, for comparison: one httpx client with `clients` connections."""
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def worker(n: int, client: httpx.AsyncClient) -> None:
        nonlocal errors
        rng = random.Random(n)
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            try:
                response = await client.post(url, json=body(rng))
                ok = response.status_code == 200 and "errors" not in response.json()
            except httpx.HTTPError:
                ok = False
            latencies.append(time.perf_counter() - start)
            errors += not ok

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(timeout=TIMEOUT, limits=limits) as client:
        cpu, started = time.process_time(), time.perf_counter()
        await asyncio.gather(*(worker(n, client) for n in range(clients)))
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return _summary(latencies, errors, elapsed, cpu)


SCENARIO = {"raw": _raw_scenario, "httpx": _httpx_scenario}


def _serve(connection: Connection, port: int, workers: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "NEO4J_URI": connection.uri,
        "NEO4J_USER": connection.user,
        "NEO4J_PASSWORD": connection.password or "",
        "CPMS_PORT": str(port),
        "CPMS_WORKERS": str(workers),
    }
    return subprocess.Popen([sys.executable, "-m", "service.cli.main", "serve"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip


def _wait_ready(url: str, timeout: float = 300) -> None:
    """Until 20 health checks in a row say the matcher is ready (with several server processes, each
    builds its own and any of them may answer)."""
    deadline, ready = time.monotonic() + timeout, 0
    while time.monotonic() < deadline and ready < 20:
        try:
            answer = httpx.post(url, json={"query": "{ health { matcherReady } }"}, timeout=5).json()
            ready = ready + 1 if answer.get("data", {}).get("health", {}).get("matcherReady") else 0
        except (httpx.HTTPError, ValueError, AttributeError):
            ready = 0
        time.sleep(0.1 if ready else 1)
    if ready < 20:
        raise SystemExit("the service did not get ready")


def _scenarios(codes: list[str], records: list[str]) -> dict[str, Callable[[random.Random], dict[str, Any]]]:
    return {
        "baseline { __typename }": lambda rng: {"query": "{ __typename }"},
        "class lookup": lambda rng: {"query": CLASS_QUERY, "variables": {"code": rng.choice(codes)}},
        "search": lambda rng: {"query": SEARCH_QUERY, "variables": {"text": rng.choice(SEARCH_WORDS)}},
        "match": lambda rng: {"query": MATCH_QUERY, "variables": {"text": rng.choice(records)}},
        "match, every field": lambda rng: {"query": FULL_MATCH_QUERY, "variables": {"text": rng.choice(records)}},
    }


COLUMNS = f"{'requests':>10}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}{'client CPU µs/req':>19}"


def _row(name: str, r: dict) -> str:
    return (
        f"{name:<26}{r['requests']:>10}{r['rps']:>10.1f}{r['p50']:>10.1f}{r['p99']:>10.1f}{r['errors']:>8}"
        f"{r['cpu_us']:>19.0f}"
    )


def run(connection: Connection, clients: int, seconds: float, workers: int, warmup: float, client: str = "raw") -> None:
    with Store(connection) as store:
        seed(store, log=lambda _: None)
        codes, records = _records(store)
    port = free_port()
    server = _serve(connection, port, workers)
    url = f"http://127.0.0.1:{port}/graphql"
    try:
        _wait_ready(url)
        print(
            f"{clients} concurrent clients, {seconds:.0f} s per scenario after {warmup:.0f} s of warm-up, "
            f"{workers} server process(es), loopback, {client} client"
        )
        print(f"{'scenario':<26}{COLUMNS}")
        scenario = SCENARIO[client]
        for name, body in _scenarios(codes, records).items():
            if warmup:
                asyncio.run(scenario(url, clients, warmup, body))
            print(_row(name, asyncio.run(scenario(url, clients, seconds, body))))
    finally:
        server.terminate()
        server.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    parser.add_argument("--warmup", type=float, default=3, help="unmeasured seconds before each scenario")
    parser.add_argument("--client", choices=sorted(SCENARIO), default="raw", help="load generator (httpx to compare)")
    args = parser.parse_args()
    with bench_connection() as connection:
        run(connection, args.clients, args.seconds, args.workers, args.warmup, args.client)


if __name__ == "__main__":
    main()
