"""What a match returns (the output stage's types).

Plain frozen dataclasses, not pydantic models: every field is built by the matcher from values it
already holds, so there is nothing to validate, and validating five candidates with their
attribute checks cost more than the rest of the output stage."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from matchers.attributes import Comparison
from matchers.decide import Decision

_SHOWN_TERMS = 12


@dataclass(frozen=True, slots=True, kw_only=True)
class AttributeCheck:
    """A record value compared with the candidate's values (stated, or allowed by its template)."""

    key: str
    record: tuple[str, ...]
    candidate: tuple[str, ...]
    agrees: bool


class Reasons(Protocol):
    """What a candidate's explanation is read from (`matchers.score.Scored`)."""

    @property
    def matched_terms(self) -> tuple[str, ...]: ...
    @property
    def features(self) -> dict[str, float]: ...
    @property
    def comparison(self) -> Comparison: ...
    @property
    def foreign(self) -> tuple[str, ...]: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class Candidate:
    """A ranked concept. Its reasons (`matched_terms`, `attributes`, `foreign_attributes`,
    `features`) are worked out when read: a bulk run or a query that does not ask for them does
    not pay for them."""

    scheme: str
    code: str
    kind: str
    label: str
    score: float  # 0-100, about the probability in percent that this is the right concept
    matched_text: str  # the label, synonym, definition, example or record text that matched
    matched_source: str
    replaces: str | None = None  # the deprecated concept the record named, which this replaces
    narrower: str | None = None  # the narrower concept whose text matched, when matching to a level
    reasons: Reasons = field(repr=False, compare=False)
    extra_features: Mapping[str, float] = field(default_factory=dict)  # added by a later stage (a reranker)

    @property
    def matched_terms(self) -> tuple[str, ...]:
        """The record's index terms found in matched_text, rarest first."""
        return self.reasons.matched_terms[:_SHOWN_TERMS]

    @property
    def attributes(self) -> tuple[AttributeCheck, ...]:
        return tuple(
            AttributeCheck(key=c.key, record=c.record.described, candidate=c.concept.described, agrees=c.agrees)
            for c in self.reasons.comparison.checks
        )

    @property
    def foreign_attributes(self) -> tuple[str, ...]:
        """Record keys the candidate's template has no property for."""
        return self.reasons.foreign

    @property
    def features(self) -> dict[str, float]:
        """The inputs of the score (see `matchers.score`)."""
        return {**self.reasons.features, **self.extra_features}


@dataclass(frozen=True, slots=True, kw_only=True)
class PropertyValue:
    """A record value mapped onto a property of the winning class's template."""

    property: str
    label: str
    value: str | None = None  # enum value code, or text
    number: float | None = None  # in `unit`, the property's unit
    unit: str | None = None
    text: str  # what the record says
    source: str  # `text` or `column:<name>`


@dataclass(frozen=True, slots=True, kw_only=True)
class Conflict:
    property: str
    record: str
    expected: tuple[str, ...]  # the allowed values, or the standard item's value
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class MatchResult:
    text: str  # the record, normalized
    read_as: str | None = None  # the record's pinyin words read as Chinese, when that matched better
    scheme: str
    kind: str
    decision: Decision  # whether to trust `top`: auto (yes), review (a person decides), none (no)
    top: Candidate | None  # the best-ranked candidate, whatever the decision; None without candidates
    candidates: list[Candidate]
    values: list[PropertyValue] = field(default_factory=list)
    missing_required: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
