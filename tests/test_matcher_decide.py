"""The decide stage and its settings."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from matchers import Decision, Matcher, MatchSettings, Thresholds
from matchers.decide import decide
from tests.matcher_bundles import CPMS, HEX_BOLT


@pytest.mark.parametrize(
    ("scores", "decision"),
    [
        ([95.0, 10.0], Decision.auto),
        ([95.0, 90.0], Decision.review),  # clears the auto threshold, not the margin
        ([95.0], Decision.auto),
        ([60.0, 1.0], Decision.review),
        ([30.0, 1.0], Decision.none),
        ([], Decision.none),
    ],
)
def test_decisions_follow_thresholds_and_margin(scores: list[float], decision: Decision) -> None:
    assert decide(scores, Thresholds(auto=80, review=50, margin=10)) is decision


def test_settings_report_every_problem_at_once() -> None:
    with pytest.raises(ValidationError) as raised:
        MatchSettings.model_validate({"thresholds": {"auto": 150, "margin": -1}, "shortlist": 0})
    assert {e["loc"][0] for e in raised.value.errors()} == {"thresholds", "shortlist"}
    assert len(raised.value.errors()) == 3


def test_review_above_auto_is_refused() -> None:
    with pytest.raises(ValidationError, match="above the auto threshold"):
        Thresholds(auto=50, review=60)


def test_settings_are_frozen() -> None:
    with pytest.raises(ValidationError):
        MatchSettings().shortlist = 3  # type: ignore[misc]


def test_thresholds_are_set_per_scheme() -> None:
    record = "外六角螺栓 M8*30"
    strict = MatchSettings(scheme_thresholds={"CPMS": Thresholds(auto=100, review=100, margin=0)})
    lenient = MatchSettings(scheme_thresholds={"CPMS": Thresholds(auto=1, review=0, margin=0)})
    assert Matcher.from_bundles([CPMS], strict).match(record).decision is Decision.none
    result = Matcher.from_bundles([CPMS], lenient).match(record)
    assert result.decision is Decision.auto
    assert result.top is not None and result.top.code == HEX_BOLT
