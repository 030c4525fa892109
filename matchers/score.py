"""The score stage: features of each candidate, combined into a calibrated 0-100 score.

Features (each about 0..1, or a small count):

- `query_coverage`: the idf mass of the record's terms that the candidate's matched text contains,
  over the idf mass of all the record's terms (for classes, of the terms of its name: those outside
  the values it states, `Profile.name_terms`); `concept_coverage` the same over the matched
  text's terms; `query_coverage_all` the record's coverage by all the candidate's texts together
  (labels in both languages, synonyms, definition); `query_coverage_names` by its names alone
  (labels, synonyms): a definition names related things (a security door's names its lock, a
  washer's says it may lock the joint), and `security door lock` is a lock; `index_relative`
  the index score over the
  best index score of the record; `support` ln(1 + the summed relative index scores of all the
  candidate's texts among the record's best documents), a vote of its examples; `classifier` the
  probability that the example classifier (`matchers.classifier`) gives the candidate and its
  narrower concepts, as its log (see `_log_probability`), 0 without examples, and
  `classifier_probability` the probability itself; `classifier_first` whether no other candidate
  has a higher probability (and it has some): the labels' words (`query_coverage_all`,
  `token_set`) can outweigh the classifier's first class, which alone is often right;
- `token_set`, `partial`: rapidfuzz's token_set_ratio and partial_ratio of the normalized texts,
  / 100; `token_set_classified` the same as `token_set` for a candidate that the classifier gives
  a probability, else 0: the default weights are fitted on tasks with examples (MWPD, the tariff)
  and without (CPMS), where the wording is all there is to go by, and with this feature the
  wording counts less where the classifier has a say (only for such candidates: a class without
  examples that the record names outright must not lose to one with a few);
- `attributes_agree`, `attributes_conflict`: record values that the candidate states (an item, a
  record) or allows (a class's template), or contradicts, up to 3 each; `attributes_foreign`:
  record values for which the candidate's template has no property (M8 for a hinge);
- `standard_agree`, `standard_conflict`: the same for the product standard (`GB/T 5783`, with
  its ISO and DIN equivalents when the value's synonyms list them);
- `standard_own`, `standard_narrower`: the record's standard is one of a class's own (stated by
  its own standard items, or named in its texts), or only one of its narrower classes' own: a
  template allows the standards of all its narrower classes, and `standard_agree` cannot tell
  六角头螺栓 from 六角头螺栓 全螺纹 for `六角头螺栓 GB/T 5783` (not for items);
- `model_agree`, `model_conflict`: the record and an item (a standard item, a catalog record)
  share a model number, or both have some and none is shared (not for classes, which hold many
  models);
- `hierarchy`: how well the record matched the candidate's ancestors (its class, for an item),
  as their best index score relative to the record's best class;
- `code_named`: the record contains the candidate's code; `example`: the matched text is a
  confirmed example.

    z(candidate) = bias + sum(weight[f] * feature[f])
    score(candidate) = 100 * exp(z) / (1 + sum of exp(z) over the record's candidates)

that is, the probability in percent that the candidate is the right concept, rather than another
candidate or none of them (a conditional logit, `matchers.logistic`; with a single candidate it
is 100 * sigmoid(z)). The weights are fitted on labelled matches (`Matcher.calibrate`; the
defaults on training data, see `DEFAULT_WEIGHTS`). Why each feature is there, and those that
were tried and dropped, with their figures: docs/matching.md, "Design history".
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import repeat
from types import MappingProxyType
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict, field_validator
from rapidfuzz import fuzz

from matchers.attributes import STANDARD, Attributes, Comparison, compare, foreign_keys, tally
from matchers.candidates import CandidateIndex, Hit
from matchers.logistic import Choice, choice_probabilities, fit_choices
from matchers.model_numbers import models_agree
from matchers.profile import Query
from matchers.snapshot import Kind


class Features(NamedTuple):
    """A candidate's features (see the module docstring): a name for every position of a row."""

    query_coverage: float
    query_coverage_all: float
    query_coverage_names: float
    concept_coverage: float
    index_relative: float
    support: float
    classifier: float
    classifier_probability: float
    classifier_first: float
    token_set: float
    token_set_classified: float
    partial: float
    attributes_agree: float
    attributes_conflict: float
    attributes_foreign: float
    standard_agree: float
    standard_conflict: float
    standard_own: float
    standard_narrower: float
    model_agree: float
    model_conflict: float
    hierarchy: float
    code_named: float
    example: float


