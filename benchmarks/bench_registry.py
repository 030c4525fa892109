"""The product registry at scale: 100,000 products registered from a bulk result in one
registration, published, then found by CPMS class (narrower classes included) and by attribute
value, p50 and p99 of a first page with its total, and the Neo4j store's size on disk.

    python -m benchmarks.bench_registry [--products N] [--queries N]

The bulk result is made up (the matcher's own speed is bench_bulk's business): rows of the CPMS
standard's classes that have templates, each with values drawn from its template (enum values by
code, numbers with the template's unit symbol, as a job's `values` column writes them), and an
input catalog with the SKUs (货号) and names. It is read as `registerJobProducts` reads a job
(service/registry/registration.py) and registered with the same function, in one registration
(staged in parts of 5,000 products, committed at once). The private Neo4j runs with the default
settings (CPMS_NEO4J_HEAP 512m, CPMS_NEO4J_TRANSACTION_MEMORY 256m).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from benchmarks.neo4j_server import bench_server
from bulk.outputs import read_output, write_rows
from bulk.settings import BulkSettings
from common.units import symbol
from ontology.editing import Edit
from ontology.importing import import_bundle
from ontology.model import ConceptClass, Property, SchemeBundle
from ontology.registry.firms import create_firm
from ontology.registry.model import FirmInput, ProductStatus
from ontology.registry.products import ProductRow, RowRefusal, publish_products, register_products
from ontology.registry.search import ProductQuery, find_products
from ontology.schema import apply_schema
from ontology.store import Store
from ontology.validate import inherited_properties
from seed_data.cpms_standard import load_cpms
from service.registry.registration import RegistrationOptions, input_rows, job_products

FIRM = "91330784MA2E0A1B21"
EDIT = Edit("bench", "bench_registry")
PUBLISH_CHUNK = 5_000
T = TypeVar("T")


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _templates(bundle: SchemeBundle) -> dict[str, list[tuple[Property, bool]]]:
    classes: dict[str, ConceptClass] = {c.code: c for c in bundle.classes}
    properties = {p.code: p for p in bundle.properties}
    parents = {c.parent for c in bundle.classes if c.parent}
    found = {}
    for code, cls in classes.items():
        template = inherited_properties(classes, code)
        if code not in parents and cls.status.value == "active" and template:
            found[code] = [(properties[p], required) for p, required in template.items() if p in properties]
    return found


def _value(prop: Property, rng: random.Random) -> str | None:
    unit = f" {symbol(prop.unit)}" if prop.unit else ""
    if prop.data_type == "enum":
        live = [v.code for v in prop.values if v.status.value == "active"]
        return rng.choice(live) if live else None
    if prop.data_type == "number":
        return f"{rng.randint(1, 200)}{unit}"
    if prop.data_type == "range":
        low = rng.randint(1, 100)
        return f"{low}-{low + rng.randint(1, 100)}{unit}"
    if prop.data_type == "boolean":
        return rng.choice(["是", "否"])
    return f"型号{rng.randint(1, 999)}"


def make_bulk_result(
    folder: Path, count: int, templates: dict[str, list[tuple[Property, bool]]]
) -> tuple[Path, Path, list[str]]:
    """A job's result and input; and the enum value codes the rows state."""
    rng = random.Random(19)
    stated: set[str] = set()
    codes = sorted(templates)
    result, catalog = folder / "result.jsonl", folder / "input.csv"
    rows = []
    with catalog.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["货号", "品名"])
        for n in range(count):
            code = codes[n % len(codes)]
            values = {p.code: v for p, required in templates[code]
                      if (required or rng.random() < 0.7) and (v := _value(p, rng)) is not None}  # fmt: skip
            stated |= {v for p, _ in templates[code] if p.data_type == "enum" and (v := values.get(p.code))}
            name = f"产品{n} {code}"
            writer.writerow([f"SKU-{n:06d}", name])
            rows.append({"row": n + 2, "status": "matched", "reason": "", "code": code, "label": "", "score": 90.0,
                         "candidates": [], "values": values, "input": name, "text": name})  # fmt: skip
    write_rows(result, "jsonl", rows)
    return result, catalog, sorted(stated)


def _timed(label: str, fn: Callable[[], T]) -> T:
    start = time.perf_counter()
    value = fn()
    seconds = time.perf_counter() - start
    print(f"{label}: {seconds:.1f} s (load {_load()})")
    return value


