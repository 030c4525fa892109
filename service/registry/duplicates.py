"""Duplicates within a firm, found before publishing with the record-to-record matcher
(`Matcher.from_records`): each product to publish is matched against the firm's other live
products, and one that scores DUPLICATE_SCORE or more (the matcher's default `auto` threshold; a
catalog of records has no calibrated one), or states exactly the same class, item, brand and
values, is named as a likely duplicate. CPU-heavy: run it off the event loop."""

from __future__ import annotations

from collections.abc import Sequence

from matchers.matcher import Matcher
from ontology.registry.checking import describe, problem
from ontology.registry.model import Problem, ProblemKind, Product

SCHEME = "FIRM"
LIMIT = 5  # candidates looked at for each product
DUPLICATE_SCORE = 80.0


def product_text(product: Product) -> str:
    """What a product is, as one record: its name, brand and stated values."""
    return " ".join([product.name_zh, product.brand or "", *(describe(v) for v in product.values)]).strip()


def _signature(product: Product) -> tuple:
    return (product.class_code, product.item_code, product.brand, tuple(sorted(describe(v) for v in product.values)))


def find_duplicates(candidates: Sequence[Product], others: Sequence[Product]) -> dict[str, list[Problem]]:
    """For each candidate that has them, its likely duplicates among `others` (the firm's live
    products; the candidates may be among them)."""
    pool = [p for p in others if p.id]
    if not pool:
        return {}
    matcher = Matcher.from_records([{"id": p.id, "name": product_text(p)} for p in pool], scheme=SCHEME)
    by_signature: dict[tuple, list[str]] = {}
    for p in pool:
        by_signature.setdefault(_signature(p), []).append(p.id)
    found: dict[str, list[Problem]] = {}
    for product in candidates:
        result = matcher.match(product_text(product), SCHEME, "item", limit=LIMIT)
        similar = {c.code: c.score for c in result.candidates if c.code != product.id and c.score >= DUPLICATE_SCORE}
        similar |= {i: 100.0 for i in by_signature.get(_signature(product), []) if i != product.id}
        if similar:
            shown = sorted(similar)
            found[product.id] = [
                problem(
                    ProblemKind.duplicate,
                    f"产品 {product.id} 可能与 {'、'.join(shown)} 重复",
                    f"product {product.id} looks like a duplicate of {', '.join(shown)}",
                    expected=shown,
                )  # fmt: skip
            ]
    return found
