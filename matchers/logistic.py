"""Logistic regression in pure Python, for calibrating scores on labelled matches.

The model is a choice among a record's candidates or none of them (a conditional logit with a
"none" option): candidate j has log-odds z_j = bias + w . x_j (plus a fixed offset), "none" has 0,
and

    P(candidate j is the right one) = exp(z_j) / (1 + sum_k exp(z_k))

With one candidate this is plain logistic regression, P = sigmoid(z). Candidates that look alike
share the probability, so a score keeps meaning a probability when a record has several close
candidates (items that differ in one value). Fitted by Newton's method with an L2 penalty, which
converges in a few passes for the dozen or so features the scorer uses. The bias is penalized
too: when every training record has its right concept among the candidates, nothing else bounds
it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


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


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting; `a` is positive definite here."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(col + 1, n):
            f = m[r][col] / m[col][col]
            if f:
                m[r] = [x - f * y for x, y in zip(m[r], m[col], strict=True)]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        x[r] = (m[r][n] - sum(m[r][c] * x[c] for c in range(r + 1, n))) / m[r][r]
    return x


def _logits(choice: Choice, beta: Sequence[float]) -> tuple[list[list[float]], list[float]]:
    rows = [[1.0, *row] for row in choice.rows]
    offsets = choice.offsets or [0.0] * len(rows)
    return rows, [o + sum(b * v for b, v in zip(beta, x, strict=True)) for x, o in zip(rows, offsets, strict=True)]


def _log_likelihood(choice: Choice, logits: Sequence[float]) -> float:
    top = max(0.0, *logits)
    log_total = top + math.log(math.exp(-top) + sum(math.exp(z - top) for z in logits))
    return (logits[choice.right] if choice.right is not None else 0.0) - log_total


def _objective(choices: Sequence[Choice], beta: Sequence[float], l2: float) -> float:
    penalty = l2 / 2 * sum(b * b for b in beta)
    return sum(c.weight * _log_likelihood(c, _logits(c, beta)[1]) for c in choices if c.rows) - penalty


def _accumulate(choice: Choice, beta: list[float], gradient: list[float], hessian: list[list[float]]) -> None:
    """Add one record's gradient and (negated) Hessian of the log-likelihood."""
    rows, logits = _logits(choice, beta)
    probabilities = choice_probabilities(logits)
    n, w = len(beta), choice.weight
    mean = [sum(p * x[i] for p, x in zip(probabilities, rows, strict=True)) for i in range(n)]
    if choice.right is not None:
        for i, v in enumerate(rows[choice.right]):
            gradient[i] += w * v
    for i in range(n):
        gradient[i] -= w * mean[i]
    for p, x in zip(probabilities, rows, strict=True):
        if p < 1e-12:
            continue
        for i, xi in enumerate(x):
            if xi:
                row, pxi = hessian[i], w * p * xi
                for j in range(i + 1):
                    row[j] += pxi * x[j]
    for i in range(n):
        for j in range(i + 1):
            hessian[i][j] -= w * mean[i] * mean[j]


def fit_choices(choices: Sequence[Choice], l2: float = 1e-3, iterations: int = 30) -> tuple[float, list[float]]:
    """(bias, weights) maximizing the penalized likelihood of which candidate was right; Newton
    steps, halved until the objective does not fall."""
    width = next((len(c.rows[0]) for c in choices if c.rows), None)
    if width is None:
        raise ValueError("no candidates to fit")
    n = width + 1
    beta = [0.0] * n
    objective = _objective(choices, beta, l2)
    for _ in range(iterations):
        gradient = [-l2 * b for b in beta]
        hessian = [[l2 if i == j else 0.0 for j in range(n)] for i in range(n)]
        for choice in choices:
            if choice.rows:
                _accumulate(choice, beta, gradient, hessian)
        for i in range(n):
            for j in range(i):
                hessian[j][i] = hessian[i][j]
        step = _solve(hessian, gradient)
        scale = 1.0
        while True:
            trial = [b + scale * s for b, s in zip(beta, step, strict=True)]
            trial_objective = _objective(choices, trial, l2)
            if trial_objective >= objective or scale < 1e-4:
                break
            scale /= 2
        converged = trial_objective - objective < 1e-7 * max(1.0, abs(objective))
        beta, objective = trial, trial_objective
        if converged:
            break
    return beta[0], beta[1:]


def fit(rows: Sequence[Sequence[float]], labels: Sequence[int], l2: float = 1e-3) -> tuple[float, list[float]]:
    """Plain logistic regression: (bias, weights) for 0/1 `labels` of `rows`."""
    return fit_choices([Choice([row], 0 if label else None) for row, label in zip(rows, labels, strict=True)], l2)


def predict(bias: float, weights: Sequence[float], row: Sequence[float]) -> float:
    return sigmoid(bias + sum(w * x for w, x in zip(weights, row, strict=True)))
