"""Finding products: published ones by CPMS class (its narrower classes included), by attribute
values (`M8`, `304`, `镀锌`, or `property=value`), by GTIN, by firm and by region, a page at a time.

Each search starts from its most selective part, chosen from a fixed set of literal queries (a
GTIN, a stated value, a class, a firm, else every product), and checks the rest per product."""

from __future__ import annotations

from typing import Any, LiteralString

from neo4j import ManagedTransaction
from pydantic import BaseModel, ConfigDict

from common.errors import InvalidInput
from ontology.registry.model import Product, ProductStatus
from ontology.registry.products import product_from
from ontology.registry.templates import SCHEME
from ontology.registry.visible import VISIBLE
from ontology.rows import uid
from ontology.store import Store

MAX_TERMS = 8  # attribute values one search may name


class ProductQuery(BaseModel):
    model_config = ConfigDict(frozen=True)  # hashable: the service caches answers by their queries

    class_code: str | None = None
    values: tuple[str, ...] = ()  # each `M8`, `304`, or `thread_size=M8`; a product must state each
    gtin: str | None = None
    firm: str | None = None
    region: str | None = None  # a prefix: 金华市 finds 金华市永康市
    statuses: tuple[ProductStatus, ...] = (ProductStatus.published,)


class ProductPage(BaseModel):
    offset: int
    total: int
    products: list[Product]
    values: dict[str, list[str]]  # each value term, and the `property=value` keys it was read as


_ANCHORS: dict[str, LiteralString] = {
    "gtin": "MATCH (p:Product {gtin: $gtin}) ",
    "value": "MATCH (v:Value) WHERE v.uid IN $anchors MATCH (v)<-[:STATES_VALUE]-(p:Product) ",
    "class": "MATCH (:Class {uid: $class})<-[:BROADER*0..]-(:Class)<-[:CLASSIFIED_AS]-(p:Product) ",
    "firm": "MATCH (p:Product {firm: $firm}) ",
    "all": "MATCH (p:Product) ",
}
_FILTER: LiteralString = (
    "WHERE p.status IN $statuses AND ($gtin IS NULL OR p.gtin = $gtin) AND ($firm IS NULL OR p.firm = $firm) "
    "AND ($region IS NULL OR EXISTS { MATCH (p)-[:MADE_BY]->(f:Firm) WHERE f.region STARTS WITH $region }) "
    "AND ($class IS NULL OR EXISTS { MATCH (p)-[:CLASSIFIED_AS]->(:Class)-[:BROADER*0..]->(:Class {uid: $class}) }) "
    "AND all(keys IN $groups WHERE any(k IN keys WHERE k IN p.value_keys)) AND " + VISIBLE
)


def find_products(store: Store, query: ProductQuery, offset: int, limit: int) -> ProductPage:
    if len(query.values) > MAX_TERMS:
        raise InvalidInput(f"最多 {MAX_TERMS} 个属性值 / at most {MAX_TERMS} attribute values", field="values")
    return store.read(_find, query, offset, limit)


def _find(tx: ManagedTransaction, query: ProductQuery, offset: int, limit: int) -> ProductPage:
    terms = _read_terms(tx, list(query.values))
    read = {term: keys for term, (keys, _) in terms.items()}
    groups = [read[t] for t in query.values]
    if any(not g for g in groups):  # a value nothing states: no product has it
        return ProductPage(offset=offset, total=0, products=[], values=read)
    params: dict[str, Any] = {
        "statuses": [s.value for s in query.statuses],
        "gtin": query.gtin,
        "firm": query.firm.strip().upper() if query.firm else None,
        "region": query.region,
        "class": uid(SCHEME, query.class_code) if query.class_code else None,
        "groups": groups,
        "anchors": [],
    }
    anchor = "all"
    enums = sorted((keys for keys, stated in terms.values() if stated), key=len)
    if query.gtin:
        anchor = "gtin"
    elif enums:
        anchor, params["anchors"] = "value", [f"{SCHEME}:{key.replace('=', ':', 1)}" for key in enums[0]]
    elif query.class_code:
        anchor = "class"
    elif query.firm:
        anchor = "firm"
    match = _ANCHORS[anchor] + _FILTER
    total = tx.run(match + "RETURN count(DISTINCT p) AS n", params).single(strict=True)["n"]
    rows = tx.run(
        match + "WITH DISTINCT p RETURN properties(p) AS p ORDER BY p.id SKIP $offset LIMIT $limit",
        params,
        offset=offset,
        limit=limit,
    ).value("p")
    return ProductPage(offset=offset, total=total, products=[product_from(r) for r in rows], values=read)


def read_value_terms(tx: ManagedTransaction, terms: list[str]) -> dict[str, list[str]]:
    """Each term as the `property=value` keys it may mean: `M8` or `304` as the CPMS values whose
    code, label or synonym is the term, else contains it; `material=304` as the values of
    `material` whose code, label or synonym is `304`, else as it is (`length=30`)."""
    return {term: keys for term, (keys, _) in _read_terms(tx, terms).items()}


_VALUE_TEXTS: LiteralString = (
    "[t IN [v.code, v.label_zh, v.label_zh_hant, v.label_en] + coalesce(v.syn_text, []) WHERE t IS NOT NULL "
    "| toLower(t)] AS texts "
)


def _read_terms(tx: ManagedTransaction, terms: list[str]) -> dict[str, tuple[list[str], bool]]:
    """Each term's keys, and whether they are stated values (which a search may start from)."""
    found: dict[str, tuple[list[str], bool]] = {}
    pairs = [{"term": t, "property": t.split("=", 1)[0].strip(), "text": t.split("=", 1)[1]} for t in terms if "=" in t]
    if pairs:
        rows = tx.run(
            "UNWIND $pairs AS pair MATCH (p:Property {scheme: $scheme, code: pair.property})-[:HAS_VALUE]->(v:Value) "
            "WITH pair, p, v, " + _VALUE_TEXTS + "WHERE toLower(trim(pair.text)) IN texts "
            "RETURN pair.term AS term, p.code + '=' + v.code AS key ORDER BY key",
            pairs=pairs,
            scheme=SCHEME,
        ).data()
        for pair in pairs:
            keys = [r["key"] for r in rows if r["term"] == pair["term"]]
            found[pair["term"]] = (keys, True) if keys else ([pair["term"].strip()], False)
    free = [t for t in terms if "=" not in t]
    if free:
        rows = tx.run(
            "UNWIND $terms AS term MATCH (p:Property {scheme: $scheme})-[:HAS_VALUE]->(v:Value) "
            "WITH term, p, v, " + _VALUE_TEXTS + "WITH term, p, v, texts, toLower(trim(term)) AS wanted "
            "WHERE wanted IN texts OR any(t IN texts WHERE t CONTAINS wanted) "
            "RETURN term, p.code + '=' + v.code AS key, wanted IN texts AS exact ORDER BY key",
            terms=free,
            scheme=SCHEME,
        ).data()
        for term in free:
            mine = [r for r in rows if r["term"] == term]
            exact = [r["key"] for r in mine if r["exact"]]
            found[term] = (exact or [r["key"] for r in mine], True)
    return found
