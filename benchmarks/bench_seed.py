"""How long `cpms seed` takes, scheme by scheme, into a fresh Neo4j (or NEO4J_URI, which it wipes).

    python -m benchmarks.bench_seed

Baseline, in the same run: building the bundles from the source files alone (no Neo4j), so the
difference is what writing to Neo4j costs. Also times a second `seed`, which finds every scheme
loaded and writes nothing, and prints the counts per scheme.
"""

from __future__ import annotations

import time

from benchmarks.neo4j_server import bench_connection
from ontology.connection import Connection
from ontology.maintenance import wipe
from ontology.store import Store
from seed_data.catalog import LOADERS
from seed_data.seeding import seed


def run(connection: Connection) -> None:
    built = {}
    for code, load in LOADERS:
        started = time.perf_counter()
        bundle = load()
        built[code] = (time.perf_counter() - started, bundle)
    with Store(connection) as store:
        wipe(store)
        started = time.perf_counter()
        report = seed(store, log=lambda _: None)
        total = time.perf_counter() - started
        started = time.perf_counter()
        seed(store, log=lambda _: None)
        again = time.perf_counter() - started
    print(f"{'scheme':<8}{'build s':>9}{'import s':>10}{'classes':>9}{'props':>7}{'values':>8}{'units':>7}"
          f"{'items':>7}{'mappings':>10}")  # fmt: skip
    for code, (seconds, _) in built.items():
        counts = report[code]
        print(f"{code:<8}{seconds:>9.2f}{counts['seconds']:>10.2f}{counts['classes']:>9}{counts['properties']:>7}"
              f"{counts['values']:>8}{counts['units']:>7}{counts['items']:>7}{counts['mappings']:>10}")  # fmt: skip
    print(f"baseline (bundles built, no Neo4j): {sum(s for s, _ in built.values()):.2f} s")
    print(f"cpms seed into an empty store:      {total:.2f} s (builds the bundles again, applies the schema)")
    print(f"cpms seed again (nothing to do):    {again:.2f} s")


def main() -> None:
    with bench_connection() as connection:
        run(connection)


if __name__ == "__main__":
    main()
