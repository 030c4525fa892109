"""Deprecated concepts never win; a record that names one is pointed to its replacement."""

from __future__ import annotations

import pytest

from common.errors import DeprecatedConcept
from matchers import Matcher, MatchSettings, Thresholds
from tests.matcher_bundles import CPMS, HEX_BOLT, OLD_HEX_SCREW

REVIEW_ALL = MatchSettings(thresholds=Thresholds(auto=100, review=0, margin=0))


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher.from_bundles([CPMS], REVIEW_ALL)


@pytest.mark.parametrize("record", ["外六角全牙螺丝 M8x30", "Full thread hex screw (old)", OLD_HEX_SCREW])
def test_a_record_naming_a_deprecated_class_gets_its_replacement(matcher: Matcher, record: str) -> None:
    result = matcher.match(record)
    assert result.top is not None
    assert (result.top.code, result.top.replaces) == (HEX_BOLT, OLD_HEX_SCREW)
    assert any(OLD_HEX_SCREW in w and "deprecated" in w for w in result.warnings)


def test_deprecated_concepts_are_never_candidates(matcher: Matcher) -> None:
    for record in ("外六角全牙螺丝", "螺丝", "hex screw", OLD_HEX_SCREW):
        assert OLD_HEX_SCREW not in [c.code for c in matcher.match(record, limit=20).candidates]


def test_the_replacement_keeps_the_text_that_matched(matcher: Matcher) -> None:
    best = matcher.match("外六角全牙螺丝").candidates[0]
    assert best.matched_text == "外六角全牙螺丝"
    assert best.label == "六角头螺栓"


def test_a_record_naming_an_active_code_gets_it(matcher: Matcher) -> None:
    best = matcher.match(f"货号 {HEX_BOLT.lower()}").candidates[0]
    assert best.code == HEX_BOLT
    assert best.features["code_named"] == 1.0


def test_a_deprecated_concept_cannot_be_confirmed() -> None:
    matcher = Matcher.from_bundles([CPMS])
    with pytest.raises(DeprecatedConcept, match="deprecated"):
        matcher.confirm("旧螺丝", "CPMS", OLD_HEX_SCREW)
