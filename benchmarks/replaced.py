"""The hand-written code that libraries replaced, kept as the baselines `bench_libraries` runs
beside them: Newton steps solved by Gaussian elimination (now `numpy.linalg`), and the encoding
heuristic (now `charset-normalizer`)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from common.encodings import BOMS, UNDECODABLE
from matchers.logistic import Choice, choice_probabilities, newton_maximize


def detect_encoding(sample: bytes) -> str:
    """UTF-8 or UTF-16 by their BOM; else UTF-8 when valid UTF-8 characters outnumber the bytes
    that are not, else GB18030."""
    for bom, encoding in BOMS:
        if sample.startswith(bom):
            return encoding
    text = sample.decode("utf-8", "surrogateescape")
    bad = sum(len(m.group()) for m in UNDECODABLE.finditer(text))
    multibyte = sum(1 for c in text if ord(c) > 0x7F) - bad
    return "utf-8" if multibyte >= 3 * bad else "gb18030"


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
    width = next((len(c.rows[0]) for c in choices if c.rows), None)
    if width is None:
        raise ValueError("no candidates to fit")
    n = width + 1

    def step(beta: np.ndarray) -> np.ndarray:
        b = [float(x) for x in beta]
        gradient = [-l2 * x for x in b]
        hessian = [[l2 if i == j else 0.0 for j in range(n)] for i in range(n)]
        for choice in choices:
            if choice.rows:
                _accumulate(choice, b, gradient, hessian)
        for i in range(n):
            for j in range(i):
                hessian[j][i] = hessian[i][j]
        return np.array(_solve(hessian, gradient))

    beta = newton_maximize(lambda b: _objective(choices, [float(x) for x in b], l2), step, np.zeros(n), iterations)
    return float(beta[0]), [float(b) for b in beta[1:]]
