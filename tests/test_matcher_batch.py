"""The batch path (`Matcher.match_many`, which the bulk executors use) gives what the per-record
path (`Matcher.match`, the reference) gives, on every record of the benchmark catalogs: the same
candidates in the same order, decision, values, text and warnings, and scores within 1e-6."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from benchmarks import word_cases
from benchmarks.bench_bulk import HEADERS, catalog
from benchmarks.matching_data import Missing
from benchmarks.matching_tasks import cpms_catalog, mwpd_task
from bulk.columns import map_columns, to_record
from matchers import Matcher, MatchResult
from matchers.profile import read_record
from matchers.record import Record
from matchers.score import DEFAULT_WEIGHTS, FEATURES
from matchers.similarity import chunk_similarities, similarities
from matchers.snapshot import Kind
from seed_data.cpms_standard import load_cpms

PINYIN = ["luosi m8", "liujiao luoshuan M8*30", "hy 4寸", "banshou 8寸", "bxg hy", "tbd", "M8*30", "无"]


def _same(matcher: Matcher, records: Sequence[Record], scheme: str, kind: Kind | None = None, level: int | None = None):
    one = [matcher.match(r, scheme, kind, level=level) for r in records]
    many = list(matcher.match_many(records, scheme, kind, level=level))
    assert len(many) == len(one)
    for record, a, b in zip(records, one, many, strict=True):
        assert _essentials(a) == _essentials(b), record
        assert all(abs(x.score - y.score) <= 1e-6 for x, y in zip(a.candidates, b.candidates, strict=True)), record


def _essentials(result: MatchResult) -> tuple[object, ...]:
    return (
        result.decision, result.top.code if result.top else None, [c.code for c in result.candidates],
        result.values, result.text, result.read_as, result.warnings,
    )  # fmt: skip


@pytest.fixture(scope="module")
def cpms() -> Matcher:
    return Matcher.from_bundles([load_cpms()])


def test_the_bulk_benchmark_catalog(cpms: Matcher) -> None:
    columns = map_columns(HEADERS)
    rows = [row for row, _ in catalog(load_cpms(), 3000, seed=7)]
    records = [to_record(dict(zip(HEADERS, row, strict=True)), columns) for row in rows]
    _same(cpms, [*records, *PINYIN], "CPMS")


def test_records_read_alike_are_matched_alike_in_one_chunk(cpms: Matcher) -> None:
    """A chunk scores records read alike once (full-width, traditional script, more spaces, and a
    unit the matcher does not read); each still gets its own result, as `match` gives it."""
    spellings = ["304不锈钢六角螺栓 M8*30", "３０４不锈钢六角螺栓 Ｍ８＊３０", "304不鏽鋼六角螺栓  M8*30"]
    rows = [{"name": "合页 4寸", "material": "不锈钢"}, {"name": "合页 4寸", "material": "不锈钢", "unit": "只"}]
    records: list[Record] = [*spellings, *rows, "六角螺母 M8"]
    _same(cpms, records, "CPMS")
    results = list(cpms.match_many(records, "CPMS"))
    assert len({repr(_essentials(r)) for r in results[:3]}) == 1
    assert results[3].warnings != results[4].warnings  # the unit is named among the columns not used
    assert _essentials(results[0])[:4] != _essentials(results[5])[:4]


def test_the_generated_catalog_to_classes_and_items(cpms: Matcher) -> None:
    _, generated = cpms_catalog("test")
    records = [g.record for g in generated]
    _same(cpms, records, "CPMS")
    _same(cpms, [g.record for g in generated if g.item_code], "CPMS", "item")


def test_the_head_noun_and_negation_cases() -> None:
    pairs, cases = word_cases.load()
    matcher = Matcher.from_bundles([load_cpms(), pairs])
    for scheme in ("CPMS", "PAIRS"):
        _same(matcher, [c.record for c in cases if c.scheme == scheme], scheme)


def test_mwpd_offers_against_gpc_with_examples() -> None:
    try:
        task = mwpd_task("test", 1500)
    except Missing as missing:
        pytest.skip(str(missing))
    _same(task.matcher, [record for record, _ in task.queries], task.scheme, level=task.level)


def test_a_chunk_of_logits_is_the_same_floats_as_one_at_a_time() -> None:
    rows = np.random.default_rng(3).normal(size=(500, len(FEATURES))).round(3)
    rows[1] = rows[0]
    for weights in DEFAULT_WEIGHTS.values():
        assert weights.logits(rows).tolist() == [weights.logit(row) for row in rows.tolist()]


def test_a_chunk_of_fuzzy_features_is_the_same_as_one_record_at_a_time(cpms: Matcher) -> None:
    index = cpms._index(cpms._loaded, "CPMS", None)
    texts = ("不锈钢304六角螺丝 外六角", "合页 4寸", "zzz", "六角螺母 M8")
    queries = [read_record(text).profile.spaced for text in texts]
    records = [(q, index.search(read_record(q).lookup_terms, 10)) for q in queries]
    assert any(hit.alternates for _, hits in records for hit in hits)
    assert chunk_similarities(records) == [similarities(q, hits) for q, hits in records]
