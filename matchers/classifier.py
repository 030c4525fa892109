"""A text classifier learned from confirmed examples: a multinomial logistic regression over index
terms (`matchers.softmax`).

The candidate index finds a concept through the one example that looks most like the record;
the classifier weighs all of a concept's examples at once, so a record whose words are typical of
a class (`charm`, `pendant`, `sterling` for jewellery) finds it even when no single example shares
its rarer terms. Each example counts a term once (the index terms of a record, as a set), weighted
by its idf among the examples. A class's probability is the softmax of its scores over all
classes: log-odds that are calibrated, which the score stage can weigh (what it replaced, and
the terms that did not help: docs/matching.md, "Design history").

A record's context (its description, `matchers.record.record_context`) is evidence too, but weaker
and noisier: its terms (apart from the text's, prefixed) join the record's vector at a lesser
length (`matchers.softmax.CONTEXT_WEIGHT`): added to the record's text instead, long marketing
text would outweigh the name. A record or an example without context is scored without it.

A record's class probabilities discount the classes' shares of the examples (`PRIOR`, a
post-hoc logit adjustment): confirmations pile up in a few common classes (a third of the MWPD
offers are tops), and a model learnt from them leans to those classes whenever the record's
words are not decisive. Half of the log-share is discounted (how much, and why not all of it:
docs/matching.md, "Design history").

Only concepts with examples are classes, so a scheme without examples costs nothing. Examples
confirmed later are added in place (`add`), as in the candidate index: each takes one gradient
step. Each array is replaced by a copy with the example, classes before postings before weights,
so a reader in another thread never finds a posting or a weight without its class. Writers must
be serialized (the engine holds a lock).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from matchers.softmax import NO_WEIGHTS, Example, Weights, probabilities, step, train, vector

PRIOR = 0.5  # how much of the examples' class shares a ranking discounts (0: none, 1: all)

PRODUCT = 64
"""Records of a chunk scored in one sparse product: a product's arrays then stay in the
processor's cache. On MWPD's 2,000 offers (281 classes with examples), one process, the ranking
took 396-412 µs a record in products of 1,000 records, 255-259 one record at a time, and 204-212
in products of 64 (`docs/matching.md`, "Speed")."""


@dataclass(frozen=True, slots=True)
class _Postings:
    """The classes whose examples contain a term, and in how many examples in all it is."""

    classes: np.ndarray
    examples: float

    def plus(self, position: int) -> _Postings:
        at = np.searchsorted(self.classes, position)
        if at < len(self.classes) and self.classes[at] == position:
            return _Postings(self.classes, self.examples + 1.0)
        return _Postings(np.insert(self.classes, at, position), self.examples + 1.0)


_Found = tuple[list[tuple[str, _Postings]], list[tuple[str, _Postings]]]
"""A record's terms and context terms that examples have, with their postings."""


def idfs(examples: float, containing: np.ndarray) -> np.ndarray:
    """The idf of terms found in `containing` of all `examples` (as the candidate index's)."""
    return np.log1p((examples - containing + 0.5) / (containing + 0.5))


