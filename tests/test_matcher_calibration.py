"""Decisions calibrated per scheme on its own confirmed examples, cross-fitted: `auto` only where
the examples show it right at the target precision, `review` when too few examples say so."""

from __future__ import annotations

import pytest

from common.errors import InvalidSetting
from matchers import Decision, Matcher, MatchSettings, Snapshot, Thresholds
from matchers.calibration import MIN_EXAMPLES, Outcome, estimate, wilson_lower, wilson_upper
from ontology.model import ConceptClass, Labels
from tests.matcher_bundles import CPMS, HEX_BOLT
from tests.shop_examples import SHOP, catalog_lines, shop_examples


def test_wilson_bounds() -> None:
    assert wilson_lower(0, 0) == 0.0 and wilson_upper(0, 0) == 1.0
    assert wilson_lower(20, 20) < 0.95 < wilson_lower(60, 60)  # 20 in a row prove nothing of 95%
    assert wilson_lower(90, 100) < 0.9 < wilson_upper(90, 100)


def test_estimate_asks_the_lower_bound_not_the_ratio() -> None:
    sure = [Outcome(90.0 + i / 100, 1.0, True) for i in range(200)]
    calibration = estimate("S", "class", sure, 0.95)
    assert calibration.calibrated and calibration.auto_share == 1.0
    assert calibration.auto_precision_lower is not None and calibration.auto_precision_lower >= 0.95
    mostly = [Outcome(90.0 + i / 100, 1.0, i % 10 != 0) for i in range(200)]  # 90% right at any score
    assert not estimate("S", "class", mostly, 0.95).calibrated
    assert estimate("S", "class", mostly, 0.85).calibrated
    too_few = estimate("S", "class", sure[: MIN_EXAMPLES - 1], 0.95)
    assert not too_few.calibrated and too_few.thresholds.auto is None and too_few.examples == MIN_EXAMPLES - 1


def test_a_higher_score_band_that_is_right_gets_auto_and_the_rest_review() -> None:
    outcomes = [Outcome(95.0 + i / 100, 10.0, True) for i in range(150)]
    outcomes += [Outcome(60.0 + i / 10, 50.0, i % 3 != 0) for i in range(150)]
    calibration = estimate("S", "class", outcomes, 0.95)
    assert calibration.thresholds.auto is not None and 60 < calibration.thresholds.auto <= 95
    assert calibration.auto_share == pytest.approx(0.5, abs=0.05) and calibration.review_share > 0.4


def test_a_scheme_calibrated_on_its_examples_decides_auto_at_the_target() -> None:
    matcher = Matcher.from_bundles([SHOP], examples=shop_examples(25))
    calibration = matcher.calibration("SHOP")
    assert calibration.calibrated and calibration.examples >= 190 and calibration.source == "examples"
    assert calibration.auto_precision_lower is not None and calibration.auto_precision_lower >= 0.95
    assert 0.3 < calibration.auto_share < 1.0  # the vague lines are not auto
    results = [(matcher.match(line, "SHOP"), code) for line, code in catalog_lines(20, seed=99)]
    auto = [r.top is not None and r.top.code == code for r, code in results if r.decision is Decision.auto]
    assert len(auto) > len(results) / 3 and sum(auto) / len(auto) >= 0.93
    assert all(
        r.decision is not Decision.auto
        for r, _ in results
        if (r.top.score if r.top else 0) < (calibration.thresholds.auto or 100)
    )


def test_too_few_examples_mean_review_never_a_confident_auto() -> None:
    matcher = Matcher.from_bundles([CPMS])
    result = matcher.match("外六角螺栓 M8*30")
    assert result.top is not None and result.top.code == HEX_BOLT and result.top.score > 80
    assert result.decision is Decision.review
    calibration = matcher.calibration("CPMS")
    assert not calibration.calibrated and calibration.examples == 0 and calibration.thresholds.auto is None
    few = Matcher.from_bundles([SHOP], examples=shop_examples(3))
    assert not few.calibration("SHOP").calibrated
    assert all(few.match(line, "SHOP").decision is not Decision.auto for line, _ in catalog_lines(3, seed=5))


