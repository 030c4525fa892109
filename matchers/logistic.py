"""Logistic regression, for calibrating scores on labelled matches.

The model is a choice among a record's candidates or none of them (a conditional logit with a
"none" option): candidate j has log-odds z_j = bias + w . x_j (plus a fixed offset), "none" has 0,
and

    P(candidate j is the right one) = exp(z_j) / (1 + sum_k exp(z_k))

With one candidate this is plain logistic regression, P = sigmoid(z). Candidates that look alike
share the probability, so a score keeps meaning a probability when a record has several close
candidates (items that differ in one value). Fitted by Newton's method with an L2 penalty (numpy,
the steps solved by `numpy.linalg`), which converges in a few passes for the dozen or so features
the scorer uses. The bias is penalized
too: when every training record has its right concept among the candidates, nothing else bounds
it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Choice:
    """One record's candidates (feature rows), which one is right (None: none of them), and the
    fixed part of each candidate's log-odds."""

    rows: Sequence[Sequence[float]]
    right: int | None
    offsets: Sequence[float] | None = None
    weight: float = 1.0  # how much this record counts in the fit


def sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def choice_probabilities(logits: Sequence[float]) -> list[float]:
    """P(each candidate is right) against each other and "none" (log-odds 0)."""
    top = max(0.0, *logits) if logits else 0.0
    exps = [math.exp(z - top) for z in logits]
    total = math.exp(-top) + sum(exps)
    return [e / total for e in exps]


@dataclass(frozen=True)
class _Stacked:
    """All the choices' candidates as one matrix (a bias column first), with where each choice's
    rows start, its right row (-1: none) and its weight."""

    rows: np.ndarray
    offsets: np.ndarray
    sizes: np.ndarray
    starts: np.ndarray
    right: np.ndarray
    weights: np.ndarray

    @classmethod
    def of(cls, choices: Sequence[Choice]) -> _Stacked:
        choices = [c for c in choices if c.rows]
        sizes = np.array([len(c.rows) for c in choices])
        starts = np.cumsum(sizes) - sizes
        rows = np.array([[1.0, *row] for c in choices for row in c.rows])
        offsets = np.array([o for c in choices for o in (c.offsets or [0.0] * len(c.rows))], dtype=float)
        right = np.array([-1 if c.right is None else start + c.right for start, c in zip(starts, choices, strict=True)])
        return cls(rows, offsets, sizes, starts, right, np.array([c.weight for c in choices], dtype=float))

    def fit_terms(self, beta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each candidate's log-odds and probability, and each choice's log of its normalizer
        (the "none" option, log-odds 0, included)."""
        logits = self.offsets + self.rows @ beta
        top = np.maximum(np.maximum.reduceat(logits, self.starts), 0.0)
        exps = np.exp(logits - np.repeat(top, self.sizes))
        totals = np.exp(-top) + np.add.reduceat(exps, self.starts)
        return logits, exps / np.repeat(totals, self.sizes), top + np.log(totals)

    def objective(self, beta: np.ndarray, l2: float) -> float:
        logits, _, log_totals = self.fit_terms(beta)
        chosen = np.where(self.right >= 0, logits[np.maximum(self.right, 0)], 0.0)
        return float(self.weights @ (chosen - log_totals) - l2 / 2 * beta @ beta)

    def newton_step(self, beta: np.ndarray, l2: float) -> np.ndarray:
        """The step solving (negated Hessian) step = gradient of the penalized log-likelihood."""
        _, probabilities, _ = self.fit_terms(beta)
        row_weights = np.repeat(self.weights, self.sizes)
        means = np.add.reduceat(probabilities[:, None] * self.rows, self.starts)
        picked = np.where((self.right >= 0)[:, None], self.rows[np.maximum(self.right, 0)], 0.0)
        gradient = self.weights @ (picked - means) - l2 * beta
        hessian = (self.rows * (row_weights * probabilities)[:, None]).T @ self.rows
        hessian -= (means * self.weights[:, None]).T @ means
        hessian[np.diag_indices_from(hessian)] += l2
        return np.linalg.solve(hessian, gradient)


def fit_choices(choices: Sequence[Choice], l2: float = 1e-3, iterations: int = 30) -> tuple[float, list[float]]:
    """(bias, weights) maximizing the penalized likelihood of which candidate was right; Newton
    steps, halved until the objective does not fall."""
    if not any(c.rows for c in choices):
        raise ValueError("no candidates to fit")
    stacked = _Stacked.of(choices)
    beta = np.zeros(stacked.rows.shape[1])
    objective = stacked.objective(beta, l2)
    for _ in range(iterations):
        step = stacked.newton_step(beta, l2)
        scale = 1.0
        while True:
            trial = beta + scale * step
            trial_objective = stacked.objective(trial, l2)
            if trial_objective >= objective or scale < 1e-4:
                break
            scale /= 2
        converged = trial_objective - objective < 1e-7 * max(1.0, abs(objective))
        beta, objective = trial, trial_objective
        if converged:
            break
    return float(beta[0]), [float(b) for b in beta[1:]]


def fit(rows: Sequence[Sequence[float]], labels: Sequence[int], l2: float = 1e-3) -> tuple[float, list[float]]:
    """Plain logistic regression: (bias, weights) for 0/1 `labels` of `rows`."""
    return fit_choices([Choice([row], 0 if label else None) for row, label in zip(rows, labels, strict=True)], l2)


def predict(bias: float, weights: Sequence[float], row: Sequence[float]) -> float:
    return sigmoid(bias + sum(w * x for w, x in zip(weights, row, strict=True)))
