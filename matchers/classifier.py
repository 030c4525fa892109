"""A text classifier learned from confirmed examples: multinomial naive Bayes over index terms.

The candidate index finds a concept through the one example that looks most like the record;
the classifier weighs all of a concept's examples at once, so a record whose words are typical of
a class (`charm`, `pendant`, `sterling` for jewellery) finds it even when no single example shares
its rarer terms. Each example counts a term once (the index terms of a record, as a set):

    log P(c | terms) = log P(c) + sum over the record's known terms t of log P(t | c) + const
    P(c) = examples of c / all examples
    P(t | c) = (n(c, t) + ALPHA) / (n(c) + ALPHA * V)     (n(c) all term counts of c, V terms)

Only concepts with examples are classes, so a scheme without examples costs nothing. Examples
confirmed later are added in place (`add`), as in the candidate index: each array is replaced by
a copy with the example, classes before postings, so a reader in another thread never finds a
posting without its class. Writers must be serialized (the engine holds a lock).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

ALPHA = 0.01  # small: product texts are short, a term seen once in a class is strong evidence


@dataclass(frozen=True, slots=True)
class _Postings:
    """The classes whose examples contain a term, and in how many of their examples."""

    classes: np.ndarray
    counts: np.ndarray

    def plus(self, position: int) -> _Postings:
        at = np.searchsorted(self.classes, position)
        if at < len(self.classes) and self.classes[at] == position:
            counts = self.counts.copy()
            counts[at] += 1.0
            return _Postings(self.classes, counts)
        return _Postings(np.insert(self.classes, at, position), np.insert(self.counts, at, 1.0))


class ExampleClassifier:
    def __init__(self) -> None:
        self.codes: list[str] = []
        self._position: dict[str, int] = {}
        self._counts = (np.zeros(0), np.zeros(0))  # examples, and term counts, per class: one assignment
        self._postings: dict[str, _Postings] = {}
        self._building: dict[str, dict[int, int]] | None = {}
        self._built_counts: tuple[list[float], list[float]] = ([], [])

    def __bool__(self) -> bool:
        return bool(self.codes)

    def add(self, code: str, terms: Iterable[str]) -> None:
        """Learn one example of the class `code` (its index terms)."""
        terms = sorted(set(terms))
        position = self._position.setdefault(code, len(self.codes))
        if position == len(self.codes):
            self.codes.append(code)
        if self._building is not None:
            examples, totals = self._built_counts
            if position == len(examples):
                examples.append(0.0)
                totals.append(0.0)
            examples[position] += 1.0
            totals[position] += len(terms)
            for term in terms:
                counts = self._building.setdefault(term, {})
                counts[position] = counts.get(position, 0) + 1
            return
        examples, totals = (np.pad(a, (0, len(self.codes) - len(a))) for a in self._counts)
        examples[position] += 1.0
        totals[position] += len(terms)
        self._counts = examples, totals
        for term in terms:
            postings = self._postings.get(term)
            self._postings[term] = (
                postings.plus(position) if postings else _Postings(np.array([position]), np.array([1.0]))
            )

    def freeze(self) -> None:
        """End the build: the counts so far become arrays; later examples are added in place."""
        if self._building is None:
            return
        for term, counts in self._building.items():
            classes = sorted(counts)
            self._postings[term] = _Postings(np.array(classes), np.array([float(counts[c]) for c in classes]))
        self._counts = (np.array(self._built_counts[0]), np.array(self._built_counts[1]))
        self._building, self._built_counts = None, ([], [])

    def rank(self, terms: Iterable[str], size: int) -> list[tuple[str, float, bool]]:
        """The `size` likeliest classes of a record with these index terms, likeliest first (equal
        ones in the order their first example came): (code, probability among all classes,
        whether its examples share a term with the record)."""
        if not self.codes:
            return []
        found = [p for t in sorted(terms) if (p := self._postings.get(t))]
        if not found:
            return []
        examples, totals = self._counts  # read after the postings (see `add`)
        classes = np.concatenate([p.classes for p in found])
        shared = np.bincount(classes, weights=np.log1p(np.concatenate([p.counts for p in found]) / ALPHA))
        shared = np.pad(shared, (0, len(totals) - len(shared)))
        vocabulary = len(self._postings)
        log_odds = (
            shared
            + np.log(examples / examples.sum())
            + len(found) * (np.log(ALPHA) - np.log(totals + ALPHA * vocabulary))
        )
        probabilities = np.exp(log_odds - log_odds.max())
        probabilities /= probabilities.sum()
        best = np.lexsort((np.arange(len(log_odds)), -log_odds))[:size]
        return [
            (self.codes[c], p, s > 0)
            for c, p, s in zip(best.tolist(), probabilities[best].tolist(), shared[best].tolist(), strict=True)
        ]