def test_no_example_scores_itself() -> None:
    """Examples that share no word with any label or other example: found through themselves,
    each would be right at a high score; held out, none is, and there is no auto."""
    nonsense = {("SHOP", code): [f"zq{code}x{i} vr{i}{code}k" for i in range(10)] for code in ("10", "20", "30")}
    nonsense |= {("SHOP", code): [f"qq{code}y{i}" for i in range(10)] for code in ("40", "50", "60")}
    matcher = Matcher.from_bundles([SHOP], examples=nonsense)
    assert matcher.match("zq10x3 vr310k", "SHOP").top.code == "10"  # type: ignore[union-attr]
    calibration = matcher.calibration("SHOP")
    assert calibration.examples == 60 and not calibration.calibrated and calibration.auto_share == 0.0


def test_the_target_precision_is_set_per_scheme() -> None:
    matcher = Matcher.from_bundles([SHOP, CPMS], examples=shop_examples(25))
    usual = matcher.calibration("SHOP")
    matcher.set_target_precision("SHOP", 0.8)
    lenient = matcher.calibration("SHOP")
    assert matcher.target_precision("SHOP") == 0.8 and matcher.target_precision("CPMS") == 0.95
    assert lenient.target == 0.8 and lenient.auto_share >= usual.auto_share
    assert lenient.examples == usual.examples  # estimated again from the same held-out outcomes
    with pytest.raises(InvalidSetting, match="0.5 to 0.999"):
        matcher.set_target_precision("SHOP", 1.5)


def test_fixed_thresholds_replace_the_calibration() -> None:
    fixed = MatchSettings(scheme_thresholds={"CPMS": Thresholds(auto=50, review=10, margin=0)})
    assert Matcher.from_bundles([CPMS], fixed).match("外六角螺栓 M8*30").decision is Decision.auto


def test_held_out_records_calibrate_a_scheme_without_examples() -> None:
    """A scheme without examples can be calibrated on labelled records kept apart from it."""
    matcher = Matcher.from_bundles([SHOP])
    calibration = matcher.calibrate_thresholds(catalog_lines(25, seed=3), "SHOP")
    assert calibration.source == "labelled" and calibration.examples == 200
    assert matcher.calibration("SHOP") == calibration


def test_confirmations_refresh_the_calibration() -> None:
    matcher = Matcher.from_bundles([SHOP])
    assert not matcher.calibration("SHOP").calibrated
    for line, code in catalog_lines(25, seed=1):
        matcher.confirm(line, "SHOP", code)
    matcher.refresh()
    calibration = matcher.calibration("SHOP")
    assert calibration.calibrated and calibration.examples >= 190


def test_a_reload_keeps_what_it_made_for_the_schemes_that_did_not_change() -> None:
    """An edit to one scheme builds and calibrates that scheme again, not the others: the
    cross-fitting of a scheme of many examples is kept, and made again once its examples change."""
    examples = shop_examples(25)
    matcher = Matcher.from_bundles([SHOP, CPMS], examples=examples)
    matcher.calibrate_all()
    shop_index, shop_calibration = matcher._loaded.indexes["SHOP", "class"], matcher.calibration("SHOP")
    cpms_index = matcher._loaded.indexes["CPMS", "class"]
    extra = ConceptClass(code="9900", level=1, labels=Labels(zh_hans="猫砂盆"))
    edited = CPMS.model_copy(update={"classes": [*CPMS.classes, extra]})

    matcher.reload(Snapshot.from_bundles([SHOP, edited], examples))
    assert matcher._loaded.indexes["SHOP", "class"] is shop_index and matcher.calibration("SHOP") is shop_calibration
    assert matcher._loaded.indexes["CPMS", "class"] is not cpms_index
    assert matcher.match("猫砂盆", "CPMS").top.code == "9900"  # type: ignore[union-attr]

    more = {**examples, ("SHOP", "10"): [*examples["SHOP", "10"], "一条新的例子"]}
    matcher.reload(Snapshot.from_bundles([SHOP, edited], more))
    assert matcher.calibration("SHOP") is not shop_calibration
    assert matcher.calibration("SHOP").examples == shop_calibration.examples + 1
