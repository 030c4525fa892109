"""A match / no-match classifier for record pairs (the DeepMatcher splits of Abt-Buy and
Amazon-Google): features from the matcher's stages (normalized text and terms, model numbers,
attribute values) and rapidfuzz, combined by a small ensemble of gradient-boosted trees, fitted
on the train split with its threshold chosen on the valid split.

The features say nothing about these data sets in particular: term overlaps weighted by idf over
both tables, near-miss terms, numbers, model numbers, attribute values (`304不锈钢六角螺栓 M8*30`
and `SUS304 hex bolt M8x30` agree on material, thread and length), manufacturer and price."""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from benchmarks.matching_data import Pair
from benchmarks.metrics import f1
from matchers.attributes import Attributes
from matchers.logistic import sigmoid
from matchers.model_numbers import compact, models_agree
from matchers.profile import Profile, read_text
from matchers.record import MAKER_COLUMNS, record_text

PAIR_FEATURES = (
    "left_coverage", "right_coverage", "overlap", "soft_coverage_min", "soft_coverage_max", "description_coverage",
    "rarest_shared", "rarest_unshared", "rarest_missing_from_longer", "first_word",
    "token_set", "token_sort", "partial", "wratio", "ratio", "trigrams", "length_ratio",
    "model_agree", "model_conflict", "model_in_text", "model_similarity",
    "numbers_shared", "numbers_conflict", "numbers_unmatched",
    "attributes_agree", "attributes_conflict", "maker_agree", "maker_conflict", "price_gap", "price_missing",
)  # fmt: skip

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_NEAR_MISS = 85  # rapidfuzz ratio of two terms that are one spelling (`immersion`, `immers`)
_SOFT_MIN_LENGTH = 4  # shorter terms match exactly or not at all


@dataclass(frozen=True)
class Side:
    profile: Profile
    description: frozenset[str]
    price: float | None
    compact: str  # name and description without spaces or marks, to find model numbers in
    numbers: frozenset[str]  # the numbers of the text, `7.0` as `7`: sizes, versions, years
    maker: frozenset[str]  # terms of the manufacturer column


def _price(text: str | None) -> float | None:
    try:
        value = float((text or "").replace(",", "").replace("$", ""))
    except ValueError:
        return None
    return value if value > 0 else None


def _numbers(text: str) -> frozenset[str]:
    return frozenset(n.removesuffix(".0").lstrip("0") or "0" for n in _NUMBER.findall(text))


def _maker(record: dict[str, str]) -> frozenset[str]:
    columns = {k.strip().lower(): v for k, v in record.items()}
    return frozenset().union(*(read_text(columns[c])[0].terms for c in MAKER_COLUMNS if columns.get(c)))


def read_side(record: dict[str, str]) -> Side:
    profile, _ = read_text(record_text(record))
    description = read_text(record["description"])[0] if record.get("description") else None
    text = profile.text + " " + (description.text if description else "")
    return Side(
        profile,
        description.terms if description else frozenset(),
        _price(record.get("price")),
        compact(text.replace(" ", "")),
        _numbers(profile.text),
        _maker(record),
    )


class Idf:
    """Inverse document frequency of terms over a set of records."""

    def __init__(self, sides: Iterable[Side]) -> None:
        counts: Counter[str] = Counter()
        n = 0
        for side in sides:
            counts.update(side.profile.terms)
            n += 1
        self._counts, self._n = counts, n

    def __call__(self, term: str) -> float:
        df = self._counts.get(term, 0)
        return math.log(1 + (self._n - df + 0.5) / (df + 0.5))

    @property
    def highest(self) -> float:
        return math.log(1 + (self._n + 0.5) / 0.5)

    def mass(self, terms: Iterable[str]) -> float:
        return math.fsum(map(self, terms))  # the same sum in any order of a set

    def rarest(self, terms: Iterable[str]) -> float:
        """The idf of the rarest term, as a share of the highest possible."""
        return max(map(self, terms), default=0.0) / self.highest


def _first_word(profile: Profile) -> str:
    return profile.text.split(" ", 1)[0] if profile.text else ""


def _soft_shared(terms: frozenset[str], other: Side) -> list[str]:
    """Terms found in the other record: the same term, inside its text written without spaces
    (`spysweeper`, `spy sweeper`), or a near miss of one of its terms (`immers`, `immersion`)."""
    others = sorted(other.profile.terms)
    return [t for t in sorted(terms) if t in other.profile.terms or _nearly_in(t, other, others)]


def _nearly_in(term: str, other: Side, others: list[str]) -> bool:
    if len(term) < _SOFT_MIN_LENGTH:
        return False
    return compact(term) in other.compact or bool(
        process.extractOne(term, others, scorer=fuzz.ratio, score_cutoff=_NEAR_MISS)
    )