FEATURES: tuple[str, ...] = Features._fields
_MAX_COUNT = 3
_NATS = 10.0  # the range of the classifier's log-probability that counts
_FUZZY = (fuzz.token_set_ratio, fuzz.partial_ratio)  # the features token_set and partial


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

    @cached_property
    def vector(self) -> tuple[float, ...]:
        """The weights in the order of `FEATURES` (0 for a feature without one)."""
        return tuple(self.weights.get(f, 0.0) for f in FEATURES)

    def logit(self, row: Sequence[float]) -> float:
        """The log-odds of a candidate with the features `row` (in the order of `FEATURES`)."""
        return self.bias + sum(map(operator.mul, self.vector, row))


HAND_SET: dict[Kind, dict[str, float]] = {
    "class": {
        "code_named": 6.0,
        "attributes_conflict": -3.5,
        "standard_conflict": -2.3,
        "standard_own": 3.0,
        "model_agree": 0.0,
        "model_conflict": 0.0,
    },
    "item": {"code_named": 6.0},
}
"""Weights set by hand, not fitted, where the training data cannot show them: no training record
names a code, yet a record that names one almost always means it; generated records only state
values that their class allows, so for classes the conflict weights are taken from the item fit;
model numbers are not compared with classes; and generated records never misstate a standard, so
a fitted `standard_own` is sure enough to override a record's own name (how 3.0 was chosen:
docs/matching.md, "Design history")."""


Labelled = tuple[list[list[float]], int | None]
"""A record's candidates as feature rows (in the order of `FEATURES`), and which one is right."""


def fit_weights(
    records: Sequence[Labelled], hand_set: Mapping[str, float], l2: float = 1.0, weights: Sequence[float] | None = None
) -> ScoreWeights:
    """Weights fitted on labelled records' candidates, with the `hand_set` ones as they are;
    `weights` say how much each record counts. The L2 penalty keeps weights finite where the
    training data separates perfectly (generated records never misstate a value; real ones, and
    the extractor, sometimes do)."""
    fitted = [i for i, name in enumerate(FEATURES) if name not in hand_set]
    fixed = [hand_set.get(name, 0.0) for name in FEATURES]
    choices = [
        Choice(
            [[x[i] for i in fitted] for x in rows],
            right,
            [sum(w * v for w, v in zip(fixed, x, strict=True)) for x in rows],
            weight,
        )
        for (rows, right), weight in zip(records, weights or [1.0] * len(records), strict=True)
    ]
    bias, fitted_weights = fit_choices(choices, l2)
    return ScoreWeights(
        bias=bias, weights={**dict(zip((FEATURES[i] for i in fitted), fitted_weights, strict=True)), **hand_set}
    )


