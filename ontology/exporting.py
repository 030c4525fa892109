"""Read a whole scheme back out of Neo4j as a `SchemeBundle` (the lossless JSON export)."""

from __future__ import annotations

from neo4j import ManagedTransaction

from common.errors import NotFound
from ontology.model import ClassProperty, Labels, Mapping, Scheme, SchemeBundle
from ontology.rows import class_from, item_from, property_from, unit_from, value_from
from ontology.store import Store


def read_bundle(tx: ManagedTransaction, scheme: str) -> SchemeBundle:
    s = tx.run("MATCH (s:Scheme {code: $scheme}) RETURN properties(s) AS s", scheme=scheme).single()
    if s is None:
        raise NotFound(f"scheme {scheme!r} is not in the store")
    s = s["s"]
    header = Scheme(
        code=s["code"],
        name=Labels(**{"zh-Hans": s.get("name_zh"), "zh-Hant": s.get("name_zh_hant"), "en": s.get("name_en")}),
        version=s["version"],
        source=s["source"],
        licence=s["licence"],
        description=s.get("description"),
        code_pattern=s.get("code_pattern"),
        target_precision=s.get("target_precision"),
    )
    properties = [
        property_from(r["p"], [value_from(v) for v in r["values"]])
        for r in tx.run(
            "MATCH (p:Property {scheme: $scheme}) "
            "CALL { WITH p OPTIONAL MATCH (p)-[r:HAS_VALUE]->(v:Value) WITH v, r ORDER BY r.ord "
            "       RETURN collect(properties(v)) AS values } "
            "RETURN properties(p) AS p, values ORDER BY p.ord",
            scheme=scheme,
        )
    ]
    units = [
        unit_from(r["u"])
        for r in tx.run(
            "MATCH (:Scheme {code: $scheme})-[r:DEFINES_UNIT]->(u:Unit) RETURN properties(u) AS u ORDER BY r.ord",
            scheme=scheme,
        )
    ]
    classes = [
        class_from(r["c"], r["parent"], [ClassProperty(property=p["code"], required=p["required"]) for p in r["props"]])
        for r in tx.run(
            "MATCH (c:Class {scheme: $scheme}) "
            "OPTIONAL MATCH (c)-[:BROADER]->(parent:Class) "
            "CALL { WITH c OPTIONAL MATCH (c)-[r:HAS_PROPERTY]->(p:Property) WITH r, p ORDER BY r.ord "
            "       RETURN collect(CASE WHEN p IS NULL THEN null ELSE {code: p.code, required: r.required} END)"
            "       AS props } "
            "RETURN properties(c) AS c, parent.code AS parent, props ORDER BY c.ord",
            scheme=scheme,
        )
    ]
    items = [
        item_from(r["i"])
        for r in tx.run("MATCH (i:Item {scheme: $scheme}) RETURN properties(i) AS i ORDER BY i.ord", scheme=scheme)
    ]
    mappings = [
        Mapping(from_code=r["a"], to_scheme=r["to_scheme"], to_code=r["b"], relation=r["relation"], source=r["source"])
        for r in tx.run(
            "MATCH (a:Class {scheme: $scheme})-[m:MAPS_TO]->(b:Class) "
            "RETURN a.code AS a, b.scheme AS to_scheme, b.code AS b, m.relation AS relation, m.source AS source "
            "ORDER BY m.ord",
            scheme=scheme,
        )
    ]
    return SchemeBundle(
        scheme=header, units=units, properties=properties, classes=classes, items=items, mappings=mappings
    )


def export_bundle(store: Store, scheme: str) -> SchemeBundle:
    return store.read(read_bundle, scheme)


def list_schemes(store: Store) -> list[dict[str, str]]:
    return store.read(_list_schemes)


def _list_schemes(tx: ManagedTransaction) -> list[dict[str, str]]:
    return tx.run("MATCH (s:Scheme) RETURN s.code AS code, s.version AS version ORDER BY code").data()