def _coverage(terms: Iterable[str], of: frozenset[str], idf: Idf) -> float:
    return idf.mass(terms) / (idf.mass(of) or 1.0)


def _trigrams(text: str) -> frozenset[str]:
    return frozenset(text[i : i + 3] for i in range(len(text) - 2))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / (len(a | b) or 1)


def _model_similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """How alike the closest two model numbers are (`srsa212bk`, `srsa212blk`); 0 if either has none."""
    return max((fuzz.ratio(x, y) / 100 for x in sorted(a) for y in sorted(b)), default=0.0)


def _attribute_checks(a: Attributes, b: Attributes) -> list[bool]:
    """Whether each attribute both records state has values that agree."""
    return [a[key].accepts(b[key]) for key in sorted(a.keys() & b.keys())]


def _makers_agree(left: Side, right: Side) -> bool | None:
    """True if the manufacturer columns share a term, or one record's manufacturer is in the
    other's text; False if both columns name one and they share none; None otherwise."""
    if left.maker and right.maker:
        return bool(left.maker & right.maker)
    maker, other = (left.maker, right) if left.maker else (right.maker, left)
    return True if maker & other.profile.terms else None


def _token_features(left: Side, right: Side, idf: Idf) -> list[float]:
    a, b = left.profile.terms, right.profile.terms
    shared = a & b
    soft = sorted((_coverage(_soft_shared(a, right), a, idf), _coverage(_soft_shared(b, left), b, idf)))
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    return [
        _coverage(shared, a, idf),
        _coverage(shared, b, idf),
        _coverage(shared, a | b, idf),
        *soft,
        max(_coverage(a & right.description, a, idf), _coverage(b & left.description, b, idf)),
        idf.rarest(shared),
        idf.rarest(a ^ b),
        idf.rarest(shorter - longer),
        float(_first_word(left.profile) == _first_word(right.profile)),
    ]


def _text_features(left: Side, right: Side) -> list[float]:
    x, y = left.profile.text, right.profile.text
    return [
        fuzz.token_set_ratio(x, y) / 100,
        fuzz.token_sort_ratio(x, y) / 100,
        fuzz.partial_ratio(x, y) / 100,
        fuzz.WRatio(x, y) / 100,
        fuzz.ratio(x, y) / 100,
        _jaccard(_trigrams(x.replace(" ", "")), _trigrams(y.replace(" ", ""))),
        min(len(x), len(y)) / (max(len(x), len(y)) or 1),
    ]


def _model_features(left: Side, right: Side) -> list[float]:
    a, b = left.profile.models, right.profile.models
    models = models_agree(a, b)
    in_text = any(m in right.compact for m in a) or any(m in left.compact for m in b)
    return [float(models is True), float(models is False), float(in_text), _model_similarity(a, b)]


def _value_features(left: Side, right: Side) -> list[float]:
    numbers = left.numbers | right.numbers
    fewer, more = sorted((left.numbers, right.numbers), key=len)
    checks = _attribute_checks(left.profile.attributes, right.profile.attributes)
    makers = _makers_agree(left, right)
    gap = abs(math.log(left.price / right.price)) if left.price and right.price else 0.0
    return [
        len(left.numbers & right.numbers) / (len(numbers) or 1),
        float(bool(fewer) and not fewer & more),
        len(fewer - more) / (len(fewer) or 1),
        sum(checks) / (len(checks) or 1),
        float(not all(checks)),
        float(makers is True),
        float(makers is False),
        min(gap, 3.0),
        float(not (left.price and right.price)),
    ]


def features(left: Side, right: Side, idf: Idf) -> list[float]:
    return (
        _token_features(left, right, idf)
        + _text_features(left, right)
        + _model_features(left, right)
        + _value_features(left, right)
    )


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
class PairModel:
    """Gradient-boosted trees: log-odds of a match = base + sum of the trees' outputs."""

    base: float
    trees: tuple[Split | float, ...]
    threshold: float

    def probability(self, row: Sequence[float]) -> float:
        return sigmoid(self.base + sum(tree_output(tree, row) for tree in self.trees))


def boost(rows: list[list[float]], labels: list[int], rounds: int = 200, rate: float = 0.1) -> PairModel:
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
    return PairModel(base, tuple(trees), 0.5)


def best_threshold(scores: Sequence[float], labels: Sequence[int]) -> float:
    """The score threshold with the best F1 of the match class."""
    candidates = sorted(set(scores))
    return max(candidates, key=lambda t: f1([int(s >= t) for s in scores], labels)[0])


def train(
    train_rows: list[list[float]], train_labels: list[int], valid_rows: list[list[float]], valid_labels: list[int]
) -> PairModel:
    model = boost(train_rows, train_labels)
    threshold = best_threshold([model.probability(r) for r in valid_rows], valid_labels)
    return PairModel(model.base, model.trees, threshold)


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
