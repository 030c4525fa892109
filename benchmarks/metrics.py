"""Quality measures of the matching benchmark."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence


def f1(predicted: Sequence[int], labels: Sequence[int]) -> tuple[float, float, float]:
    """(F1, precision, recall) of the positive class."""
    tp = sum(1 for p, y in zip(predicted, labels, strict=True) if p and y)
    fp = sum(1 for p, y in zip(predicted, labels, strict=True) if p and not y)
    fn = sum(1 for p, y in zip(predicted, labels, strict=True) if not p and y)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return (2 * precision * recall / (precision + recall) if precision + recall else 0.0), precision, recall


def weighted_f1(predicted: Sequence[str | None], truth: Sequence[str]) -> float:
    """F1 per true class, averaged with the classes' shares of the truth as weights."""
    support = Counter(truth)
    total = 0.0
    for cls, n in support.items():
        score, _, _ = f1([int(p == cls) for p in predicted], [int(t == cls) for t in truth])
        total += score * n
    return total / len(truth)


def calibration_error(scores: Sequence[float], correct: Sequence[bool], bins: int = 10) -> float:
    """Expected calibration error of scores read as probabilities in percent: the gap between
    the mean score and the share correct in each score bin, weighted by the bin's size."""
    grouped: dict[int, list[tuple[float, bool]]] = {}
    for score, ok in zip(scores, correct, strict=True):
        grouped.setdefault(min(bins - 1, int(score / 100 * bins)), []).append((score / 100, ok))
    return sum(abs(sum(s for s, _ in g) - sum(ok for _, ok in g)) for g in grouped.values()) / max(1, len(scores))


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")
