"""Bulk matching at catalog scale: rows per second, peak memory, a naive baseline, engines compared,
the batch path beside the per-record path and beside an older revision.

    .venv/bin/python -m benchmarks.bench_bulk [--rows 1000000] [--workers 2] [--sample 2000]
        [--dask-rows 10000] [--old REV] [--old-workers 2] [--ceiling]

1. Generates a catalog of Chinese hardware records from the seed's CPMS standard (items: fasteners
   with their standard, size, grade and finish; classes: locks, hinges, tools, valves ... with
   trade sizes), with noise: M8*30 / M8x30 / Ｍ８×３０ spellings, trade synonyms, word order, brand
   and sales words, full width, traditional characters, and one row in two split into columns
   (品名, 规格型号, 材质, 品牌). Each row's true class is known.
2. On its first `--dask-rows` rows: the Dask engine on a local cluster of `--workers` processes,
   compared with the local engine row for row: rows that differ at all, and in status or code.
3. Runs `cpms match` on the whole catalog as a user would (a subprocess, `--workers` local
   processes) and reports rows per second over the whole command; CPU seconds of all its processes
   (rows per second per core of its own, whatever else runs on the machine); and peak memory: the
   RSS of the command and its workers, summed, sampled every 0.2 s. With `--old REV`, the same
   command of that git revision (extracted to a temporary folder, same interpreter) runs on the same
   file in the same run, and the two outputs are compared row for row. The load average is printed
   before each run.
4. On a sample, in the same run: the naive baseline (rapidfuzz `process.extractOne` over every
   CPMS label and synonym, per row), the per-record path (`Matcher.match` for each row, the
   reference) and the batch path (`match_read`, as bulk workers use it) with Python's collector
   thresholds, and the batch path with a bulk worker's, in one process on one core:
   their speed, CPU µs a row by stage (cProfile shares of the measured CPU time), and accuracy
   against the true class.
5. With `--ceiling`: the most any deduplication could give on the whole catalog (`ceiling`).
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from collections.abc import Hashable, Iterator
from functools import partial
from itertools import islice
from pathlib import Path

import psutil
from opencc import OpenCC
from rapidfuzz import process

from benchmarks.stages import cpu_by_stage
from bulk import BulkSettings, run_bulk
from bulk.chunk_matcher import ChunkMatcher, match_outcome, matched, read_digest
from bulk.columns import map_columns, to_record
from bulk.dedupe import row_key
from bulk.readers import open_source
from bulk.snapshots import copy_scheme
from bulk.spool import encode
from bulk.types import RowError
from common.heap import MATCHING_THRESHOLDS, long_lived_build
from matchers import Matcher
from matchers.profile import Query, read_record
from matchers.record import Record, record_text
from ontology.jsonfile import write_bundles
from ontology.model import ConceptClass, SchemeBundle
from seed_data.catalog import load_all

HEADERS = ["货号", "品名", "规格型号", "材质", "品牌", "单位"]
BRANDS = ("东明", "晋亿", "史丹利", "世达", "得力", "长城精工", "坚朗", "固特", "Stanley", "Bosch")
SALES = ("厂家直销", "现货", "批发", "优质", "热卖", "包邮", "正品")
TIMES = ("×", "*", "x", "X", "＊", "*")
STANDARD_SPELLINGS = ("{body} {number}", "{body}{number}", "{short}{number}")
SIZES = {
    "扳手": ("6寸", "8寸", "10寸", "12寸", "200mm", "250mm"), "钳": ("6寸", "7寸", "8寸", "160mm"),
    "阀": ("4分", "6分", "1寸", "DN15", "DN20", "DN25", '1/2"'), "合页": ("4寸", "5寸", "4寸 3mm厚", "100mm"),
    "锁": ("", "C级锁芯", "不锈钢"), "钻": ("18V", "20V", "220V 800W", "13mm"), "磨": ("100mm", "125mm", "850W"),
    "锯": ("185mm", "1200W"), "锤": ("0.5kg", "1磅", "2磅"), "尺": ("3m", "5m", "7.5m"),
}  # fmt: skip
UNITS = ("个", "只", "把", "套", "千支", "片")
TRADITIONAL = OpenCC("s2t")


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in unicodedata.normalize("NFKC", text))


def _item_parts(label: str, rng: random.Random) -> tuple[str, str, list[str]]:
    """(name, spec, other words) of an item label such as 六角头螺栓 GB/T 5783 M8×30 8.8级 镀锌."""
    name, *words = label.split(" ")
    if len(words) >= 2 and words[0] in ("GB/T", "DIN", "ISO", "GB"):
        body, number, *words = words
        if rng.random() < 0.6:
            spelling = rng.choice(STANDARD_SPELLINGS)
            words.append(spelling.format(body=body, number=number, short=body.replace("/T", "")))
    spec = next((w for w in words if w.startswith("M") and any(c.isdigit() for c in w)), "")
    others = [w for w in words if w != spec]
    return name, spec.replace("×", rng.choice(TIMES)), others


def _class_size(label: str, rng: random.Random) -> str:
    for word, sizes in SIZES.items():
        if word in label:
            return rng.choice(sizes)
    return ""


def catalog(bundle: SchemeBundle, rows: int, seed: int) -> Iterator[tuple[list[str], str]]:
    """Catalog rows with the code of their true class."""
    rng = random.Random(seed)
    classes = {c.code: c for c in bundle.classes}
    parents = {c.parent for c in bundle.classes}
    with_items = {i.class_code for i in bundle.items}
    leaves = [c for c in bundle.classes if c.code not in parents and c.code not in with_items]
    for number in range(rows):
        if rng.random() < 0.7:
            item = rng.choice(bundle.items)
            cls = classes[item.class_code]
            name, spec, others = _item_parts(item.labels.zh_hans or "", rng)
        else:
            cls = rng.choice(leaves)
            name, spec, others = cls.labels.zh_hans or cls.labels.any(), _class_size(cls.labels.any(), rng), []
        yield _noisy(number, _trade_name(cls, name, rng), spec, others, rng), cls.code


def _trade_name(cls: ConceptClass, name: str, rng: random.Random) -> str:
    synonyms = [s.text for s in cls.synonyms if not s.text.isascii()]
    return rng.choice(synonyms) if synonyms and rng.random() < 0.4 else name


def _noisy(number: int, name: str, spec: str, others: list[str], rng: random.Random) -> list[str]:
    brand = rng.choice(BRANDS) if rng.random() < 0.3 else ""
    if rng.random() < 0.3:
        rng.shuffle(others)
    sales = rng.choice(SALES) if rng.random() < 0.2 else ""
    if rng.random() < 0.5:  # split into columns
        material = next((w for w in others if "钢" in w or "铜" in w or w.startswith("A")), "")
        words = [sales, name, *(w for w in others if w != material)]
        row = [" ".join(w for w in words if w), spec, material, brand]
    else:  # everything in the name, in some order
        words = [brand, name, spec, *others] if rng.random() < 0.7 else [spec, *others, name, brand]
        row = [" ".join(w for w in [*words, sales] if w), "", "", ""]
    variant = rng.random()
    if variant < 0.08:
        row = [_fullwidth(cell) for cell in row]
    elif variant < 0.16:
        row = [TRADITIONAL.convert(cell) for cell in row]
    return [f"SKU{number:07d}", *row, rng.choice(UNITS)]


def write_catalog(path: Path, bundle: SchemeBundle, rows: int, seed: int) -> tuple[list[str], float, float]:
    """Write the catalog; the true class of each row, and the share of distinct records: as a run
    sees them (every mapped column, the unit too), and without the unit."""
    truths, distinct, without_unit = [], set(), set()
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(HEADERS)
        for row, truth in catalog(bundle, rows, seed):
            writer.writerow(row)
            truths.append(truth)
            distinct.add(hash(tuple(row[1:])))
            without_unit.add(hash(tuple(row[1:5])))
    return truths, len(distinct) / rows, len(without_unit) / rows


class TreeMemory:
    """Peak of the summed RSS of a process and its children, sampled."""

    def __init__(self, pid: int, every: float = 0.2) -> None:
        self.pid, self.every, self.peak = pid, every, 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._done.wait(self.every):
            try:
                root = psutil.Process(self.pid)
                total = sum(p.memory_info().rss for p in [root, *root.children(recursive=True)])
            except psutil.Error:
                continue
            self.peak = max(self.peak, total)

    def stop(self) -> int:
        self._done.set()
        self._thread.join()
        return self.peak


def run_cli(
    catalog_file: Path, output: Path, ontology: Path, workers: int, tree: Path | None = None
) -> tuple[float, float, int, str]:
    """Wall seconds, CPU seconds (the command and its workers), peak memory, and its summary; the
    code of `tree` (an extracted revision) instead of this one's when given."""
    cpu_before = _children_cpu()
    command = [sys.executable, "-m", "service.cli.main", "match", str(catalog_file), "-o", str(output),
               "--ontology", str(ontology), "--workers", str(workers)]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(tree)} if tree else None
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=tree, env=env)
    memory = TreeMemory(child.pid)
    out, _ = child.communicate()
    seconds = time.perf_counter() - started
    if child.returncode != 0:
        raise SystemExit(f"cpms match failed ({child.returncode})")
    return seconds, _children_cpu() - cpu_before, memory.stop(), out


