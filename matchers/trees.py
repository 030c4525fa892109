"""Gradient-boosted regression trees for a yes/no question over a row of features, in pure
Python: small (a few hundred trees of depth 3), deterministic (no sampling) and quick to fit on
the few thousand labelled pairs a catalog's users confirm. Trees, unlike the logistic scorer,
learn where a feature stops mattering and how features interact (a shared model number outweighs
a different wording). Kept over scikit-learn's: cheaper to score a record's few candidates, no
SciPy in the service (docs/matching.md, "Design history")."""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from matchers.logistic import sigmoid


@dataclass(frozen=True)
class Split:
    """A node of a tree: rows whose `feature` is at most `threshold` go left."""

    feature: int
    threshold: float
    left: Split | float  # a leaf is its log-odds
    right: Split | float


def tree_output(node: Split | float, row: Sequence[float]) -> float:
    while isinstance(node, Split):
        node = node.left if row[node.feature] <= node.threshold else node.right
    return node


def cut_points(values: Iterable[float], bins: int) -> list[float]:
    """Thresholds that cut a feature's values into at most `bins` bins of about equal size."""
    distinct = sorted(set(values))
    if len(distinct) <= bins:
        return distinct[:-1]
    return sorted({distinct[len(distinct) * k // bins] for k in range(1, bins)})


class TreeGrower:
    """Grows regression trees on the gradients of the log-loss (Newton steps, L2 on leaf values,
    shrunk by `rate`), over features binned once at their cut points."""

    def __init__(self, rows: Sequence[Sequence[float]], rate: float, depth: int = 3, bins: int = 32) -> None:
        columns = list(zip(*rows, strict=True))
        self.cuts = [cut_points(column, bins) for column in columns]
        self.binned = [[bisect_left(cuts, x) for x in column] for cuts, column in zip(self.cuts, columns, strict=True)]
        self.rate, self.depth = rate, depth
        self.l2 = 1.0
        self.min_hessian = 1.0  # in each child: about 4 uncertain rows, or many confident ones

    def grow(self, members: list[int], gradient: list[float], hessian: list[float], depth: int = 0) -> Split | float:
        g, h = sum(gradient[i] for i in members), sum(hessian[i] for i in members)
        best = self.best_split(members, gradient, hessian, g, h) if depth < self.depth else None
        if best is None:
            return -self.rate * g / (h + self.l2)
        feature, cut = best
        column = self.binned[feature]
        left = [i for i in members if column[i] <= cut]
        right = [i for i in members if column[i] > cut]
        return Split(
            feature,
            self.cuts[feature][cut],
            self.grow(left, gradient, hessian, depth + 1),
            self.grow(right, gradient, hessian, depth + 1),
        )

    def best_split(
        self, members: list[int], gradient: list[float], hessian: list[float], g: float, h: float
    ) -> tuple[int, int] | None:
        """(feature, cut) with the largest gain in penalized log-likelihood, or None if no split gains."""
        parent = g * g / (h + self.l2)
        best, best_gain = None, 1e-6
        for feature, column in enumerate(self.binned):
            bin_gradient, bin_hessian = [0.0] * (len(self.cuts[feature]) + 1), [0.0] * (len(self.cuts[feature]) + 1)
            for i in members:
                bin_gradient[column[i]] += gradient[i]
                bin_hessian[column[i]] += hessian[i]
            g_left = h_left = 0.0
            for cut in range(len(self.cuts[feature])):
                g_left, h_left = g_left + bin_gradient[cut], h_left + bin_hessian[cut]
                g_right, h_right = g - g_left, h - h_left
                if min(h_left, h_right) < self.min_hessian:
                    continue
                gain = g_left * g_left / (h_left + self.l2) + g_right * g_right / (h_right + self.l2) - parent
                if gain > best_gain:
                    best, best_gain = (feature, cut), gain
        return best


@dataclass(frozen=True)
class BoostedTrees:
    """Gradient-boosted trees: log-odds = base + sum of the trees' outputs."""

    base: float
    trees: tuple[Split | float, ...]

    def probability(self, row: Sequence[float]) -> float:
        return sigmoid(self.base + sum(tree_output(tree, row) for tree in self.trees))


def boost(rows: list[list[float]], labels: list[int], rounds: int = 200, rate: float = 0.1) -> BoostedTrees:
    """Trees fitted one after another to what the ones before got wrong, each shrunk by `rate`."""
    grower = TreeGrower(rows, rate)
    share = sum(labels) / len(labels)
    base = math.log(share / (1 - share))
    log_odds = [base] * len(rows)
    trees: list[Split | float] = []
    members = list(range(len(rows)))
    for _ in range(rounds):
        probabilities = [sigmoid(z) for z in log_odds]
        gradient = [p - y for p, y in zip(probabilities, labels, strict=True)]
        hessian = [p * (1 - p) for p in probabilities]
        tree = grower.grow(members, gradient, hessian)
        trees.append(tree)
        log_odds = [z + tree_output(tree, row) for z, row in zip(log_odds, rows, strict=True)]
    return BoostedTrees(base, tuple(trees))
