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
  confirmed example;
- `head`: how much of the record's head noun the candidate's names give (`matchers.heads`: 1 for
  the longest name ending the head segment, or a standard of its own, a share for a shorter one);
  `modifier`: the candidate is named only by words that narrow the head (车辆 of 车辆紧固用螺丝,
  防盗门 of `锁芯 防盗门`); `opposite`: where its labels say the opposite of the record, up to 2
  (`matchers.opposites`: 非金属 against 金属, 左旋 against 右旋).

In the coverage features, the record's weak terms (light words, pack counts, words spread over
many concepts' examples, and words no concept has when the record's head is one it knows) count
`LIGHT` of their idf, and the terms only the narrowing words give count `NARROWING`; for classes,
a record value agrees with a template only when the record names the class (`head`, or a word of
two characters or more of its names): a size does not choose the class.

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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import repeat
from typing import NamedTuple

import numpy as np
from pydantic import BaseModel, ConfigDict, field_validator

from matchers.attributes import STANDARD, Attributes, Comparison, compare, foreign_keys, tally
from matchers.candidates import CandidateIndex, Hit
from matchers.heads import Heads
from matchers.logistic import Choice, choice_probabilities, fit_choices
from matchers.model_numbers import models_agree
from matchers.opposites import contradictions
from matchers.profile import Query
from matchers.similarity import Similarities, chunk_similarities, similarities
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
    head: float
    modifier: float
    opposite: float


FEATURES: tuple[str, ...] = Features._fields
_MAX_COUNT = 3
_NATS = 10.0  # the range of the classifier's log-probability that counts
LIGHT = 0.1
"""What a weak term (a light word, a word no concept knows, a word spread over many concepts'
examples) counts in the record's coverage, as a share of its idf."""
NARROWING = 0.3
"""What a term that only the words narrowing the head give (抽屉滑轨 of 抽屉滑轨用螺丝, 防盗门 of
`锁芯 防盗门`) counts in the record's coverage, as a share of its idf: the head counts most."""


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

    def logits(self, rows: np.ndarray) -> np.ndarray:
        """`logit` of each row of a matrix, summed feature by feature as `logit` sums them: the same
        floats (a matrix product sums in another order, and equal rows could then differ)."""
        total = np.zeros(len(rows))
        for weight, column in zip(self.vector, rows.T, strict=True):
            total += weight * column
        return self.bias + total