def _queries(
    rows: list[ProductRow], bundle: SchemeBundle, templates: dict[str, list[tuple[Property, bool]]], count: int
) -> tuple[list[ProductQuery], list[ProductQuery], list[ProductQuery]]:
    """Queries that find something: each from a registered row, its class or an ancestor, and one
    of its enum values."""
    rng = random.Random(7)
    parents = {c.code: c.parent for c in bundle.classes}

    def lineage(code: str) -> list[str]:
        chain = [code]
        while (parent := parents.get(chain[-1])) is not None:
            chain.append(parent)
        return chain  # the class, ..., its segment

    def enum_values(row: ProductRow) -> list[str]:
        enums = {p.code for p, _ in templates[row.product.class_code] if p.data_type == "enum"}
        return [v.text for v in row.product.values if v.property in enums and v.text]

    picked = [r for r in rng.sample(rows, min(len(rows), 3 * count)) if enum_values(r)]
    by_class = [ProductQuery(class_code=rng.choice(lineage(r.product.class_code))) for r in picked[:count]]
    by_value = [ProductQuery(values=(rng.choice(enum_values(r)),)) for r in picked[count : 2 * count]]
    both = [
        ProductQuery(class_code=lineage(r.product.class_code)[-2:][0], values=(rng.choice(enum_values(r)),))
        for r in picked[2 * count : 3 * count]
    ]
    return by_class, by_value, both


WARM_UP = 5  # queries of each kind run first, not measured (query plans, page cache)


def _percentiles(label: str, store: Store, queries: list[ProductQuery]) -> None:
    for query in queries[:WARM_UP]:
        find_products(store, query, 0, 20)
    times, totals = [], []
    for query in queries:
        start = time.perf_counter()
        page = find_products(store, query, 0, 20)
        times.append((time.perf_counter() - start) * 1000)
        totals.append(page.total)
    times.sort()
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    print(
        f"{label}: {len(queries)} queries, p50 {statistics.median(times):.1f} ms, p99 {p99:.1f} ms, "
        f"products found median {statistics.median(totals):.0f} (a page of 20 and the total; load {_load()})"
    )


def _du(folder: Path) -> str:
    """The store files and the transaction logs of the database, apart."""
    sizes = []
    for part in ("databases", "transactions"):
        out = subprocess.run(["du", "-sb", str(folder / "data" / part)], capture_output=True, text=True, check=True)
        sizes.append(f"{part} {int(out.stdout.split()[0]) / 1e6:.0f} MB")
    return ", ".join(sizes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    print(f"bench_registry: {args.products:,} products; load average {_load()} ({os.cpu_count()} cores)")
    bundle = load_cpms().model_copy(update={"mappings": []})  # the other schemes are not loaded here
    templates = _templates(bundle)
    with tempfile.TemporaryDirectory() as tmp, bench_server() as (connection, home):
        folder = Path(tmp)
        result, catalog, values = make_bulk_result(folder, args.products, templates)
        with Store(connection) as store:
            apply_schema(store)
            import_bundle(store, bundle, EDIT)
            create_firm(store, FirmInput(code=FIRM, name_zh="永康五金有限公司", region="金华市永康市"), EDIT)
            if home is not None:
                print(f"store with the CPMS standard ({len(bundle.classes)} classes, {len(templates)} with templates): "
                      f"{_du(home)}")  # fmt: skip
            options = RegistrationOptions()

            def read() -> tuple[list[ProductRow], list[RowRefusal], list[int]]:
                inputs = input_rows(catalog, BulkSettings(workers=0), options)
                return job_products(read_output(result), inputs, options)

            rows, refused, _ = _timed(f"read the bulk result ({args.products:,} rows)", read)
            assert not refused, refused[:3]
            done = _timed("register them (one registration)", lambda: register_products(store, FIRM, rows, EDIT))
            ids = done.created
            print(f"  {len(ids):,} products registered, first {ids[0]}, last {ids[-1]}")

            def publish() -> None:
                for start in range(0, len(ids), PUBLISH_CHUNK):
                    publish_products(store, FIRM, ids[start : start + PUBLISH_CHUNK], EDIT)

            _timed(f"publish them ({PUBLISH_CHUNK:,} a transaction, duplicate check not included)", publish)
            by_class, by_value, both = _queries(rows, bundle, templates, args.queries)
            _percentiles("by class (leaf, family or segment; narrower included)", store, by_class)
            _percentiles("by attribute value (an enum value's code)", store, by_value)
            _percentiles("by class (family) and attribute value", store, both)
            published = find_products(store, ProductQuery(firm=FIRM, statuses=(ProductStatus.published,)), 0, 1)
            print(f"published: {published.total:,}")
            if home is not None:
                print(f"Neo4j store size: {_du(home)} (data folder, after {args.products:,} products)")
    print(f"load average at the end: {_load()}")


if __name__ == "__main__":
    main()
