"""A match / no-match classifier for record pairs (the DeepMatcher splits of Abt-Buy and
Amazon-Google): features from the matcher's stages, combined by the matcher's logistic
regression, fitted on the train split with its threshold chosen on the valid split."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from benchmarks.matching_data import Pair
from benchmarks.metrics import f1
from matchers.logistic import fit, predict
from matchers.model_numbers import compact, models_agree
from matchers.profile import Profile, read_text
from matchers.record import record_text

PAIR_FEATURES = (
    "left_coverage", "right_coverage", "overlap", "description_coverage", "token_set", "partial", "wratio",
    "ratio", "model_agree", "model_conflict", "model_in_text", "numbers_shared", "numbers_conflict", "first_word",
    "rarest_unshared", "price_gap", "price_missing",
)  # fmt: skip


@dataclass(frozen=True)
class Side:
    profile: Profile
    description: frozenset[str]
    price: float | None
    compact: str  # name and description without spaces or marks, to find model numbers in
    numbers: frozenset[str]  # tokens with a digit: sizes, versions, years, model numbers


def _price(text: str | None) -> float | None:
    try:
        value = float((text or "").replace(",", "").replace("$", ""))
    except ValueError:
        return None
    return value if value > 0 else None


def read_side(record: dict[str, str]) -> Side:
    profile, _ = read_text(record_text(record))
    description = read_text(record["description"])[0] if record.get("description") else None
    text = profile.text + " " + (description.text if description else "")
    return Side(
        profile,
        description.terms if description else frozenset(),
        _price(record.get("price")),
        compact(text.replace(" ", "")),
        frozenset(t for t in profile.text.split() if any(c.isdigit() for c in t)),
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
        return sum(map(self, terms))


def _first_word(profile: Profile) -> str:
    return profile.text.split(" ", 1)[0] if profile.text else ""


def features(left: Side, right: Side, idf: Idf) -> list[float]:
    a, b = left.profile, right.profile
    shared = idf.mass(a.terms & b.terms)
    in_description = max(
        idf.mass(a.terms & right.description) / (idf.mass(a.terms) or 1.0),
        idf.mass(b.terms & left.description) / (idf.mass(b.terms) or 1.0),
    )
    models = models_agree(a.models, b.models)
    in_text = any(m in right.compact for m in a.models) or any(m in left.compact for m in b.models)
    numbers = left.numbers | right.numbers
    gap = abs(math.log(left.price / right.price)) if left.price and right.price else 0.0
    return [
        shared / (idf.mass(a.terms) or 1.0),
        shared / (idf.mass(b.terms) or 1.0),
        shared / (idf.mass(a.terms | b.terms) or 1.0),
        in_description,
        fuzz.token_set_ratio(a.text, b.text) / 100,
        fuzz.partial_ratio(a.text, b.text) / 100,
        fuzz.WRatio(a.text, b.text) / 100,
        fuzz.ratio(a.text, b.text) / 100,
        float(models is True),
        float(models is False),
        float(in_text),
        len(left.numbers & right.numbers) / (len(numbers) or 1),
        float(bool(left.numbers) and bool(right.numbers) and not left.numbers & right.numbers),
        float(_first_word(a) == _first_word(b)),
        max(map(idf, a.terms ^ b.terms), default=0.0) / idf.highest,
        min(gap, 3.0),
        float(not (left.price and right.price)),
    ]


@dataclass(frozen=True)
class PairModel:
    bias: float
    weights: list[float]
    threshold: float

    def probability(self, row: Sequence[float]) -> float:
        return predict(self.bias, self.weights, row)


def best_threshold(scores: Sequence[float], labels: Sequence[int]) -> float:
    """The score threshold with the best F1 of the match class."""
    candidates = sorted(set(scores))
    return max(candidates, key=lambda t: f1([int(s >= t) for s in scores], labels)[0])


def train(
    train_rows: list[list[float]], train_labels: list[int], valid_rows: list[list[float]], valid_labels: list[int]
) -> PairModel:
    bias, weights = fit(train_rows, train_labels, l2=1e-2)
    model = PairModel(bias, weights, 0.5)
    threshold = best_threshold([model.probability(r) for r in valid_rows], valid_labels)
    return PairModel(bias, weights, threshold)


def read_pairs(pairs: Iterable[Pair]) -> list[tuple[Side, Side, int]]:
    return [(read_side(p.left), read_side(p.right), p.label) for p in pairs]