HAND_SET: dict[Kind, dict[str, float]] = {
    "class": {
        "code_named": 6.0,
        "attributes_conflict": -3.5,
        "standard_conflict": -2.3,
        "standard_own": 3.0,
        "model_agree": 0.0,
        "model_conflict": 0.0,
        "opposite": -4.0,
    },
    "item": {"code_named": 6.0, "opposite": -4.0, "head": 0.0, "modifier": 0.0},
}
"""Weights set by hand, not fitted, where the training data cannot show them: no training record
names a code, yet a record that names one almost always means it; generated records only state
values that their class allows, so for classes the conflict weights are taken from the item fit;
model numbers are not compared with classes; generated records never misstate a standard, so
a fitted `standard_own` is sure enough to override a record's own name (how 3.0 was chosen:
docs/matching.md, "Design history"); and they never say the opposite of their class (`opposite`)."""


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
        bias=-4.4923,
        weights={
            "query_coverage": 0.6429,
            "query_coverage_all": 1.0270,
            "query_coverage_names": 1.8518,
            "concept_coverage": 0.0555,
            "index_relative": -0.5215,
            "support": 0.6329,
            "classifier": 4.4863,
            "classifier_probability": 0.6418,
            "classifier_first": 0.5861,
            "token_set": 3.1207,
            "token_set_classified": -1.0603,
            "partial": -0.4515,
            "attributes_agree": 1.1067,
            "attributes_foreign": -0.0640,
            "standard_agree": 0.1112,
            "standard_narrower": -3.4558,
            "hierarchy": 0.2585,
            "example": -0.1003,
            "head": 3.2302,
            "modifier": -0.1288,
            "code_named": 6.0000,
            "attributes_conflict": -3.5000,
            "standard_conflict": -2.3000,
            "standard_own": 3.0000,
            "model_agree": 0.0000,
            "model_conflict": 0.0000,
            "opposite": -4.0000,
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
            "head": 0.0000,
            "modifier": 0.0000,
            "opposite": -4.0000,
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
    opposites: list[tuple[str, str]]  # where its labels say the opposite of the record

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


Described = tuple[Features, frozenset[str], list[tuple[str, str]]]
"""A hit's features, the record's terms it matched, and where its labels say the opposite of the
record (see `matchers.opposites.contradictions`)."""


@dataclass(frozen=True, slots=True)
class Shortlist:
    """A record's candidates, and what the candidates stage found that scores them. `context`:
    relative index scores of the record's class candidates, by code; `named`: codes the record
    names; `classified`: the classifier's probabilities, by code."""

    query: Query
    hits: Sequence[Hit]
    context: Mapping[str, float]
    named: frozenset[str]
    classified: Mapping[str, float]
    heads: Heads


def features(
    shortlist: Shortlist, index: CandidateIndex, weight: Mapping[str, float], similar: Similarities
) -> list[Described]:
    """Features of each hit, and the record's terms it matched. `weight`: the idf of each of the
    record's terms; `similar`: the fuzzy features of each hit (`matchers.similarity`). Sums of
    idfs are `fsum`s: exact, so the same whatever order a set gives its terms in (it changes with
    the hash seed)."""
    query, hits, context, named = shortlist.query, shortlist.hits, shortlist.context, shortlist.named
    classified, heads = shortlist.classified, shortlist.heads
    q = query.profile
    classes = index.kind == "class"
    # for classes, how much of the product's name a text covers: a class names a kind of product,
    # and the record's values (304不锈钢, M8*30, 镀锌) are weighed by the attribute features
    covered = q.name_terms if classes and q.name_terms else q.terms
    # words that say little about the product (加厚, 包邮, a brand beside a product the scheme
    # knows) count little against anyone; beside a head no concept has, an unknown word may be
    # the product itself, and counts
    weak = q.light | index.spread_terms(q.terms) | (index.unknown_terms(q.terms) if heads.head else frozenset())
    narrowing = heads.modifier_terms if heads.head else frozenset()  # 抽屉滑轨 of 抽屉滑轨用螺丝
    idf_of = {
        t: w * LIGHT if t in weak else w * NARROWING if t in narrowing else w for t, w in weight.items()
    }.__getitem__
    fsum = math.fsum  # bound once: the loop runs for every candidate
    covered_mass = fsum(map(idf_of, covered)) or 1.0
    best_index = hits[0].score if hits else 1.0
    probabilities = [classified.get(h.entry.concept.code, 0.0) for h in hits]
    best_class = max(probabilities, default=0.0)
    standard = q.attributes.get(STANDARD)
    standards = standard.texts if standard is not None else frozenset()
    token_set, partial = similar
    record_terms, record_attributes, record_models = q.terms, q.attributes, q.models
    context_of, mass, stances_at = context.get, index.mass, index.stances
    record_stances = q.stances
    make = Features._make  # from a tuple (its length checked): a named tuple's keywords cost several times as much
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
        position = index.position(hit.entry)
        head = max(heads.head.get(position, 0.0), own)  # a standard of its own names it as well as its name
        by_names = covered & entry.name_terms
        if agree and classes and not head and all(len(t) == 1 for t in by_names):
            agree = 0  # a value the record states does not choose a class the record does not name
        # a record whose own standard names the candidate contradicts itself: a person decides
        opposites = [] if own else contradictions(record_stances, *stances_at(position))
        ancestors = concept.ancestors
        row = make(
            (
                fsum(map(idf_of, covered & doc_terms)) / covered_mass,  # query_coverage
                fsum(map(idf_of, covered & entry.terms)) / covered_mass,  # query_coverage_all
                fsum(map(idf_of, by_names)) / covered_mass,  # query_coverage_names
                fsum(map(weight.__getitem__, matched)) / (mass(hit.doc) or 1.0),  # concept_coverage
                hit.score / best_index,  # index_relative
                math.log1p(hit.support),  # support
                _log_probability(probability),  # classifier
                probability,  # classifier_probability
                float(0.0 < probability == best_class),  # classifier_first
                token_set_ratio,  # token_set
                token_set_ratio if probability else 0.0,  # token_set_classified
                partial_ratio,  # partial
                min(_MAX_COUNT, agree),  # attributes_agree
                min(_MAX_COUNT, conflict),  # attributes_conflict
                min(_MAX_COUNT, foreign),  # attributes_foreign
                min(1, standard_agree),  # standard_agree
                min(1, standard_conflict),  # standard_conflict
                own,  # standard_own
                float(not own and not standards.isdisjoint(entry.narrower_standards)),  # standard_narrower
                float(models is True),  # model_agree
                float(models is False),  # model_conflict
                max(map(context_of, ancestors, repeat(0.0))) if ancestors and context else 0.0,  # hierarchy
                float(code in named or concept.code in named),  # code_named
                float(hit.doc.source == "example"),  # example
                head,  # head
                float(position in heads.modifiers),  # modifier
                float(len(opposites)),  # opposite
            ),
        )
        out.append((row, matched, opposites))
    return out


def _log_probability(probability: float) -> float:
    """1 for a sure class, falling by 0.1 a nat to 0 at e^-10: a probability would lose the
    difference between a runner-up at e^-3 and one at e^-30."""
    return max(0.0, 1.0 + math.log(probability) / _NATS) if probability > 0 else 0.0


def score(shortlist: Shortlist, index: CandidateIndex, weights: ScoreWeights) -> list[Scored]:
    """The hits scored, best first: each one's probability of being the right one, against the
    others and against none of them (see `matchers.logistic`)."""
    idfs = index.idfs(shortlist.query.profile.terms)
    described = features(shortlist, index, idfs, similarities(shortlist.query.profile.spaced, shortlist.hits))
    return _ranked(shortlist, idfs, described, [weights.logit(row) for row, _, _ in described])


def score_chunk(shortlists: Sequence[Shortlist], index: CandidateIndex, weights: ScoreWeights) -> list[list[Scored]]:
    """`score` of each record of a chunk, with the same floats: the fuzzy features of the whole
    chunk in one call per scorer, its logits as one sum over a matrix."""
    similar = chunk_similarities([(s.query.profile.spaced, s.hits) for s in shortlists])
    idfs = [index.idfs(s.query.profile.terms) for s in shortlists]
    described = [features(s, index, w, f) for s, w, f in zip(shortlists, idfs, similar, strict=True)]
    rows = [row for d in described for row, _, _ in d]
    logits = weights.logits(np.array(rows, dtype=np.float64).reshape(len(rows), len(FEATURES))).tolist()
    out, at = [], 0
    for shortlist, w, d in zip(shortlists, idfs, described, strict=True):
        out.append(_ranked(shortlist, w, d, logits[at : at + len(d)]))
        at += len(d)
    return out


def _ranked(
    shortlist: Shortlist, idfs: Mapping[str, float], described: list[Described], logits: Sequence[float]
) -> list[Scored]:
    probabilities = choice_probabilities(logits)
    attributes = shortlist.query.profile.attributes
    scored = [
        Scored(hit, row, matched, idfs, attributes, 100.0 * p, opposites)
        for hit, (row, matched, opposites), p in zip(shortlist.hits, described, probabilities, strict=True)
    ]
    return sorted(scored, key=lambda s: (-s.score, s.hit.entry.concept.code))
