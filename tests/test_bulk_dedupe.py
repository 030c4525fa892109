"""Each distinct record is matched once in a run, however many rows repeat it, and the output is
what matching every row would give."""

from __future__ import annotations

from bulk.chunk_matcher import ChunkMatcher
from bulk.dedupe import Deduper
from bulk.types import RowError
from tests.bulk_support import ROWS, essentials, expected, ontology_file, read_output, run, write_csv


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
