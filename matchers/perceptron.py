"""An averaged perceptron over idf-weighted index terms: the discriminative half of the example
classifier (`matchers.classifier`).

Naive Bayes counts every term of a class's examples as independent evidence; the perceptron
learns from its mistakes which terms tell classes apart. A record is the vector of its terms'
idfs, of unit length; a class scores the dot product with its weights. A record with context
(a description: `matchers.record.record_context`) adds its context terms' idfs, as a vector of
length `CONTEXT_WEIGHT`, before the whole is made of unit length. Training visits the
examples in an order fixed by a seeded permutation for `EPOCHS` rounds; each example the weights
do not put strictly first moves its terms toward its class and away from the class that beat it.
The weights kept are the average over all steps (less sensitive to the last examples seen).

Training runs over a dense terms-by-classes matrix (a step is a few numpy calls); when that would
hold more than `_CELLS` weights, only the commonest terms are learned (the rarer ones are left to
naive Bayes). The weights are then kept per term, for the classes where they are not zero.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

EPOCHS = 5
CONTEXT_WEIGHT = 0.5  # chosen on the MWPD train split (0.3 to 1.5 tried; 0.5 to 0.7 alike)
_SEED = 0
_CELLS = 1 << 24  # weights in the training matrix, at most (64 MB in float32)


@dataclass(frozen=True, slots=True)
class Weights:
    """A term's weights for the classes where they are not zero, by class position."""

    classes: np.ndarray
    weights: np.ndarray

    def plus(self, changes: Mapping[int, float]) -> Weights:
        merged = dict(zip(self.classes.tolist(), self.weights.tolist(), strict=True))
        for position, change in changes.items():
            merged[position] = merged.get(position, 0.0) + change
        classes = sorted(merged)
        return Weights(np.array(classes, dtype=np.int64), np.array([merged[c] for c in classes]))


NO_WEIGHTS = Weights(np.zeros(0, dtype=np.int64), np.zeros(0))


def unit(idfs: np.ndarray) -> np.ndarray:
    norm = float(np.sqrt(idfs @ idfs))
    return idfs / norm if norm else idfs


def vector(idfs: np.ndarray, context_idfs: np.ndarray) -> np.ndarray:
    """A record's vector: its terms' idfs, then its context terms'."""
    if not len(context_idfs):
        return unit(idfs)
    return unit(np.concatenate([unit(idfs), CONTEXT_WEIGHT * unit(context_idfs)]))


Example = tuple[int, Sequence[str], Sequence[str]]
"""A class position, and the sorted terms and context terms of one of its examples."""


def train(examples: Sequence[Example], classes: int, idf: Mapping[str, float]) -> dict[str, Weights]:
    """Averaged perceptron weights learned from examples, with terms weighted by `idf` (context
    terms are apart from the others, as `matchers.profile` prefixes them)."""
    budget = max(1, _CELLS // max(1, classes))
    commonest = sorted(idf, key=lambda t: (idf[t], t))[:budget]
    vocabulary = {t: i for i, t in enumerate(sorted(commonest))}
    vectors = []
    for _, terms, context in examples:
        kept, kept_context = ([t for t in part if t in vocabulary] for part in (terms, context))
        x = vector(np.array([idf[t] for t in kept]), np.array([idf[t] for t in kept_context]))
        vectors.append((np.array([vocabulary[t] for t in (*kept, *kept_context)], dtype=np.int64), x))
    current = np.zeros((len(vocabulary), classes), dtype=np.float32)
    timed = np.zeros_like(current)  # sum of step number * change, for the average
    step, order = 1.0, np.random.default_rng(_SEED)
    for _ in range(EPOCHS):
        for i in order.permutation(len(examples)).tolist():
            (rows, x), right = vectors[i], examples[i][0]
            if len(rows):
                scores = x @ current[rows]
                own, scores[right] = scores[right], -np.inf
                rival = int(scores.argmax())
                if scores[rival] >= own:
                    for position, sign in ((right, 1.0), (rival, -1.0)):
                        current[rows, position] += sign * x
                        timed[rows, position] += sign * step * x
            step += 1.0
    average = current - timed / step
    names = sorted(vocabulary)
    rows, columns = np.nonzero(average)
    bounds = np.searchsorted(rows, np.arange(len(names) + 1))
    return {
        names[r]: Weights(columns[a:b].astype(np.int64), average[r, columns[a:b]].astype(np.float64))
        for r, (a, b) in enumerate(zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True))
        if b > a
    }
