"""Server time per workbench page on the full seed: p50 and p95 over repeated requests and the CPU
time each costs, beside a baseline (a static file) run the same way in the same process.

    python -m benchmarks.bench_web [--repeat 60] [--warmup 5] [--reuse]

Starts a private Neo4j (or uses NEO4J_URI: it is wiped and seeded, unless --reuse), loads the seed, builds the
app in-process (starlette's test client: no network, the whole page from routing to HTML),
waits for the matcher, finds the pages worth timing (a UNSPSC tree level with the most children,
the CPMS class with the most standard items), then times each page. Goal: p95 under 100 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from starlette.testclient import TestClient

from benchmarks.neo4j_server import bench_connection
from common.settings import JobsSettings, ServiceSettings, Settings
from ontology.maintenance import wipe
from ontology.store import Store
from seed_data.seeding import seed
from service.app import create_app

LEVEL = """query($scheme: String!, $parent: String) { classes(scheme: $scheme, parent: $parent, first: 100) {
  nodes { code children(first: 0) { totalCount } items(first: 0) { totalCount } } } }"""


def _graphql(client: TestClient, query: str, **variables) -> dict:
    body = client.post("/graphql", json={"query": query, "variables": variables}).json()
    assert "errors" not in body, body
    return body["data"]


def _widest_level(client: TestClient, scheme: str, depth: int) -> str:
    """The class at `depth` (1 = top) with the most children, walking down the widest branch."""
    parent: str | None = None
    for _ in range(depth):
        nodes = _graphql(client, LEVEL, scheme=scheme, parent=parent)["classes"]["nodes"]
        parent = max(nodes, key=lambda n: n["children"]["totalCount"])["code"]
    assert parent is not None
    return parent


def _most_items(client: TestClient, scheme: str) -> tuple[str, int]:
    """The class with the most standard items (its own and its subclasses'), below the top level."""
    best, frontier = ("", -1), [None]
    while frontier:
        parent = frontier.pop()
        for node in _graphql(client, LEVEL, scheme=scheme, parent=parent)["classes"]["nodes"]:
            count = node["items"]["totalCount"]
            if parent is not None and node["children"]["totalCount"] == 0 and count > best[1]:
                best = (node["code"], count)
            if node["children"]["totalCount"]:
                frontier.append(node["code"])
    return best


def _time(client: TestClient, url: str, repeat: int, warmup: int) -> tuple[float, float, float, int]:
    """Wall time per request (p50, p95), the process's CPU time per request (mean: what the page
    costs whatever else the machine runs), and the page's size."""
    for _ in range(warmup):
        assert client.get(url).status_code == 200, url
    times, size = [], 0
    cpu = time.process_time()
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        size = len(response.content)
    cpu_ms = (time.process_time() - cpu) * 1000 / repeat
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))], cpu_ms, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="keep a store the seed is loaded in already")
    args = parser.parse_args()
    with bench_connection() as connection, tempfile.TemporaryDirectory() as tmp:
        with Store(connection) as store:
            if not args.reuse:
                wipe(store)
            started = time.perf_counter()
            seed(store, log=lambda _: None)  # loads only what is not loaded yet
            print(f"seed loaded in {time.perf_counter() - started:.0f} s")
        service, jobs = ServiceSettings(session_secret="bench"), JobsSettings(job_workers=0)
        app = create_app(connection, Settings(home=Path(tmp), service=service, jobs=jobs))
        with TestClient(app) as client:
            assert app.state.matcher.wait_ready(600), "the matcher was built"
            level = _widest_level(client, "UNSPSC", 2)
            items_class, items = _most_items(client, "CPMS")
            leaf = _widest_level(client, "UNSPSC", 3)
            pages = [
                ("baseline: static file", "/static/app.css"),
                ("home", "/"),
                ("browse UNSPSC top level", "/browse/UNSPSC"),
                (f"browse UNSPSC level under {level}", f"/browse/UNSPSC?parent={level}"),
                (f"tree level fragment under {level}", f"/browse/UNSPSC/children?parent={level}"),
                (f"class UNSPSC {leaf}", f"/classes/UNSPSC/{leaf}"),
                (f"class CPMS {items_class} ({items} items)", f"/classes/CPMS/{items_class}"),
                ("search 六角螺栓", "/search?q=六角螺栓"),
                ("search pinyin liujiaoluoshuan", "/search?q=liujiaoluoshuan"),
                ("search code", f"/search?q={items_class}"),
                ("releases CPMS", "/releases/CPMS"),
                ("playground, one record", "/playground?text=304不锈钢六角螺栓%20M8*30%20镀锌"),
            ]
            print(f"load average {os.getloadavg()[0]:.1f}; {args.repeat} requests a page after {args.warmup}")
            print(f"{'page':58} {'p50 ms':>8} {'p95 ms':>8} {'CPU ms':>8} {'KB':>6}")
            for name, url in pages:
                p50, p95, cpu_ms, size = _time(client, url, args.repeat, args.warmup)
                print(f"{name:58} {p50:8.1f} {p95:8.1f} {cpu_ms:8.1f} {size / 1024:6.0f}")
            print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