def extract_revision(revision: str, folder: Path) -> Path:
    """The code of a git revision of this repository, as files in `folder`."""
    root = Path(__file__).resolve().parent.parent
    archive = subprocess.run(["git", "-C", str(root), "archive", revision], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def differing_rows(a: Path, b: Path) -> tuple[int, int]:
    """Rows of two CSV outputs that differ at all, and in status, code or values."""
    with a.open(encoding="utf-8-sig", newline="") as x, b.open(encoding="utf-8-sig", newline="") as y:
        pairs = [(r, q) for r, q in zip(csv.DictReader(x), csv.DictReader(y), strict=True) if r != q]
    keys = ("status", "code", "values")
    return len(pairs), sum(any(r[k] != q[k] for k in keys) for r, q in pairs)


def report_cli(label: str, rows: int, seconds: float, cpu: float, peak: int) -> dict[str, float]:
    print(f"  {label}: {rows / seconds:,.0f} rows/s ({seconds:.0f} s for the whole command), "
          f"CPU {cpu / rows * 1e6:,.0f} µs a row in all its processes ({rows / cpu:,.0f} rows/s per core "
          f"that is its own), peak memory {peak / 2**20:,.0f} MiB (RSS, all processes)")  # fmt: skip
    return {"rows_per_second": round(rows / seconds), "cpu_us_per_row": round(cpu / rows * 1e6),
            "peak_mib": round(peak / 2**20)}  # fmt: skip


def _children_cpu() -> float:
    """CPU seconds of the finished children and the descendants they waited for (the pool's workers)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def sample_records(path: Path, rows: int) -> list[dict[str, str]]:
    with open_source(path) as source:
        columns = map_columns(source.headers)
        rows_read = (cells for _, (_, cells) in zip(range(rows), source.rows, strict=False))
        return [to_record(cells, columns) for cells in rows_read if not isinstance(cells, RowError)]


def baseline(records: list[dict[str, str]], bundle: SchemeBundle) -> tuple[float, list[str]]:
    """rapidfuzz extractOne over every CPMS label and synonym: rows/s on one core, best codes."""
    labels: dict[str, str] = {}
    for c in bundle.classes:
        for text in [*c.labels.texts(), *(s.text for s in c.synonyms)]:
            labels.setdefault(text, c.code)
    for i in bundle.items:
        for text in i.labels.texts():
            labels.setdefault(text, i.class_code)
    choices = list(labels)
    started = time.perf_counter()
    best = [labels[process.extractOne(" ".join(r.values()), choices)[0]] for r in records]
    return len(records) / (time.perf_counter() - started), best


def matcher_in_one_process(records: list[dict[str, str]], snapshot: Path) -> dict[str, tuple[float, list[str], str]]:
    """The per-record path and the batch path on one core, no cache hits, with Python's collector
    thresholds, and the batch path again with a bulk worker's (`common.heap.matching_process`):
    for each, rows/s, best codes, and CPU µs a row by stage (cProfile's shares of the time
    measured without it)."""
    items: list = list(records)
    python_thresholds = gc.get_threshold()
    paths = {
        "per record (Matcher.match, the reference)": (
            lambda m: [
                encode("jsonl", match_outcome(matched(m.matcher.match(r, "CPMS")), record_text(r))) for r in items
            ],
            python_thresholds,
        ),
        "batch (match_read), Python's collector": (lambda m: _afresh(m).match_items(items), python_thresholds),
        "batch (match_read), a bulk worker's collector": (
            lambda m: _afresh(m).match_items(items),
            MATCHING_THRESHOLDS,
        ),
    }
    out = {}
    for name, (path, thresholds) in paths.items():
        with long_lived_build():  # each path its own matcher, its caches cold, as a bulk worker builds it
            matcher = ChunkMatcher.from_snapshot(snapshot, BulkSettings(), "jsonl")
        gc.set_threshold(*thresholds)
        try:
            outcomes, cpu, by_stage = cpu_by_stage(partial(path, matcher), len(records))
        finally:
            gc.set_threshold(*python_thresholds)
        out[name] = (1 / cpu, [json.loads(b"{" + tail)["code"] for _, tail in outcomes], by_stage)
    return out


def _afresh(matcher: ChunkMatcher) -> ChunkMatcher:
    """The same matcher with an empty memo: the timed run and the profiled run match alike."""
    return ChunkMatcher(matcher.matcher, matcher.settings, matcher.spool)


def ceiling(catalog_file: Path, snapshot: Path) -> dict[str, float]:
    """The most any deduplication could give on a catalog: CPU µs a row in one process, with a
    bulk worker's collector, when each record distinct by its cells is read once and each distinct
    read is matched once (and made its output row's values), nothing forgotten. In three parts:
    the file read into records and each row's dedupe key (the parent's work), the reading of each
    distinct record, the matching of each distinct read in chunks of 1,000 (`Matcher.match_read`).
    Writing the output and moving rows between processes are left out: the rows/s it gives for two
    cores, at twice one core's, is an upper bound."""
    settings = BulkSettings()
    with long_lived_build():
        matcher = Matcher.from_file(snapshot, settings.match)
    cpu = dict.fromkeys(("file", "read", "match"), 0.0)
    cells: set[Hashable] = set()
    reads: set[bytes] = set()
    pending: list[tuple[Record, Query]] = []
    rows = 0

    def match_pending() -> None:
        started = time.process_time()
        for result in matcher.match_read(pending, settings.scheme, settings.kind):
            matched(result)
        cpu["match"] += time.process_time() - started
        pending.clear()

    python_thresholds = gc.get_threshold()
    gc.set_threshold(*MATCHING_THRESHOLDS)
    try:
        with open_source(catalog_file) as source:
            columns = map_columns(source.headers)
            while True:
                started = time.process_time()
                chunk = [to_record(c, columns) for _, c in islice(source.rows, 1000) if not isinstance(c, RowError)]
                fresh = []
                for record in chunk:
                    if (key := row_key(record)) not in cells:
                        cells.add(key)
                        fresh.append(record)
                cpu["file"] += time.process_time() - started
                if not chunk:
                    break
                rows += len(chunk)
                started = time.process_time()
                for record in fresh:
                    query = read_record(record)
                    if (key := read_digest(query)) not in reads:
                        reads.add(key)
                        pending.append((record, query))
                cpu["read"] += time.process_time() - started
                if len(pending) >= 1000:
                    match_pending()
        match_pending()
    finally:
        gc.set_threshold(*python_thresholds)
    per_row = {part: 1e6 * seconds / rows for part, seconds in cpu.items()}
    return {
        "rows": rows,
        "distinct_cells": len(cells) / rows,
        "distinct_reads": len(reads) / rows,
        **{f"{part}_us": round(us) for part, us in per_row.items()},
        "match_us_a_read": round(1e6 * cpu["match"] / len(reads)),
        "rows_per_second_two_cores": round(2e6 / sum(per_row.values())),
    }


def dask_check(catalog_file: Path, snapshot: Path, workers: int, folder: Path) -> tuple[float, float, int, int]:
    """The local and the Dask engine on the same file: their rows/s, the rows that differ at all, and
    those that differ in status or code."""
    from distributed import LocalCluster

    def write_snapshot(target: Path) -> None:
        copy_scheme(snapshot, "CPMS", target)

    local = run_bulk(catalog_file, folder / "local.jsonl", BulkSettings(workers=workers), write_snapshot)
    with LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=":0") as cluster:
        settings = BulkSettings(engine="dask", scheduler=cluster.scheduler_address)
        on_dask = run_bulk(catalog_file, folder / "dask.jsonl", settings, write_snapshot)
    with (folder / "local.jsonl").open("rb") as a, (folder / "dask.jsonl").open("rb") as b:
        pairs = [(json.loads(x), json.loads(y)) for x, y in zip(a, b, strict=True) if x != y]
    decisions = sum((x["status"], x["code"]) != (y["status"], y["code"]) for x, y in pairs)
    return local.rows_per_second, on_dask.rows_per_second, len(pairs), decisions


