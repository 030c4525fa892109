"""Reconciliation throughput beside GraphQL `matchBatch`, on the same records, in one run.

    python -m benchmarks.bench_reconcile [--batches 20] [--sizes 10,50]

Starts a private Neo4j (or uses NEO4J_URI), loads the seed, serves the API with uvicorn in a
separate process and waits until the matcher is built. Then, for each batch size, one client sends
`--batches` batches of noisy CPMS catalog lines (the same ones to every door, one batch at a time)
as OpenRefine does: to `/reconcile/CPMS` (0.2, a form POST with `queries=`), to
`/reconcile/CPMS/1.0-draft/match` (a JSON POST), and as GraphQL `matchBatch` (the baseline: the
same matcher behind the API every other client uses). It prints queries per second and p50/p99
milliseconds per batch for each.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

import httpx2 as httpx

from benchmarks.bench_api_load import _records, _serve, _wait_ready
from benchmarks.neo4j_server import bench_connection
from ontology.apikeys import create_key
from ontology.connection import Connection
from ontology.store import Store
from seed_data.seeding import seed
from tests.conftest import free_port

MATCH_BATCH = """query($records: [RecordInput!]!) { matchBatch(records: $records, limit: 5) {
  decision candidates { code label score } } }"""


def _door_02(client: httpx.Client, root: str, texts: list[str]) -> None:
    queries = {f"q{i}": {"query": t, "limit": 5} for i, t in enumerate(texts)}
    answer = client.post(f"{root}/reconcile/CPMS", data={"queries": json.dumps(queries, ensure_ascii=False)})
    assert answer.status_code == 200 and len(answer.json()) == len(texts), answer.text[:300]


def _door_10(client: httpx.Client, root: str, texts: list[str]) -> None:
    body = {"queries": [{"conditions": [{"matchType": "name", "propertyValue": t}], "limit": 5} for t in texts]}
    answer = client.post(f"{root}/reconcile/CPMS/1.0-draft/match", json=body)
    assert answer.status_code == 200 and len(answer.json()["results"]) == len(texts), answer.text[:300]


def _door_graphql(client: httpx.Client, root: str, texts: list[str]) -> None:
    variables = {"records": [{"text": t} for t in texts]}
    answer = client.post(f"{root}/graphql", json={"query": MATCH_BATCH, "variables": variables})
    assert answer.status_code == 200 and "errors" not in answer.json(), answer.text[:300]


DOORS: dict[str, Callable[[httpx.Client, str, list[str]], None]] = {
    "reconcile 0.2 (form POST)": _door_02,
    "reconcile 1.0-draft (JSON)": _door_10,
    "GraphQL matchBatch": _door_graphql,
}


def _measure(door: Callable[..., None], root: str, batches: list[list[str]], key: str) -> dict[str, Any]:
    """One client with an integrator's key: matchBatch needs one; the reconciliation doors take it too."""
    with httpx.Client(timeout=120, headers={"authorization": f"Bearer {key}"}) as client:
        door(client, root, batches[0])  # warm: the first request of a door pays for its imports
        times = []
        for batch in batches:
            started = time.perf_counter()
            door(client, root, batch)
            times.append(time.perf_counter() - started)
    times.sort()
    queries = sum(len(b) for b in batches)
    return {
        "qps": queries / sum(times),
        "p50": statistics.median(times) * 1000,
        "p99": times[min(len(times) - 1, round(0.99 * (len(times) - 1)))] * 1000,
    }


def run(connection: Connection, batches: int, sizes: list[int]) -> None:
    with Store(connection) as store:
        seed(store, log=lambda _: None)
        _, records = _records(store)
        key = create_key(store, "bench_reconcile", "integrator")[1]
    port = free_port()
    server = _serve(connection, port, 1)
    root = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(f"{root}/graphql")
        print(f"one client, {batches} batches per row, noisy CPMS catalog lines, load {os.getloadavg()[0]:.2f}")
        print(f"{'door':<28}{'batch':>6}{'queries/s':>11}{'p50 ms':>9}{'p99 ms':>9}")
        for size in sizes:
            work = [records[i * size : (i + 1) * size] for i in range(batches)]
            for name, door in DOORS.items():
                r = _measure(door, root, work, key)
                print(f"{name:<28}{size:>6}{r['qps']:>11.1f}{r['p50']:>9.1f}{r['p99']:>9.1f}")
        print(f"load average after: {os.getloadavg()[0]:.2f}")
    finally:
        server.terminate()
        server.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--sizes", default="10,50")
    args = parser.parse_args()
    with bench_connection() as connection:
        run(connection, args.batches, [int(s) for s in args.sizes.split(",")])


if __name__ == "__main__":
    main()
