"""Each distinct record is matched once in a run, however many rows repeat it, and the output is
what matching every row would give."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

from bulk import BulkSettings
from bulk.chunk_matcher import ChunkMatcher, Item
from bulk.dedupe import Deduper
from bulk.types import RowError
from matchers import Matcher
from tests.bulk_support import ROWS, essentials, expected, ontology_file, read_output, run, write_csv
from tests.matcher_bundles import CPMS, OTHER


def test_a_chunk_is_split_into_its_distinct_records_and_joined_back():
    deduper = Deduper(size=2)
    bolt, nut = {"name": "六角螺栓", "spec": "M8"}, {"name": "螺母"}
    plan = deduper.split([(2, bolt), (3, nut), (4, dict(bolt)), (5, RowError("ragged")), (6, bolt)])
    assert plan.items == [bolt, nut, RowError("ragged")]
    rows = deduper.join(plan, [("matched", b"B"), ("review", b"N"), ("error", b"E")])
    assert rows == [(2, ("matched", b"B")), (3, ("review", b"N")), (4, ("matched", b"B")), (5, ("error", b"E")),
                    (6, ("matched", b"B"))]  # fmt: skip

    later = deduper.split([(7, {"name": "螺母"}), (8, bolt), (9, {"spec": "M8", "name": "六角螺栓"})])
    assert later.items == [bolt, {"spec": "M8", "name": "六角螺栓"}]  # the oldest is forgotten; field order counts
    assert deduper.join(later, [("matched", b"B"), ("review", b"X")])[0] == (7, ("review", b"N"))


def test_records_are_the_same_when_the_matcher_reads_the_same_of_them():
    bolt = {"name": "六角螺栓", "spec": "M8", "unit": "个"}
    plan = Deduper().split([(2, bolt), (3, {**bolt, "unit": "千支"}), (4, {"name": "六角螺栓 M8"}), (5, "六角螺栓 M8")])
    assert plan.items == [bolt, {"name": "六角螺栓 M8"}]  # the unit is not read; a spec column is
    assert plan.sources == [0, 0, 1, 1]


def test_repeated_records_are_matched_once_per_run(tmp_path, monkeypatch):
    matched = []
    match_items = ChunkMatcher.match_items

    def counting(self, items):
        matched.extend(items)
        return match_items(self, items)

    monkeypatch.setattr(ChunkMatcher, "match_items", counting)
    ontology = ontology_file(tmp_path)
    rows = [ROWS[n % 3] for n in range(60)] + ROWS
    catalog = write_csv(tmp_path / "catalog.csv", rows)
    summary = run(catalog, tmp_path / "out.csv", ontology, chunk_size=7)
    assert summary.rows == len(rows)
    assert len(matched) == len(ROWS)  # the 60 rows repeat 3 records, matched in the first chunk
    assert essentials(read_output(tmp_path / "out.csv")) == expected(rows)


def test_records_read_alike_are_matched_once_per_worker_each_row_with_its_input():
    """Rows whose cells differ (full-width, traditional script, spacing) but read alike reach the
    worker as different records; it matches the first and gives the others its outcome with their
    own input, for as long as its memo keeps it (the least recently used forgotten first)."""
    matcher = Matcher.from_bundles([CPMS, OTHER])
    sent: list[str] = []
    match_read = matcher.match_read

    def counting(reads, *args, **kwargs):
        sent.extend(str(record) for record, _ in reads)
        return match_read(reads, *args, **kwargs)

    matcher.match_read = counting  # type: ignore[method-assign]
    worker = ChunkMatcher(matcher, BulkSettings(), "jsonl", memo=2)
    reference = ChunkMatcher(Matcher.from_bundles([CPMS, OTHER]), BulkSettings(), "jsonl", memo=0)
    chunks: list[list[Item]] = [
        ["304不锈钢六角螺栓 M8*30", {"name": "合页", "spec": "4寸"}],
        ["３０４不锈钢六角螺栓 Ｍ８＊３０", {"name": "合页 4寸"}],
        ["活动扳手 8寸", "304不鏽鋼六角螺栓  M8*30"],
        [{"name": "合页", "spec": "4寸"}],
    ]
    outcomes = [worker.match_items(chunk) for chunk in chunks]
    assert sent == [
        "304不锈钢六角螺栓 M8*30", "{'name': '合页', 'spec': '4寸'}",
        "{'name': '合页 4寸'}",  # a spec column is read apart from the name: not alike
        "活动扳手 8寸",  # the bolt was used again, so the first hinge was forgotten in its place
        "{'name': '合页', 'spec': '4寸'}",
    ]  # fmt: skip
    assert outcomes == [reference.match_items(chunk) for chunk in chunks]
    inputs = [json.loads(b"{" + tail)["input"] for chunk in outcomes[1:3] for _, tail in chunk]
    assert inputs == ["３０４不锈钢六角螺栓 Ｍ８＊３０", "合页 4寸", "活动扳手 8寸", "304不鏽鋼六角螺栓  M8*30"]


def test_threads_sharing_a_worker_s_memo_get_every_row_right():
    """A Dask worker's threads share its matcher and memo: rows forgotten by one thread while
    another uses them still get their outcomes."""
    records: list[Item] = [f"{name} M{size}" for size in (6, 8, 10, 12) for name in ("六角螺栓", "六角螺母", "平垫圈")]
    chunks = [[records[(start + n) % len(records)] for n in range(5)] for start in range(24)]
    reference = ChunkMatcher(Matcher.from_bundles([CPMS, OTHER]), BulkSettings(), "jsonl", memo=0)
    expected = [reference.match_items(chunk) for chunk in chunks]
    shared = ChunkMatcher(Matcher.from_bundles([CPMS, OTHER]), BulkSettings(), "jsonl", memo=3)
    with ThreadPoolExecutor(4) as pool:
        for _ in range(3):
            assert list(pool.map(shared.match_items, chunks)) == expected
