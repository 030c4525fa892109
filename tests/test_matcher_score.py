"""The score stage: attribute, standard and model agreement move the score; the logistic fit
behind the weights recovers what the data says."""

from __future__ import annotations

import random

import pytest

from matchers import Matcher
from matchers.logistic import fit, predict
from matchers.result import Candidate
from matchers.score import DEFAULT_WEIGHTS, FEATURES, HAND_SET, fit_weights
from tests.matcher_bundles import BOLT_M8X30, BOLT_M8X40_304, BOLT_M10X30, CPMS


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher.from_bundles([CPMS])


def _by_code(matcher: Matcher, record: str) -> dict[str, Candidate]:
    return {c.code: c for c in matcher.match(record, kind="item", limit=10).candidates}


def test_a_conflicting_thread_size_lowers_the_score(matcher: Matcher) -> None:
    candidates = _by_code(matcher, "六角螺栓 M8×30 镀锌 GB/T5783")
    right, wrong = candidates[BOLT_M8X30], candidates[BOLT_M10X30]
    assert right.features["attributes_conflict"] == 0 and wrong.features["attributes_conflict"] >= 1
    assert right.score > wrong.score + 20
    assert next(c for c in wrong.attributes if c.key == "thread_size").agrees is False


def test_the_record_values_decide_between_items_with_one_label(matcher: Matcher) -> None:
    assert matcher.match("六角螺栓 M10×30 镀锌", kind="item").candidates[0].code == BOLT_M10X30
    assert matcher.match("六角螺栓 M8×40 304", kind="item").candidates[0].code == BOLT_M8X40_304


def test_a_different_standard_is_a_conflict(matcher: Matcher) -> None:
    same = _by_code(matcher, "六角螺栓 M8×30 GB/T 5783")[BOLT_M8X30]
    other = _by_code(matcher, "六角螺栓 M8×30 GB/T 5782")[BOLT_M8X30]
    assert (same.features["standard_agree"], other.features["standard_conflict"]) == (1, 1)
    assert same.score > other.score


def test_the_item_class_agreement_counts(matcher: Matcher) -> None:
    best = matcher.match("六角头螺栓 M8×30", kind="item").candidates[0]
    assert best.features["hierarchy"] == 1.0


def test_model_numbers_agree_across_spellings() -> None:
    catalog = Matcher.from_records(
        [
            {"id": "a", "name": "Sony Bravia KDL40V4100 40in LCD TV"},
            {"id": "b", "name": "Sony Bravia KDL46V4100 46in LCD TV"},
            {"id": "c", "name": "Sony Bravia 40in LCD TV black"},
        ]
    )
    result = catalog.match("Sony 40 LCD television KDL-40V4100", limit=3)
    by_code = {c.code: c for c in result.candidates}
    assert result.candidates[0].code == "a"
    assert by_code["a"].features["model_agree"] == 1.0
    assert by_code["b"].features["model_conflict"] == 1.0


def test_default_weights_cover_every_feature_and_punish_conflicts() -> None:
    for weights in DEFAULT_WEIGHTS.values():
        assert set(weights.weights) == set(FEATURES)
        assert weights.weights["attributes_conflict"] < 0
    assert DEFAULT_WEIGHTS["item"].weights["model_agree"] > 0


def test_logistic_fit_recovers_the_sign_and_scale_of_the_truth() -> None:
    rng = random.Random(7)
    rows = [[rng.random(), rng.random()] for _ in range(3000)]
    labels = [int(rng.random() < predict(-2.0, [4.0, -3.0], row)) for row in rows]
    bias, (w1, w2) = fit(rows, labels)
    assert 3.0 < w1 < 5.0 and -4.0 < w2 < -2.0 and -2.8 < bias < -1.2


def test_calibrated_weights_come_from_labelled_candidates(matcher: Matcher) -> None:
    labelled = [("六角螺栓 M8×30 镀锌", BOLT_M8X30), ("六角螺栓 M10×30", BOLT_M10X30), ("304 M8×40", BOLT_M8X40_304)]
    records = list(matcher.labelled_features(labelled, kind="item"))
    assert len(records) == 3 and all(right is not None for _, right in records)
    weights = fit_weights(records, HAND_SET["item"])
    assert set(weights.weights) == set(FEATURES)
