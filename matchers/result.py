"""What a match returns (the output stage's types)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from matchers.decide import Decision


class Output(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AttributeCheck(Output):
    """A record value compared with the candidate's values (stated, or allowed by its template)."""

    key: str
    record: list[str]
    candidate: list[str]
    agrees: bool


class Candidate(Output):
    scheme: str
    code: str
    kind: str
    label: str
    score: float  # 0-100, about the probability in percent that this is the right concept
    matched_text: str  # the label, synonym, definition, example or record text that matched
    matched_source: str
    matched_terms: list[str]  # the record's index terms found in matched_text, rarest first
    replaces: str | None = None  # the deprecated concept the record named, which this replaces
    narrower: str | None = None  # the narrower concept whose text matched, when matching to a level
    attributes: list[AttributeCheck] = []
    foreign_attributes: list[str] = []  # record keys the candidate's template has no property for
    features: dict[str, float] = {}  # the inputs of the score (see matchers.score)


class PropertyValue(Output):
    """A record value mapped onto a property of the winning class's template."""

    property: str
    label: str
    value: str | None = None  # enum value code, or text
    number: float | None = None  # in `unit`, the property's unit
    unit: str | None = None
    text: str  # what the record says
    source: str  # `text` or `column:<name>`


class Conflict(Output):
    property: str
    record: str
    expected: list[str]  # the allowed values, or the standard item's value
    reason: str


class MatchResult(Output):
    text: str  # the record, normalized
    read_as: str | None = None  # the record's pinyin words read as Chinese, when that matched better
    scheme: str
    kind: str
    decision: Decision
    best: Candidate | None
    candidates: list[Candidate]
    values: list[PropertyValue] = []
    missing_required: list[str] = []
    conflicts: list[Conflict] = []
    warnings: list[str] = []
