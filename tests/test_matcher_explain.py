"""What a match explains: matched terms and texts, attribute checks, values mapped onto the
winner's template with units converted, missing required values, conflicts and warnings."""

from __future__ import annotations

import pytest

from matchers import Decision, Matcher, MatchSettings, Thresholds
from matchers.score import FEATURES
from tests.matcher_bundles import CPMS, HEX_BOLT, TAPE

REVIEW_ALL = MatchSettings(thresholds=Thresholds(auto=100, review=0, margin=0))


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher.from_bundles([CPMS], REVIEW_ALL)


def test_a_candidate_shows_what_matched_and_every_feature(matcher: Matcher) -> None:
    best = matcher.match("外六角螺栓 M8*30").candidates[0]
    assert best.code == HEX_BOLT
    assert (best.matched_text, best.matched_source) == ("外六角螺栓", "synonym")
    assert {"外六", "螺栓"} <= set(best.matched_terms)
    assert set(best.features) == set(FEATURES)
    assert 0 <= best.score <= 100


def test_attribute_checks_say_which_values_agree_or_conflict(matcher: Matcher) -> None:
    hex_bolt = next(c for c in matcher.match("六角螺栓 M7 镀锌").candidates if c.code == HEX_BOLT)
    checks = {c.key: c for c in hex_bolt.attributes}
    assert not checks["thread_size"].agrees  # M7 is not one of the template's thread sizes
    assert checks["thread_size"].record == ("M7",)
    assert "M8" in checks["thread_size"].candidate
    assert checks["surface_treatment"].agrees


def test_values_are_mapped_onto_the_template_in_the_property_unit(matcher: Matcher) -> None:
    result = matcher.match({"name": "钢卷尺", "spec": "5米"})
    assert result.top is not None and result.top.code == TAPE
    [value] = result.values
    assert (value.property, value.number, value.unit, value.source) == ("tape_length", 5.0, "m", "column:spec")


def test_enum_values_are_mapped_to_codes_through_synonyms(matcher: Matcher) -> None:
    result = matcher.match({"品名": "外六角螺栓", "规格": "M8*30", "材质": "A2", "表面处理": "BZP"})
    values = {v.property: v for v in result.values}
    assert values["material"].value == "ss304"
    assert values["surface_treatment"].value == "zinc_plated"  # a spelling only the ontology knows
    assert values["thread_size"].value == "M8"
    assert values["nominal_length"].number == 30.0


def test_missing_required_values_are_listed_and_warned(matcher: Matcher) -> None:
    result = matcher.match("六角头螺栓 M8")
    assert result.missing_required == ["nominal_length"]
    assert any("nominal_length" in w for w in result.warnings)


def test_values_the_template_does_not_allow_are_conflicts(matcher: Matcher) -> None:
    result = matcher.match("六角头螺栓 M7×30", limit=1)
    assert [(c.property, c.record, c.reason) for c in result.conflicts] == [
        ("thread_size", "m7x30", "not an allowed value")
    ]


def test_a_size_without_context_is_warned_about(matcher: Matcher) -> None:
    assert any(w.startswith("'4寸' is read as size_inch") for w in matcher.match("六角螺栓 4寸").warnings)
    assert not any("size_inch" in w for w in matcher.match("合页 4寸").warnings)  # 合页 says it is a hinge size


def test_a_result_lists_at_most_limit_candidates(matcher: Matcher) -> None:
    assert len(matcher.match("螺栓 螺母 螺钉", limit=2).candidates) == 2


def test_the_top_candidate_is_at_hand_whatever_the_decision() -> None:
    """A `none` decision does not hide the top candidate: the decision says not to trust it."""
    never = MatchSettings(thresholds=Thresholds(auto=100, review=100, margin=100))
    result = Matcher.from_bundles([CPMS], never).match("外六角螺栓 M8*30")
    assert result.decision is Decision.none
    assert result.top is not None and result.top == result.candidates[0] and result.top.code == HEX_BOLT
    assert Matcher.from_bundles([CPMS]).match("").top is None