class ExampleClassifier:
    def __init__(self) -> None:
        self.codes: list[str] = []
        self._position: dict[str, int] = {}
        self._examples = 0.0
        self._postings: dict[str, _Postings] = {}  # terms and context terms alike
        self._weights: dict[str, Weights] = {}
        self._counts = np.zeros(0)  # examples of each class
        self._log_counts = np.zeros(0)
        self._building: dict[str, tuple[set[int], int]] | None = {}
        self._built_examples: list[Example] = []

    def __bool__(self) -> bool:
        return bool(self.codes)

    def add(self, code: str, terms: Iterable[str], context: Iterable[str] = ()) -> None:
        """Learn one example of the class `code` (its index terms, and its context terms)."""
        parts = (sorted(set(terms)), sorted(set(context)))
        position = self._position.setdefault(code, len(self.codes))
        if self._building is None:
            self._count(position)  # before the class: see `rank`
        if position == len(self.codes):
            self.codes.append(code)
        if self._building is not None:
            for term in (*parts[0], *parts[1]):
                classes, examples = self._building.get(term, (set(), 0))
                classes.add(position)
                self._building[term] = (classes, examples + 1)
            self._built_examples.append((position, *parts))
            self._examples += 1.0
            return
        for term in (*parts[0], *parts[1]):
            postings = self._postings.get(term)
            self._postings[term] = postings.plus(position) if postings else _Postings(np.array([position]), 1.0)
        self._examples += 1.0
        self._step(position, *parts)

    def freeze(self) -> None:
        """End the build: the postings so far become arrays and the model learns the examples;
        later examples are added in place."""
        if self._building is None:
            return
        for term, (classes, examples) in self._building.items():
            self._postings[term] = _Postings(np.array(sorted(classes)), float(examples))
        positions = np.array([p for p, _, _ in self._built_examples], dtype=np.int64)
        self._counts = np.bincount(positions, minlength=len(self.codes)).astype(np.float64)
        self._log_counts = np.log(self._counts)
        if self._built_examples:
            terms = sorted(self._postings)
            containing = np.array([self._postings[t].examples for t in terms])
            idf = dict(zip(terms, idfs(self._examples, containing).tolist(), strict=True))
            self._weights = train(self._built_examples, len(self.codes), idf)
        self._building, self._built_examples = None, []

    def _count(self, position: int) -> None:
        counts = np.append(self._counts, 0.0) if position == len(self._counts) else self._counts.copy()
        counts[position] += 1.0
        self._counts, self._log_counts = counts, np.log(counts)

    def _found(self, terms: Iterable[str]) -> list[tuple[str, _Postings]]:
        return [(t, p) for t in sorted(terms) if (p := self._postings.get(t))]

    def _scores(
        self, found: list[tuple[str, _Postings]], context: list[tuple[str, _Postings]], examples: float
    ) -> np.ndarray:
        """Each class's score for a record with these known terms and context terms, out of
        `examples` in all."""
        return self._chunk_scores([(found, context)], examples)[0]

    def _chunk_scores(self, records: Sequence[_Found], examples: float) -> np.ndarray:
        """`_scores` of each record of a chunk, a row each: the records' vectors times the weights as
        one sparse product (a bincount in which each record's classes are its own bins, summed in
        the order a record alone sums them)."""
        width = len(self.codes)
        weights: list[Weights] = []
        starts: list[int] = []  # a term's record's first bin
        values: list[float] = []  # a term's value in its record's vector
        for row, (found, context) in enumerate(records):
            weights += [self._weights.get(t, NO_WEIGHTS) for t, _ in (*found, *context)]
            starts += [row * width] * (len(found) + len(context))
            values += self._vector(found, context, examples).tolist()
        # each term's weights times its value, in one multiplication over the chunk, not one a term
        sizes = [len(w.classes) for w in weights]
        classes = np.concatenate([w.classes for w in weights]) + np.repeat(starts, sizes)
        products = np.concatenate([w.weights for w in weights]) * np.repeat(values, sizes)
        scores = np.bincount(classes, weights=products, minlength=len(records) * width)
        return scores.astype(np.float64).reshape(len(records), width)  # integers when no term has weights

    @staticmethod
    def _vector(
        found: list[tuple[str, _Postings]], context: list[tuple[str, _Postings]], examples: float
    ) -> np.ndarray:
        return vector(*(idfs(examples, np.array([p.examples for _, p in part])) for part in (found, context)))

    def _step(self, position: int, terms: list[str], context: list[str]) -> None:
        """One gradient step on a confirmed example."""
        found, found_context = self._found(terms), self._found(context)
        if not found and not found_context:
            return
        changes = step(self._scores(found, found_context, self._examples), position)
        x = self._vector(found, found_context, self._examples)
        for (term, _), value in zip((*found, *found_context), x.tolist(), strict=True):
            self._weights[term] = self._weights.get(term, NO_WEIGHTS).plus({c: v * value for c, v in changes.items()})

    def rank(self, terms: Iterable[str], size: int, context: Iterable[str] = ()) -> list[tuple[str, float, bool]]:
        """The `size` likeliest classes of a record with these index terms and context terms,
        likeliest first (equal ones in the order their first example came): (code, probability
        among all classes, whether its examples share a term, not only a context term, with the
        record)."""
        return self.rank_chunk([(terms, context)], size)[0]

    def rank_chunk(
        self, records: Sequence[tuple[Iterable[str], Iterable[str]]], size: int
    ) -> list[list[tuple[str, float, bool]]]:
        """`rank` of each (terms, context) of a chunk, their scores in products of `PRODUCT` records."""
        if not self.codes:
            return [[] for _ in records]
        found = [(self._found(terms), self._found(context)) for terms, context in records]
        known = [i for i, (terms, context) in enumerate(found) if terms or context]
        ranked: list[list[tuple[str, float, bool]]] = [[] for _ in records]
        if not known:
            return ranked
        chosen = [found[i] for i in known]
        scores = np.concatenate(
            [self._chunk_scores(chosen[at : at + PRODUCT], self._examples) for at in range(0, len(chosen), PRODUCT)]
        )
        scores -= PRIOR * self._log_counts[: scores.shape[1]]  # never shorter: `add` sets it before a class
        for i, row in zip(known, scores, strict=True):
            ranked[i] = self._ranked(row, found[i][0], size)
        return ranked

    def _ranked(
        self, scores: np.ndarray, found: list[tuple[str, _Postings]], size: int
    ) -> list[tuple[str, float, bool]]:
        chances = probabilities(scores)
        shared = np.zeros(len(scores), dtype=bool)
        if found:
            shared[np.concatenate([p.classes for _, p in found])] = True
        best = np.lexsort((np.arange(len(scores)), -scores))[:size]
        return [
            (self.codes[c], p, s)
            for c, p, s in zip(best.tolist(), chances[best].tolist(), shared[best].tolist(), strict=True)
        ]