DEFAULT_WEIGHTS: dict[Kind, ScoreWeights] = {
    "class": ScoreWeights(
        bias=-5.1280,
        weights={
            "query_coverage": -0.6168,
            "query_coverage_all": 2.5220,
            "query_coverage_names": 3.6410,
            "concept_coverage": -0.0557,
            "index_relative": 0.2012,
            "support": 0.5274,
            "classifier": 5.2045,
            "classifier_probability": 0.5274,
            "classifier_first": 0.4600,
            "token_set": 5.3663,
            "token_set_classified": -2.6587,
            "partial": -0.4756,
            "attributes_agree": 1.2625,
            "attributes_foreign": -0.3847,
            "standard_agree": 0.7733,
            "standard_narrower": -4.5943,
            "hierarchy": 0.0524,
            "example": -0.1481,
            "code_named": 6.0000,
            "attributes_conflict": -3.5000,
            "standard_conflict": -2.3000,
            "standard_own": 3.0000,
            "model_agree": 0.0000,
            "model_conflict": 0.0000,
        },
    ),
    "item": ScoreWeights(
        bias=-7.7943,
        weights={
            "query_coverage": 1.9834,
            "query_coverage_all": 1.9237,
            "concept_coverage": 1.6810,
            "query_coverage_names": 0.0000,
            "index_relative": 0.9155,
            "support": 3.2824,
            "classifier": 0.0000,
            "classifier_probability": 0.0000,
            "classifier_first": 0.0000,
            "token_set": 3.2196,
            "token_set_classified": 0.0000,
            "partial": 2.7846,
            "attributes_agree": -0.3820,
            "attributes_conflict": -5.1826,
            "attributes_foreign": 0.0000,
            "standard_agree": 0.5142,
            "standard_conflict": -3.8635,
            "standard_own": 0.0000,
            "standard_narrower": 0.0000,
            "model_agree": 4.1465,
            "model_conflict": -1.8793,
            "hierarchy": 1.3346,
            "example": 0.0000,
            "code_named": 6.0000,
        },
    ),
}
"""Fitted by `python -m benchmarks.fit_score_weights --per-task 1500` on training data only (see
there; which fit each comes from: docs/matching.md, "Design history")."""


@dataclass(slots=True)
class Scored:
    """Not frozen, though never changed, for the reason `Hit` is not."""

    hit: Hit
    row: Features
    matched: frozenset[str]  # the record's terms in the matched text
    idfs: Mapping[str, float]  # of the record's terms
    attributes: Attributes  # the record's
    score: float

    @property
    def features(self) -> dict[str, float]:
        return self.row._asdict()

    @property
    def matched_terms(self) -> tuple[str, ...]:
        """The record's terms in the matched text, rarest first (sorted only when shown)."""
        return tuple(sorted(self.matched, key=lambda t: (-self.idfs[t], t)))

    @property
    def comparison(self) -> Comparison:
        """The record's values checked against the candidate's (worked out only when shown)."""
        matched = self.hit.matched
        return compare(self.attributes, matched.attributes, matched.template_keys)

    @property
    def foreign(self) -> tuple[str, ...]:
        """The record's keys the candidate's template has no property for (without the checks)."""
        matched = self.hit.matched
        return foreign_keys(self.attributes, matched.attributes, matched.template_keys)


Described = tuple[Features, frozenset[str]]
"""A hit's features, and the record's terms it matched."""


