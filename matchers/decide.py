"""The decide stage: accept the best candidate automatically, send it to review, or find none.

    auto    best score >= auto, and best - runner-up >= margin
    review  best score >= review (or >= auto without the margin)
    none    otherwise

Each scheme's thresholds are calibrated on its own confirmed examples (`matchers.calibration`);
with too few of them there is no `auto` threshold (`Thresholds.auto` None) and the best candidate
goes to review. Fixed thresholds can be set instead, for every scheme or per scheme, in
`MatchSettings`, validated once when the settings are made.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from matchers.score import DEFAULT_WEIGHTS, ScoreWeights
from matchers.snapshot import Kind


class Decision(StrEnum):
    auto = "auto"
    review = "review"
    none = "none"


class Thresholds(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    auto: float | None = Field(default=80.0, ge=0, le=100)  # None: never auto
    review: float = Field(default=40.0, ge=0, le=100)
    margin: float = Field(default=15.0, ge=0, le=100)

    @model_validator(mode="after")
    def _ordered(self) -> Thresholds:
        if self.auto is not None and self.review > self.auto:
            raise ValueError(f"review threshold {self.review} is above the auto threshold {self.auto}")
        return self


NO_AUTO = Thresholds(auto=None)
"""The thresholds of a scheme whose scores are not calibrated: review or none, never auto."""


class MatchSettings(BaseModel):
    """Everything that changes what a match returns; saved with a bulk job's output."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    thresholds: Thresholds | None = None  # fixed for every scheme; None: each scheme's calibrated ones
    scheme_thresholds: dict[str, Thresholds] = {}  # fixed per scheme
    weights: dict[Kind, ScoreWeights] = DEFAULT_WEIGHTS  # for matching to classes, and to items or records
    scheme_weights: dict[str, dict[Kind, ScoreWeights]] = {}  # per scheme, e.g. from `Matcher.calibrate`
    shortlist: int = Field(default=10, ge=1, le=500)  # candidates the index returns and the scorer scores
    limit: int = Field(default=5, ge=1, le=500)  # candidates a result lists

    def thresholds_for(self, scheme: str) -> Thresholds | None:
        """The fixed thresholds of `scheme`; None when its calibrated ones apply."""
        return self.scheme_thresholds.get(scheme, self.thresholds)

    def weights_for(self, scheme: str, kind: Kind) -> ScoreWeights:
        return self.scheme_weights.get(scheme, {}).get(kind) or self.weights[kind]


def decide(scores: Sequence[float], thresholds: Thresholds) -> Decision:
    """`scores`: the candidates' scores, best first."""
    if not scores or scores[0] < thresholds.review:
        return Decision.none
    runner_up = scores[1] if len(scores) > 1 else 0.0
    auto = thresholds.auto
    if auto is not None and scores[0] >= auto and scores[0] - runner_up >= thresholds.margin:
        return Decision.auto
    return Decision.review
