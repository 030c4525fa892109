"""Logistic regression in pure Python, for calibrating scores on labelled matches.

Fitted by Newton's method (iteratively reweighted least squares) with a small L2 penalty, which
converges in a few passes for the dozen or so features the scorer uses.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


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


def fit(
    rows: Sequence[Sequence[float]], labels: Sequence[int], l2: float = 1e-3, iterations: int = 25
) -> tuple[float, list[float]]:
    """(bias, weights) maximizing the penalized log-likelihood of `labels` (0/1) given `rows`."""
    if not rows:
        raise ValueError("no rows to fit")
    n = len(rows[0]) + 1
    data = [[1.0, *row] for row in rows]
    beta = [0.0] * n
    for _ in range(iterations):
        gradient = [-l2 * b for b in beta]
        hessian = [[l2 if i == j else 0.0 for j in range(n)] for i in range(n)]
        gradient[0] += l2 * beta[0]  # the bias is not penalized
        hessian[0][0] -= l2
        for x, y in zip(data, labels, strict=True):
            p = sigmoid(sum(b * v for b, v in zip(beta, x, strict=True)))
            w = max(p * (1 - p), 1e-9)
            residual = y - p
            for i, xi in enumerate(x):
                if xi:
                    gradient[i] += residual * xi
                    wi = w * xi
                    row = hessian[i]
                    for j in range(i + 1):
                        row[j] += wi * x[j]
        for i in range(n):
            for j in range(i):
                hessian[j][i] = hessian[i][j]
        step = _solve(hessian, gradient)
        beta = [b + s for b, s in zip(beta, step, strict=True)]
        if max(abs(s) for s in step) < 1e-6:
            break
    return beta[0], beta[1:]


def predict(bias: float, weights: Sequence[float], row: Sequence[float]) -> float:
    return sigmoid(bias + sum(w * x for w, x in zip(weights, row, strict=True)))
