"""Following the standard: when a class is deprecated (with its `replacedBy`) or a release changes
a template (a property made required, a value dropped from a list, a unit changed), the products
it touches are listed for their firms, each with what to change. Nothing is changed on them: a
product keeps its class, values and status until its firm registers a new version.

A notice is a problem a product has against the standard as it is now and did not have when it
was last registered or published (a draft's own missing values are not news)."""

from __future__ import annotations

from neo4j import ManagedTransaction
from pydantic import BaseModel

from common.errors import InvalidInput
from ontology.registry.model import Problem, Product
from ontology.registry.products import product_from, recheck
from ontology.registry.templates import SCHEME
from ontology.registry.visible import VISIBLE
from ontology.rows import uid
from ontology.store import Store


class Notice(BaseModel):
    product: Product
    problems: list[Problem]  # each with what to change: the successor class, the allowed values


class NoticePage(BaseModel):
    offset: int
    total: int
    notices: list[Notice]


def notices(store: Store, firm: str | None, class_code: str | None, offset: int, limit: int) -> NoticePage:
    """The live (draft or published) products of `firm`, or of `class_code` and its narrower classes,
    that the standard has moved away from."""
    if firm is None and class_code is None:
        raise InvalidInput("说明企业或类目 / name a firm or a class", field="firm")
    return store.read(_notices, firm, class_code, offset, limit)


def _notices(tx: ManagedTransaction, firm: str | None, class_code: str | None, offset: int, limit: int) -> NoticePage:
    rows = tx.run(
        "MATCH (p:Product) WHERE p.status IN ['draft', 'published'] AND ($firm IS NULL OR p.firm = $firm) AND "
        + VISIBLE
        + ""
        "AND ($class IS NULL OR "
        "  EXISTS { MATCH (p)-[:CLASSIFIED_AS]->(:Class)-[:BROADER*0..]->(:Class {uid: $class}) }) "
        "RETURN properties(p) AS p ORDER BY p.id",
        {"firm": firm, "class": uid(SCHEME, class_code) if class_code else None},
    ).value("p")
    products = [product_from(r) for r in rows]
    checked = recheck(tx, products)
    found = []
    for product in products:
        known = {(p.kind, p.property, p.message) for p in product.problems}
        news = [p for p in checked[product.id].problems if (p.kind, p.property, p.message) not in known]
        if news:
            found.append(Notice(product=product, problems=news))
    return NoticePage(offset=offset, total=len(found), notices=found[offset : offset + limit])
