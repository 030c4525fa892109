"""A multinomial logistic regression over idf-weighted index terms: the example classifier's model
(`matchers.classifier`).

A record is the vector of its terms' idfs, of unit length; a record with context (a description:
`matchers.record.record_context`) adds its context terms' idfs, as a vector of length
`CONTEXT_WEIGHT`, before the whole is made of unit length. A class scores the dot product with its
weights, and its probability is the softmax of the scores: unlike a perceptron's scores (which
only say which class wins) they are log-odds, so the score stage can read how sure it is.

Training is minibatch stochastic gradient descent on the log loss, `EPOCHS` rounds over the
examples in an order fixed by a seeded permutation; a minibatch updates only the classes whose
probability is off by more than `_ACTIVE` for one of its examples (most classes' are about 0 for
most records: the rest is noise, and it would cost most of the time). A confirmation later takes
one step of its own (`step`). Its log-odds are calibrated, which is why it replaced naive Bayes
and an averaged perceptron (the figures: docs/matching.md, "Design history").

Training runs over a dense terms-by-classes matrix; when that would hold more than `_CELLS`
weights, only the commonest terms are learned. A term's weights can all move by the same amount
without changing any probability, so each term's are centred on their median and those under
`_PRUNE` dropped: the weights are kept per term, for the classes where they count (a few in a
hundred).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

EPOCHS = 5
RATE = 5.0  # per example; with unit-length records
CONTEXT_WEIGHT = 0.5  # chosen on the MWPD train split (docs/matching.md, "Design history")
_BATCH = 64
_SEED = 0
_ACTIVE = 0.01
_PRUNE = 0.01
_CELLS = 1 << 24  # weights in the training matrix, at most (64 MB in float32)


@dataclass(frozen=True, slots=True)
class Weights:
    """A term's weights for the classes where they count, by class position."""

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


def probabilities(scores: np.ndarray) -> np.ndarray:
    """The softmax of each row of scores."""
    exp = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return exp / exp.sum(axis=-1, keepdims=True)


def step(scores: np.ndarray, position: int) -> dict[int, float]:
    """One example's step, by class: how far its terms' weights move per unit of the record's
    vector, given its classes' `scores` and its class."""
    error = probabilities(scores)
    error[position] -= 1.0
    active = np.flatnonzero(np.abs(error) > _ACTIVE)
    return dict(zip(active.tolist(), (-RATE * error[active]).tolist(), strict=True))


Example = tuple[int, Sequence[str], Sequence[str]]
"""A class position, and the sorted terms and context terms of one of its examples."""


def train(examples: Sequence[Example], classes: int, idf: Mapping[str, float]) -> dict[str, Weights]:
    """Weights learned from examples, with terms weighted by `idf` (context terms are apart from
    the others, as `matchers.profile` prefixes them)."""
    budget = max(1, _CELLS // max(1, classes))
    commonest = sorted(idf, key=lambda t: (idf[t], t))[:budget]
    vocabulary = {t: i for i, t in enumerate(sorted(commonest))}
    rows, values = [], []
    for _, terms, context in examples:
        kept, kept_context = ([t for t in part if t in vocabulary] for part in (terms, context))
        values.append(vector(np.array([idf[t] for t in kept]), np.array([idf[t] for t in kept_context])))
        rows.append(np.array([vocabulary[t] for t in (*kept, *kept_context)], dtype=np.int64))
    labels = np.array([position for position, _, _ in examples], dtype=np.int64)
    learned = [i for i, r in enumerate(rows) if len(r)]
    weights = np.zeros((len(vocabulary), classes), dtype=np.float32)
    order = np.random.default_rng(_SEED)
    for _ in range(EPOCHS):
        shuffled = order.permutation(learned).tolist() if learned else []
        for start in range(0, len(shuffled), _BATCH):
            batch = shuffled[start : start + _BATCH]
            _batch_step(weights, [rows[i] for i in batch], [values[i] for i in batch], labels[batch])
    weights -= np.median(weights, axis=1, keepdims=True)
    weights[np.abs(weights) < _PRUNE] = 0.0
    names = sorted(vocabulary)
    nonzero_rows, columns = np.nonzero(weights)
    bounds = np.searchsorted(nonzero_rows, np.arange(len(names) + 1))
    return {
        names[r]: Weights(columns[a:b].astype(np.int64), weights[r, columns[a:b]].astype(np.float64))
        for r, (a, b) in enumerate(zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True))
        if b > a
    }


def _batch_step(weights: np.ndarray, rows: list[np.ndarray], values: list[np.ndarray], labels: np.ndarray) -> None:
    """One gradient step on a minibatch, over its terms' rows and its active classes; sums run
    over the batch's (term, example) pairs, sorted by term to add up each term's changes."""
    sizes = [len(r) for r in rows]
    terms, x = np.concatenate(rows), np.concatenate(values).astype(np.float32)
    starts = np.cumsum([0, *sizes[:-1]])
    error = probabilities(np.add.reduceat(weights[terms] * x[:, None], starts, axis=0))
    error[np.arange(len(labels)), labels] -= 1.0
    active = np.flatnonzero(np.abs(error).max(axis=0) > _ACTIVE)
    by_term = np.argsort(terms, kind="stable")
    sorted_terms = terms[by_term]
    first = np.flatnonzero(np.r_[True, sorted_terms[1:] != sorted_terms[:-1]])
    changes = np.repeat(error[:, active], sizes, axis=0)[by_term] * x[by_term, None]
    weights[np.ix_(sorted_terms[first], active)] -= RATE * np.add.reduceat(changes, first, axis=0)
