"""Pair features, boosted trees and the catalog reranker, on small data."""

from __future__ import annotations

import pytest

from common.errors import InvalidInput
from matchers import Matcher
from matchers.pairs import PAIR_FEATURES, Idf, pair_features, read_side
from matchers.record import Record
from matchers.rerank import PairReranker
from matchers.trees import boost
from tests.matcher_bundles import CPMS

FEATURE = {name: i for i, name in enumerate(PAIR_FEATURES)}


def _pair(left: Record, right: Record) -> dict[str, float]:
    a, b = read_side(left), read_side(right)
    row = pair_features(a, b, Idf([a, b]))
    return dict(zip(PAIR_FEATURES, row, strict=True))


def test_a_chinese_and_an_english_record_of_one_bolt_agree_on_their_values() -> None:
    same = _pair("304不锈钢六角螺栓 M8*30", "SUS304 hex bolt M8x30")
    assert same["attributes_agree"] == 1.0
    assert same["attributes_conflict"] == 0.0
    other = _pair("304不锈钢六角螺栓 M8*30", "201不锈钢六角螺栓 M10*30")
    assert other["attributes_conflict"] == 1.0


def test_model_numbers_and_makers_are_compared() -> None:
    row = _pair(
        {"name": "Sony Bravia KDL-40V4100 LCD TV", "manufacturer": "Sony"},
        {"name": "Sony 40in LCD KDL40V4100", "manufacturer": "sony"},
    )
    assert row["model_agree"] == 1.0
    assert row["maker_agree"] == 1.0
    conflict = _pair("Sony Bravia KDL-40V4100 LCD TV", "Sony Bravia KDL-46V4100 LCD TV")
    assert conflict["model_conflict"] == 1.0


def test_trees_learn_a_band_a_linear_score_cannot() -> None:
    rows = [[x / 20, (x * 7 % 20) / 20] for x in range(21)] * 5  # the second feature is noise
    labels = [int(0.3 <= row[0] <= 0.7) for row in rows]
    model = boost(rows, labels, rounds=60, rate=0.3)
    assert model.probability([0.5, 0.0]) > 0.8
    assert model.probability([0.1, 0.0]) < 0.2
    assert model.probability([0.9, 0.0]) < 0.2
    assert boost(rows, labels, rounds=60, rate=0.3) == model  # deterministic


CATALOG = [
    {"id": f"{maker}-{size}", "name": f"{maker} drill bit HSS {size}mm model {maker[:2].upper()}{size}00"}
    for maker in ("bosch", "makita", "dewalt", "hilti")
    for size in (3, 4, 5, 6, 8, 10)
]


def _query(row: dict[str, str]) -> str:
    maker, size = row["id"].split("-")
    return f"{maker[:2].upper()}{size}00 HSS bit"


def test_a_reranker_reorders_a_catalog_match_by_what_confirmations_teach() -> None:
    catalog = Matcher.from_records(CATALOG, id_column="id")
    confirmed = [(_query(row), row["id"]) for row in CATALOG if row["id"].startswith(("bosch", "makita"))]
    reranker = PairReranker.fit(catalog, confirmed)
    held_out = [row for row in CATALOG if row["id"].startswith(("dewalt", "hilti"))]
    results = [reranker.match(_query(row)) for row in held_out]
    right = sum(r.candidates[0].code == row["id"] for r, row in zip(results, held_out, strict=True))
    assert right >= len(held_out) - 1
    for result in results:
        scores = [c.score for c in result.candidates]
        assert scores == sorted(scores, reverse=True)
        assert all("matcher_score" in c.features for c in result.candidates)


def test_a_reranker_needs_a_catalog_and_right_and_wrong_candidates() -> None:
    with pytest.raises(InvalidInput, match="catalogs only"):
        PairReranker.fit(Matcher.from_bundles([CPMS]), [("螺栓", "x")], scheme="CPMS")
    catalog = Matcher.from_records(CATALOG, id_column="id")
    with pytest.raises(InvalidInput, match="right and wrong"):  # every record gets candidates, none of them right
        PairReranker.fit(catalog, [("nothing shared", "no-such-record")])
