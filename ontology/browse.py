"""Paged and batched reads for the API: each function answers for many keys in one round trip,
so that a page of classes with their templates, children and mappings costs a bounded number of
queries (the service's DataLoaders call these)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from neo4j import ManagedTransaction
from pydantic import BaseModel, ConfigDict

from ontology.model import ConceptClass, Item, Property, Unit, Value
from ontology.rows import class_from, item_from, property_from, uid, unit_from, value_from
from ontology.store import Store


def _in_key_order(
    store: Store, work: Callable[..., dict[str, Any]], keys: list[str], missing: Callable[[], Any] = lambda: None
) -> list[Any]:
    """One round trip for all `keys`; the answers in the order of `keys` (DataLoaders need that),
    `missing()` where the store has nothing."""
    found = store.read(work, keys)
    return [found[k] if k in found else missing() for k in keys]


class Page(BaseModel):
    """A slice of a longer list: `total` lets clients show where they are."""

    offset: int
    total: int
    rows: list[Any]


class SchemeInfo(BaseModel):
    code: str
    version: str
    source: str
    licence: str
    name_zh: str | None
    name_zh_hant: str | None
    name_en: str | None
    description: str | None
    target_precision: float | None = None
    classes: int
    items: int


def schemes(store: Store) -> list[SchemeInfo]:
    return store.read(_schemes)


def _schemes(tx: ManagedTransaction) -> list[SchemeInfo]:
    rows = tx.run(
        "MATCH (s:Scheme) "
        "CALL { WITH s MATCH (c:Class {scheme: s.code}) RETURN count(c) AS classes } "
        "CALL { WITH s MATCH (i:Item {scheme: s.code}) RETURN count(i) AS items } "
        "RETURN s {.*, classes: classes, items: items} AS s ORDER BY s.code"
    ).value("s")
    return [SchemeInfo(**{k: r.get(k) for k in SchemeInfo.model_fields}) for r in rows]


class ClassRecord(BaseModel):
    scheme: str
    concept: ConceptClass


def classes_by_uid(store: Store, uids: list[str]) -> list[ClassRecord | None]:
    """Classes in the order of `uids` (None where there is none)."""
    return _in_key_order(store, _classes_by_uid, uids)


def _classes_by_uid(tx: ManagedTransaction, uids: list[str]) -> dict[str, ClassRecord]:
    rows = tx.run(
        "UNWIND $uids AS key MATCH (c:Class {uid: key}) OPTIONAL MATCH (c)-[:BROADER]->(p:Class) "
        "RETURN key, properties(c) AS c, p.code AS parent",
        uids=uids,
    )
    return {r["key"]: ClassRecord(scheme=r["c"]["scheme"], concept=class_from(r["c"], r["parent"], [])) for r in rows}


def children_of(store: Store, uids: list[str]) -> list[list[str]]:
    """Child class uids of each class, by code."""
    return _in_key_order(store, _children_of, uids, list)


def _children_of(tx: ManagedTransaction, uids: list[str]) -> dict[str, list[str]]:
    rows = tx.run(
        "UNWIND $uids AS key MATCH (:Class {uid: key})<-[:BROADER]-(c:Class) WITH key, c ORDER BY c.code "
        "RETURN key, collect(c.uid) AS children",
        uids=uids,
    )
    return {r["key"]: r["children"] for r in rows}


def ancestors_of(store: Store, uids: list[str]) -> list[list[str]]:
    """Ancestor class uids of each class, nearest first."""
    return _in_key_order(store, _ancestors_of, uids, list)


def _ancestors_of(tx: ManagedTransaction, uids: list[str]) -> dict[str, list[str]]:
    rows = tx.run(
        "UNWIND $uids AS key MATCH path = (:Class {uid: key})-[:BROADER*1..]->(a:Class) "
        "WITH key, a, length(path) AS d ORDER BY d RETURN key, collect(a.uid) AS ancestors",
        uids=uids,
    )
    return {r["key"]: r["ancestors"] for r in rows}


class PropertyRecord(BaseModel):
    scheme: str
    property: Property  # without its values: they are paged separately
    value_count: int
    unit: Unit | None


def _property_record(props: dict[str, Any], unit: dict[str, Any] | None, value_count: int) -> PropertyRecord:
    return PropertyRecord(
        scheme=props["scheme"],
        property=property_from(props, []),
        value_count=value_count,
        unit=unit_from(unit) if unit else None,
    )


class TemplateRow(BaseModel):
    property: PropertyRecord
    required: bool
    defined_on: str  # code of the class that attaches the property


def templates_of(store: Store, uids: list[str]) -> list[list[TemplateRow]]:
    """The inherited attribute template of each class, ancestors' properties first, with the
    properties themselves (so a template costs one round trip, not two)."""
    return _in_key_order(store, templates_tx, uids, list)


def templates_tx(tx: ManagedTransaction, uids: list[str]) -> dict[str, list[TemplateRow]]:
    rows = tx.run(
        "UNWIND $uids AS key MATCH path = (:Class {uid: key})-[:BROADER*0..]->(owner:Class)-[r:HAS_PROPERTY]->(p) "
        "OPTIONAL MATCH (p)-[:IN_UNIT]->(u:Unit) "
        "CALL { WITH p OPTIONAL MATCH (p)-[:HAS_VALUE]->(v) RETURN count(v) AS n } "
        "WITH key, p, u, n, owner, r, length(path) AS d ORDER BY d DESC, r.ord "
        "RETURN key, collect({property: properties(p), unit: properties(u), n: n, required: r.required, "
        "owner: owner.code}) AS template",
        uids=uids,
    )
    result: dict[str, list[TemplateRow]] = {}
    for r in rows:
        merged: dict[str, TemplateRow] = {}
        for e in r["template"]:
            key = e["property"]["uid"]
            known = merged.get(key)
            merged[key] = TemplateRow(
                property=_property_record(e["property"], e["unit"], e["n"]),
                required=e["required"] or bool(known and known.required),
                defined_on=known.defined_on if known else e["owner"],
            )
        result[r["key"]] = list(merged.values())
    return result


def properties_by_uid(store: Store, uids: list[str]) -> list[PropertyRecord | None]:
    return _in_key_order(store, _properties_by_uid, uids)


def _properties_by_uid(tx: ManagedTransaction, uids: list[str]) -> dict[str, PropertyRecord]:
    rows = tx.run(
        "UNWIND $uids AS key MATCH (p:Property {uid: key}) OPTIONAL MATCH (p)-[:IN_UNIT]->(u:Unit) "
        "CALL { WITH p OPTIONAL MATCH (p)-[:HAS_VALUE]->(v) RETURN count(v) AS n } "
        "RETURN key, properties(p) AS p, properties(u) AS u, n",
        uids=uids,
    )
    return {r["key"]: _property_record(r["p"], r["u"], r["n"]) for r in rows}


def property_values(store: Store, property_uid: str, offset: int, limit: int) -> Page:
    return store.read(_property_values, property_uid, offset, limit)


def _property_values(tx: ManagedTransaction, key: str, offset: int, limit: int) -> Page:
    total = tx.run("MATCH (:Property {uid: $uid})-[:HAS_VALUE]->(v) RETURN count(v) AS n", uid=key).single(strict=True)[
        "n"
    ]
    rows = tx.run(
        "MATCH (:Property {uid: $uid})-[r:HAS_VALUE]->(v:Value) RETURN properties(v) AS v ORDER BY r.ord "
        "SKIP $offset LIMIT $limit",
        uid=key,
        offset=offset,
        limit=limit,
    ).value("v")
    return Page(offset=offset, total=total, rows=[value_from(v) for v in rows])


class MappingRow(BaseModel):
    relation: str
    source: str
    target_uid: str


def mappings_of(store: Store, uids: list[str]) -> list[list[MappingRow]]:
    """Outgoing and incoming SKOS mappings of each class (incoming ones with the inverse relation)."""
    return _in_key_order(store, _mappings_of, uids, list)


_INVERSE = {"broadMatch": "narrowMatch", "narrowMatch": "broadMatch"}


def _mappings_of(tx: ManagedTransaction, uids: list[str]) -> dict[str, list[MappingRow]]:
    result: dict[str, list[MappingRow]] = {}
    rows = tx.run(
        "UNWIND $uids AS key MATCH (c:Class {uid: key})-[m:MAPS_TO]-(other:Class) "
        "RETURN key, m.relation AS relation, m.source AS source, other.uid AS target, "
        "startNode(m) = c AS outgoing ORDER BY key, m.ord",
        uids=uids,
    )
    for r in rows:
        relation = r["relation"] if r["outgoing"] else _INVERSE.get(r["relation"], r["relation"])
        result.setdefault(r["key"], []).append(
            MappingRow(relation=relation, source=r["source"], target_uid=r["target"])
        )
    return result


class ItemFilter(BaseModel):
    model_config = ConfigDict(frozen=True)  # hashable: the service caches answers by their filters

    property: str
    value: str | None = None  # enum value code
    min: float | None = None
    max: float | None = None


def items(
    store: Store,
    scheme: str,
    class_code: str | None,
    filters: Sequence[ItemFilter],
    offset: int,
    limit: int,
    include_subclasses: bool = True,
) -> Page:
    """Items of a scheme (of a class and, by default, its subclasses) whose values pass every filter."""
    return store.read(_items, scheme, class_code, [f.model_dump() for f in filters], offset, limit, include_subclasses)


_ITEM_MATCH = (
    "MATCH (i:Item {scheme: $scheme}) "
    "WHERE ($class IS NULL OR EXISTS { MATCH (i)-[:OF_CLASS]->(:Class)-[:BROADER*0..]->(c:Class {uid: $class}) "
    "       WHERE $deep OR c.uid = $class }) "
    "AND all(f IN $filters WHERE f.value IS NULL "
    "  OR EXISTS { MATCH (i)-[:HAS_VALUE {property: f.property}]->(v:Value) WHERE v.code = f.value }) "
)


def _items(
    tx: ManagedTransaction,
    scheme: str,
    class_code: str | None,
    filters: list[dict],
    offset: int,
    limit: int,
    deep: bool,
) -> Page:
    params: dict[str, Any] = {
        "scheme": scheme,
        "class": uid(scheme, class_code) if class_code else None,
        "filters": filters,
    }
    numeric = [f for f in filters if f["value"] is None]
    if numeric:
        return _items_numeric(tx, params, numeric, offset, limit, deep)
    total = tx.run(_ITEM_MATCH + "RETURN count(i) AS n", **params, deep=deep).single(strict=True)["n"]
    rows = tx.run(
        _ITEM_MATCH + "RETURN properties(i) AS i ORDER BY i.code SKIP $offset LIMIT $limit",
        **params,
        deep=deep,
        offset=offset,
        limit=limit,
    ).value("i")
    return Page(offset=offset, total=total, rows=[item_from(r) for r in rows])


def _items_numeric(
    tx: ManagedTransaction, params: dict, numeric: list[dict], offset: int, limit: int, deep: bool
) -> Page:
    """Numeric filters read the item's values (kept as JSON on the node) in Python, after the enum
    filters have narrowed the items down in Cypher."""
    rows = tx.run(_ITEM_MATCH + "RETURN properties(i) AS i ORDER BY i.code", **params, deep=deep).value("i")
    kept = []
    for row in rows:
        item = item_from(row)
        numbers = {v.property: v.number for v in item.values if v.number is not None}
        if all(
            f["property"] in numbers
            and (f["min"] is None or numbers[f["property"]] >= f["min"])
            and (f["max"] is None or numbers[f["property"]] <= f["max"])
            for f in numeric
        ):
            kept.append(item)
    return Page(offset=offset, total=len(kept), rows=kept[offset : offset + limit])


def items_by_uid(store: Store, uids: list[str]) -> list[Item | None]:
    return _in_key_order(store, _items_by_uid, uids)


def _items_by_uid(tx: ManagedTransaction, uids: list[str]) -> dict[str, Item]:
    rows = tx.run("UNWIND $uids AS key MATCH (i:Item {uid: key}) RETURN key, properties(i) AS i", uids=uids)
    return {r["key"]: item_from(r["i"]) for r in rows}


def classes_page(store: Store, scheme: str, parent: str | None, status: str | None, offset: int, limit: int) -> Page:
    """Classes of a scheme: the top level, or the children of `parent`; optionally of one status."""
    return store.read(_classes_page, scheme, parent, status, offset, limit)


_CLASS_MATCH = (
    "MATCH (c:Class {scheme: $scheme}) WHERE ($status IS NULL OR c.status = $status) "
    "AND CASE WHEN $parent IS NULL THEN NOT (c)-[:BROADER]->() "
    "ELSE EXISTS { MATCH (c)-[:BROADER]->(:Class {uid: $parent}) } END "
)


def _classes_page(
    tx: ManagedTransaction, scheme: str, parent: str | None, status: str | None, offset: int, limit: int
) -> Page:
    params: dict[str, Any] = {"scheme": scheme, "parent": uid(scheme, parent) if parent else None, "status": status}
    total = tx.run(_CLASS_MATCH + "RETURN count(c) AS n", **params).single(strict=True)["n"]
    rows = tx.run(
        _CLASS_MATCH + "RETURN c.uid AS uid ORDER BY c.code SKIP $offset LIMIT $limit",
        **params,
        offset=offset,
        limit=limit,
    ).value("uid")
    return Page(offset=offset, total=total, rows=rows)


def value_labels(store: Store, value_uids: list[str]) -> list[Value | None]:
    return _in_key_order(store, _values_by_uid, value_uids)


def _values_by_uid(tx: ManagedTransaction, uids: list[str]) -> dict[str, Value]:
    rows = tx.run("UNWIND $uids AS key MATCH (v:Value {uid: key}) RETURN key, properties(v) AS v", uids=uids)
    return {r["key"]: value_from(r["v"]) for r in rows}
