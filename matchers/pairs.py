"""Features of a pair of product records, for deciding whether they are the same product
(record-to-record matching: a catalog against another, or against standard items).

The features say nothing about any data set in particular: term overlaps weighted by idf over
the records compared, near-miss terms, numbers, model numbers, attribute values (`304不锈钢六角螺栓
M8*30` and `SUS304 hex bolt M8x30` agree on material, thread and length), manufacturer and price.
`matchers.trees` combines them; `matchers.rerank` uses them to reorder a catalog match's
candidates.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from matchers.attributes import Attributes
from matchers.columns import DESCRIPTION_HEADERS, MAKER_HEADERS
from matchers.model_numbers import compact, models_agree
from matchers.profile import Profile, read_text
from matchers.record import Record, record_columns, record_text

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


def _maker(columns: dict[str, str]) -> frozenset[str]:
    return frozenset().union(*(read_text(columns[c])[0].terms for c in MAKER_HEADERS if columns.get(c)))


def read_side(record: Record) -> Side:
    """A record read for pair comparison (free text, or a row: its description, price and
    manufacturer columns count on their own)."""
    columns = {k.strip().lower(): v for k, v in record_columns(record).items()}
    profile, _ = read_text(record_text(record))
    description = next((read_text(columns[c])[0] for c in DESCRIPTION_HEADERS if columns.get(c)), None)
    text = profile.text + " " + (description.text if description else "")
    return Side(
        profile,
        description.terms if description else frozenset(),
        _price(columns.get("price")),
        compact(text.replace(" ", "")),
        _numbers(profile.text),
        _maker(columns),
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


def pair_features(left: Side, right: Side, idf: Idf) -> list[float]:
    """The features of a pair, in the order of `PAIR_FEATURES`."""
    return (
        _token_features(left, right, idf)
        + _text_features(left, right)
        + _model_features(left, right)
        + _value_features(left, right)
    )
