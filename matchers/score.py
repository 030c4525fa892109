"""The score stage: features of each candidate, combined into a calibrated 0-100 score.

Features (each about 0..1, or a small count):

- `query_coverage`: the idf mass of the record's terms that the candidate's matched text contains,
  over the idf mass of all the record's terms; `concept_coverage` the same over the matched
  text's terms; `index_relative` the index score over the best index score of the record;
- `token_set`, `partial`, `wratio`: rapidfuzz similarities of the normalized texts, / 100;
- `attributes_agree`, `attributes_conflict`: record values that the candidate states (an item, a
  record) or allows (a class's template), or contradicts, up to 3 each; `attributes_foreign`:
  record values for which the candidate's template has no property (M8 for a hinge);
- `standard_agree`, `standard_conflict`: the same for the product standard (`GB/T 5783`, with
  its ISO and DIN equivalents when the value's synonyms list them);
- `model_agree`, `model_conflict`: the records share a model number, or both have some and none
  is shared;
- `hierarchy`: how well the record matched the candidate's ancestors (its class, for an item),
  as their best index score relative to the record's best class;
- `code_named`: the record contains the candidate's code; `example`: the matched text is a
  confirmed example.

    score = 100 * sigmoid(bias + sum(weight[f] * feature[f]))

The weights are fitted by logistic regression on labelled matches (`Matcher.calibrate`; the
defaults come from the benchmark data, see `DEFAULT_WEIGHTS`), so a score reads as the
probability, in percent, that the candidate is the right concept.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, field_validator
from rapidfuzz import fuzz, process

from matchers.attributes import Comparison, compare
from matchers.candidates import CandidateIndex, Hit
from matchers.logistic import sigmoid
from matchers.model_numbers import models_agree
from matchers.profile import Query

FEATURES = (
    "query_coverage", "concept_coverage", "index_relative", "token_set", "partial", "wratio",
    "attributes_agree", "attributes_conflict", "attributes_foreign", "standard_agree", "standard_conflict",
    "model_agree", "model_conflict", "hierarchy", "code_named", "example",
)  # fmt: skip
_MAX_COUNT = 3


class ScoreWeights(BaseModel):
    """The logistic combination of the features into a score."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    bias: float
    weights: dict[str, float]

    @field_validator("weights")
    @classmethod
    def _known_features(cls, weights: dict[str, float]) -> dict[str, float]:
        unknown = set(weights) - set(FEATURES)
        if unknown:
            raise ValueError(f"unknown features {sorted(unknown)}; known: {', '.join(FEATURES)}")
        return weights

    def probability(self, features: Mapping[str, float]) -> float:
        return sigmoid(self.bias + sum(w * features.get(f, 0.0) for f, w in self.weights.items()))


DEFAULT_WEIGHTS = ScoreWeights(bias=-6.0, weights={"query_coverage": 4.0, "concept_coverage": 2.0, "token_set": 3.0})
"""Placeholder until fitted."""


@dataclass(frozen=True, slots=True)
class Scored:
    hit: Hit
    features: dict[str, float]
    matched_terms: tuple[str, ...]
    comparison: Comparison
    score: float


def _mass(terms, idf) -> float:
    return sum(idf(t) for t in terms)


def features(
    query: Query,
    hits: Sequence[Hit],
    index: CandidateIndex,
    context: Mapping[str, float],
    named: frozenset[str],
) -> list[tuple[dict[str, float], tuple[str, ...], Comparison]]:
    """Features of each hit, the record's terms it matched (rarest first), its attribute checks.
    `context`: relative index scores of the record's class candidates, by code."""
    q = query.profile
    idf = index.idf
    query_mass = _mass(q.terms, idf) or 1.0
    best_index = hits[0].score if hits else 1.0
    texts = [h.doc.profile.text for h in hits]
    fuzzy = {
        name: _similarities(q.text, texts, scorer)
        for name, scorer in (("token_set", fuzz.token_set_ratio), ("partial", fuzz.partial_ratio), ("wratio", fuzz.WRatio))
    }
    out = []
    for i, hit in enumerate(hits):
        doc, entry = hit.doc.profile, hit.entry
        matched = sorted(q.terms & doc.terms, key=idf, reverse=True)
        matched_mass = _mass(matched, idf)
        comparison = compare(q.attributes, entry.attributes, entry.template_keys)
        models = models_agree(q.models, doc.models)
        f = {
            "query_coverage": matched_mass / query_mass,
            "concept_coverage": matched_mass / (_mass(doc.terms, idf) or 1.0),
            "index_relative": hit.score / best_index,
            "token_set": fuzzy["token_set"][i],
            "partial": fuzzy["partial"][i],
            "wratio": fuzzy["wratio"][i],
            "attributes_agree": min(_MAX_COUNT, comparison.count(True, standard=False)),
            "attributes_conflict": min(_MAX_COUNT, comparison.count(False, standard=False)),
            "attributes_foreign": min(_MAX_COUNT, len(comparison.foreign)),
            "standard_agree": min(1, comparison.count(True, standard=True)),
            "standard_conflict": min(1, comparison.count(False, standard=True)),
            "model_agree": float(models is True),
            "model_conflict": float(models is False),
            "hierarchy": max((context.get(a, 0.0) for a in entry.concept.ancestors), default=0.0),
            "code_named": float(entry.concept.code in named),
            "example": float(hit.doc.source == "example"),
        }
        out.append((f, tuple(matched), comparison))
    return out


def _similarities(query: str, texts: list[str], scorer) -> list[float]:
    scores = [0.0] * len(texts)
    for _, score, i in process.extract(query, texts, scorer=scorer, limit=None):
        scores[i] = score / 100.0
    return scores


def score(
    query: Query,
    hits: Sequence[Hit],
    index: CandidateIndex,
    weights: ScoreWeights,
    context: Mapping[str, float],
    named: frozenset[str] = frozenset(),
) -> list[Scored]:
    """The hits scored, best first."""
    scored = [
        Scored(hit, f, matched, comparison, 100.0 * weights.probability(f))
        for hit, (f, matched, comparison) in zip(hits, features(query, hits, index, context, named), strict=True)
    ]
    return sorted(scored, key=lambda s: s.score, reverse=True)