def features(
    query: Query,
    hits: Sequence[Hit],
    index: CandidateIndex,
    context: Mapping[str, float],
    named: frozenset[str],
    weight: Mapping[str, float],
    classified: Mapping[str, float],
) -> list[Described]:
    """Features of each hit, and the record's terms it matched. `context`:
    relative index scores of the record's class candidates, by code; `weight`: the idf of each of
    the record's terms; `classified`: the classifier's probabilities, by code. Sums of idfs are `fsum`s:
    exact, so the same whatever order a set gives its terms in (it changes with the hash seed)."""
    q = query.profile
    # for classes, how much of the product's name a text covers: a class names a kind of product,
    # and the record's values (304不锈钢, M8*30, 镀锌) are weighed by the attribute features
    covered = q.name_terms if index.kind == "class" and q.name_terms else q.terms
    idf_of, fsum = weight.__getitem__, math.fsum  # bound once: the loop runs for every candidate
    covered_mass = fsum(map(idf_of, covered)) or 1.0
    best_index = hits[0].score if hits else 1.0
    probabilities = [classified.get(h.entry.concept.code, 0.0) for h in hits]
    best_class = max(probabilities, default=0.0)
    standard = q.attributes.get(STANDARD)
    standards = standard.texts if standard is not None else frozenset()
    token_set, partial = (_similarities(q.spaced, hits, scorer) for scorer in _FUZZY)
    record_terms, record_attributes, record_models = q.terms, q.attributes, q.models
    context_of, mass = context.get, index.mass
    out = []
    for hit, probability, token_set_ratio, partial_ratio in zip(hits, probabilities, token_set, partial, strict=True):
        doc, entry = hit.doc.profile, hit.matched
        doc_terms = doc.terms
        matched = record_terms & doc_terms
        agree, conflict, standard_agree, standard_conflict, foreign = tally(
            record_attributes, entry.attributes, entry.template_keys
        )
        concept = entry.concept
        models = models_agree(record_models, doc.models | entry.models) if concept.kind == "item" else None
        code = hit.entry.concept.code
        own = float(not standards.isdisjoint(entry.standards))
        row = Features(
            query_coverage=fsum(map(idf_of, covered & doc_terms)) / covered_mass,
            query_coverage_all=fsum(map(idf_of, covered & entry.terms)) / covered_mass,
            query_coverage_names=fsum(map(idf_of, covered & entry.name_terms)) / covered_mass,
            concept_coverage=fsum(map(idf_of, matched)) / (mass(hit.doc) or 1.0),
            index_relative=hit.score / best_index,
            support=math.log1p(hit.support),
            classifier=_log_probability(probability),
            classifier_probability=probability,
            classifier_first=float(0.0 < probability == best_class),
            token_set=token_set_ratio,
            token_set_classified=token_set_ratio if probability else 0.0,
            partial=partial_ratio,
            attributes_agree=min(_MAX_COUNT, agree),
            attributes_conflict=min(_MAX_COUNT, conflict),
            attributes_foreign=min(_MAX_COUNT, foreign),
            standard_agree=min(1, standard_agree),
            standard_conflict=min(1, standard_conflict),
            standard_own=own,
            standard_narrower=float(not own and not standards.isdisjoint(entry.narrower_standards)),
            model_agree=float(models is True),
            model_conflict=float(models is False),
            hierarchy=max(map(context_of, concept.ancestors, repeat(0.0)), default=0.0),
            code_named=float(code in named or concept.code in named),
            example=float(hit.doc.source == "example"),
        )
        out.append((row, matched))
    return out


def _log_probability(probability: float) -> float:
    """1 for a sure class, falling by 0.1 a nat to 0 at e^-10: a probability would lose the
    difference between a runner-up at e^-3 and one at e^-30."""
    return max(0.0, 1.0 + math.log(probability) / _NATS) if probability > 0 else 0.0


def _similarities(query: str, hits: Sequence[Hit], scorer: Callable[..., float]) -> list[float]:
    """The scorer's similarity of the record to each hit's text, or to the most similar of its
    alternates, 0..1 (a plain loop: for ten texts it is quicker than `process.extract` or
    `process.cdist`)."""
    similarities = []
    for hit in hits:
        similarity = scorer(query, hit.doc.profile.spaced)
        for doc in hit.alternates if similarity < 100.0 else ():
            similarity = max(similarity, scorer(query, doc.profile.spaced))
        similarities.append(similarity / 100.0)
    return similarities


def score(
    query: Query,
    hits: Sequence[Hit],
    index: CandidateIndex,
    weights: ScoreWeights,
    context: Mapping[str, float],
    named: frozenset[str] = frozenset(),
    classified: Mapping[str, float] = MappingProxyType({}),
) -> list[Scored]:
    """The hits scored, best first: each one's probability of being the right one, against the
    others and against none of them (see `matchers.logistic`)."""
    idfs = index.idfs(query.profile.terms)
    described = features(query, hits, index, context, named, idfs, classified)
    probabilities = choice_probabilities([weights.logit(row) for row, _ in described])
    attributes = query.profile.attributes
    scored = [
        Scored(hit, row, matched, idfs, attributes, 100.0 * p)
        for hit, (row, matched), p in zip(hits, described, probabilities, strict=True)
    ]
    return sorted(scored, key=lambda s: (-s.score, s.hit.entry.concept.code))
