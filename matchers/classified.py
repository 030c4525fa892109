"""What the example classifier says of one record: the classes it suggests for the shortlist,
and the probability it gives each candidate (the score feature `classifier`).

A suggested class joins the index's candidates even when none of its examples is among the
record's best documents. Matching to a level, a class's probability counts for its ancestors
too, so a GPC class gets the probabilities of the bricks whose examples the record resembles.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from matchers.candidates import CandidateIndex, Entry

_RANKED = 20  # classes whose probabilities count (the others' are negligible)
_SUGGESTED = 5  # at most this many join the shortlist
_JOIN = 0.01  # with at least this probability, and a term shared with the record


@dataclass(frozen=True, slots=True)
class Classified:
    suggested: tuple[Entry, ...]
    probabilities: Mapping[str, float]  # by code, a class's own plus its narrower classes'

    def suggests(self, entry: Entry) -> bool:
        return self.probabilities.get(entry.concept.code, 0.0) >= _JOIN


NOTHING = Classified((), MappingProxyType({}))


def classify(index: CandidateIndex, terms: Iterable[str], context: Iterable[str] = ()) -> Classified:
    """The classifier's suggestions for a record with these index terms and context terms;
    nothing when the index has no examples."""
    return classify_chunk(index, [(terms, context)])[0]


def classify_chunk(index: CandidateIndex, records: Sequence[tuple[Iterable[str], Iterable[str]]]) -> list[Classified]:
    """`classify` of each (terms, context) of a chunk, the classifier's scores in one product."""
    if not index.classifier:
        return [NOTHING] * len(records)
    return [_classified(index, ranked) for ranked in index.classifier.rank_chunk(records, _RANKED)]


def _classified(index: CandidateIndex, ranked: list[tuple[str, float, bool]]) -> Classified:
    if not ranked:
        return NOTHING
    probabilities: dict[str, float] = {}
    suggested = []
    for position, (code, probability, shared) in enumerate(ranked):
        entry = index.entry(code)
        if entry is None:
            continue
        if position < _SUGGESTED and shared and probability >= _JOIN:
            suggested.append(entry)
        for key in (code, *entry.concept.ancestors):
            probabilities[key] = probabilities.get(key, 0.0) + probability
    return Classified(tuple(suggested), probabilities)
