"""A match / no-match classifier for record pairs (the DeepMatcher splits of Abt-Buy and
Amazon-Google): the product's pair features (`matchers.pairs`) combined by its boosted trees
(`matchers.trees`), fitted on the train split with its threshold chosen on the valid split."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from benchmarks.matching_data import Pair
from benchmarks.metrics import f1
from matchers.pairs import Side, read_side
from matchers.trees import BoostedTrees, boost


@dataclass(frozen=True)
class PairModel:
    """Boosted trees over `matchers.pairs` features, with the threshold chosen on valid."""

    trees: BoostedTrees
    threshold: float

    def probability(self, row: Sequence[float]) -> float:
        return self.trees.probability(row)


def best_threshold(scores: Sequence[float], labels: Sequence[int]) -> float:
    """The score threshold with the best F1 of the match class."""
    candidates = sorted(set(scores))
    return max(candidates, key=lambda t: f1([int(s >= t) for s in scores], labels)[0])


def train(
    train_rows: list[list[float]], train_labels: list[int], valid_rows: list[list[float]], valid_labels: list[int]
) -> PairModel:
    trees = boost(train_rows, train_labels)
    return PairModel(trees, best_threshold([trees.probability(r) for r in valid_rows], valid_labels))


def read_splits(splits: dict[str, list[Pair]]) -> tuple[dict[str, list[tuple[Side, Side, int]]], list[Side]]:
    """The pairs of each split read, and the distinct records of all of them (the two tables), each
    read once."""
    sides: dict[tuple[tuple[str, str], ...], Side] = {}

    def side(record: dict[str, str]) -> Side:
        key = tuple(sorted(record.items()))
        if key not in sides:
            sides[key] = read_side(record)
        return sides[key]

    read = {name: [(side(p.left), side(p.right), p.label) for p in pairs] for name, pairs in splits.items()}
    return read, list(sides.values())