def accuracy(best: list[str], truths: list[str]) -> float:
    return sum(b == t for b, t in zip(best, truths, strict=False)) / len(best)


def load() -> str:
    return f"load average {os.getloadavg()[0]:.2f} (2 cores)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--also-workers", type=int, nargs="*", default=[], help="other worker counts to run with")
    parser.add_argument("--sample", type=int, default=2000, help="rows for the baseline and the profile")
    parser.add_argument("--dask-rows", type=int, default=10_000)
    parser.add_argument("--old", help="a git revision whose `cpms match` runs beside this one's")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--ceiling", action="store_true", help="the most any dedupe could give (`ceiling`)")
    args = parser.parse_args()
    print(f"at the start: {load()}")
    bundle = next(b for b in load_all() if b.scheme.code == "CPMS")
    figures: dict[str, object] = {"rows": args.rows}
    with tempfile.TemporaryDirectory(prefix="cpms-bench-") as tmp:
        folder = Path(tmp)
        snapshot = folder / "ontology.json"
        write_bundles(snapshot, [bundle])
        started = time.perf_counter()
        catalog_file = folder / "catalog.csv"
        truths, distinct, without_unit = write_catalog(catalog_file, bundle, args.rows, args.seed)
        size = catalog_file.stat().st_size
        print(f"catalog: {args.rows:,} rows, {size / 1e6:,.0f} MB, {distinct:.1%} distinct records "
              f"({without_unit:.1%} without the unit), "
              f"generated in {time.perf_counter() - started:.0f} s")  # fmt: skip
        print("e.g. " + " | ".join(catalog_file.read_text(encoding="utf-8").splitlines()[1:4]))

        if args.dask_rows:
            dask_file = folder / "dask-sample.csv"
            with catalog_file.open(encoding="utf-8") as source, dask_file.open("w", encoding="utf-8") as target:
                target.writelines(line for _, line in zip(range(args.dask_rows + 1), source, strict=False))
            print(f"\n{args.dask_rows:,} rows, {load()}:")
            local_rate, dask_rate, differ, decisions = dask_check(dask_file, snapshot, args.workers, folder)
            print(f"  local engine {local_rate:,.0f} rows/s, Dask engine (local cluster, "
                  f"{args.workers} processes) {dask_rate:,.0f} rows/s; rows that differ: {differ}, "
                  f"in status or code: {decisions}")  # fmt: skip
            figures |= {"engines_differ": differ, "engines_differ_in_decisions": decisions}

        print(f"\ncpms match on the whole catalog, {args.workers} worker processes:")
        runs: list[tuple[str, int, Path | None]] = [("new", n, None) for n in [args.workers, *args.also_workers]]
        if args.old:
            runs.insert(0, ("old", args.workers, extract_revision(args.old, Path(tempfile.mkdtemp(dir=folder)))))
        outputs: dict[str, Path] = {}
        for name, workers, tree in runs:
            label = f"{name} ({args.old if tree else 'this tree'}), {workers} workers"
            print(f"  {load()} before the {name} run with {workers} workers")
            output = folder / f"matched-{name}-{workers}.csv"
            seconds, cpu, peak, summary = run_cli(catalog_file, output, snapshot, workers, tree)
            figures[label] = report_cli(label, args.rows, seconds, cpu, peak)
            print("    " + summary.replace("\n", "\n    ").rstrip())
            outputs.setdefault(name, output)
        if "old" in outputs:
            differ, decisions = differing_rows(outputs["old"], outputs["new"])
            print(f"  old and new outputs: {differ} rows differ, {decisions} in status, code or values")
            figures |= {"old_new_rows_differ": differ, "old_new_differ_in_decisions": decisions}

        records = sample_records(catalog_file, args.sample)
        sample_truths = truths[: len(records)]
        print(f"\nsample of {len(records):,} rows, one core, {load()}:")
        base_rate, base_best = baseline(records, bundle)
        print(f"  baseline (rapidfuzz extractOne over labels): {base_rate:,.0f} rows/s, "
              f"class right {accuracy(base_best, sample_truths):.1%}")  # fmt: skip
        figures["baseline_rows_per_second"] = round(base_rate)
        for name, (rate, best, by_stage) in matcher_in_one_process(records, snapshot).items():
            print(f"  {name}: {rate:,.0f} rows/s, class right {accuracy(best, sample_truths):.1%}; CPU by stage:")
            print(by_stage)
            figures[f"one core, {name}"] = round(rate)

        if args.ceiling:
            print(f"\nthe most deduplication could give, the whole catalog in one process, {load()}:")
            top = ceiling(catalog_file, snapshot)
            print(f"  {top['distinct_cells']:.1%} of the rows distinct by their cells, {top['distinct_reads']:.1%} "
                  f"by what the matcher reads; CPU µs a row: the file and the dedupe {top['file_us']}, reading "
                  f"the distinct records {top['read_us']}, matching the distinct reads {top['match_us']} "
                  f"({top['match_us_a_read']} a read); at most {top['rows_per_second_two_cores']:,} rows/s "
                  f"on two cores (twice one core's, no output written)")  # fmt: skip
            figures["ceiling"] = top

        print(f"at the end: {load()}")
        print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
