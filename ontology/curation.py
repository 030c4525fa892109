"""Curating the attribute templates, mappings and standard items, one versioned change at a time.

Classes are edited in ontology/editing.py; this module covers what hangs off them. A change to a
class's template or mappings bumps the class's version (the editor names the version they saw), a
change to a property's values bumps the property's, an item's change its own.
"""

from __future__ import annotations

from typing import Any

from neo4j import ManagedTransaction

from common.errors import InvalidInput, NotFound
from ontology.editing import bump, check_code, lock, record, require_reason
from ontology.model import DataType, Item, Labels, Mapping, Property, Unit, Value
from ontology.rows import (
    item_props,
    labels_props,
    property_props,
    search_text,
    synonyms_from,
    uid,
    unit_props,
    value_props,
)
from ontology.store import Store


def define_unit(store: Store, scheme: str, unit: Unit, actor: str, reason: str) -> Unit:
    require_reason(actor, reason)
    return store.write(_define_unit, scheme, unit, actor, reason)


def _define_unit(tx: ManagedTransaction, scheme: str, unit: Unit, actor: str, reason: str) -> Unit:
    if tx.run("MATCH (u:Unit {code: $code}) RETURN u", code=unit.code).single() is not None:
        raise InvalidInput(f"unit {unit.code} already exists", field="code")
    props = unit_props(unit)
    tx.run(
        "MATCH (s:Scheme {code: $scheme}) CREATE (u:Unit) SET u = $props "
        "WITH s, u OPTIONAL MATCH (s)-[r:DEFINES_UNIT]->() WITH s, u, count(r) AS n "
        "CREATE (s)-[:DEFINES_UNIT {ord: n}]->(u)",
        scheme=scheme,
        props=props,
    ).consume()
    record(tx, f"{scheme}:unit:{unit.code}", "define_unit", actor, reason, None, props)
    return unit


def define_property(store: Store, scheme: str, prop: Property, actor: str, reason: str) -> Property:
    require_reason(actor, reason)
    if prop.data_type in (DataType.number, DataType.range) and not prop.unit:
        raise InvalidInput(f"a {prop.data_type.value} property needs a unit", field="unit")
    return store.write(_define_property, scheme, prop.model_copy(update={"version": 1}), actor, reason)


def _define_property(tx: ManagedTransaction, scheme: str, prop: Property, actor: str, reason: str) -> Property:
    key = uid(scheme, prop.code)
    if tx.run("MATCH (p:Property {uid: $uid}) RETURN p", uid=key).single() is not None:
        raise InvalidInput(f"property {prop.code} already exists in {scheme}", field="code")
    if prop.unit and tx.run("MATCH (u:Unit {code: $code}) RETURN u", code=prop.unit).single() is None:
        raise InvalidInput(f"unit {prop.unit} is not defined", field="unit")
    props = {**property_props(scheme, prop), "ord": 1_000_000}
    tx.run(
        "CREATE (p:Property) SET p = $props WITH p OPTIONAL MATCH (u:Unit {code: $unit}) "
        "FOREACH (_ IN CASE WHEN u IS NULL THEN [] ELSE [1] END | CREATE (p)-[:IN_UNIT]->(u))",
        props=props,
        unit=prop.unit,
    ).consume()
    _add_values(tx, scheme, prop.code, prop.values, start=0)
    record(tx, key, "define_property", actor, reason, None, {**props, "values": [v.code for v in prop.values]})
    return prop


def _add_values(tx: ManagedTransaction, scheme: str, property_code: str, values: list[Value], start: int) -> None:
    tx.run(
        "MATCH (p:Property {uid: $uid}) UNWIND $rows AS row CREATE (v:Value) SET v = row.props "
        "CREATE (p)-[:HAS_VALUE {ord: row.ord}]->(v)",
        uid=uid(scheme, property_code),
        rows=[{"props": value_props(scheme, property_code, v), "ord": start + n} for n, v in enumerate(values)],
    ).consume()


def add_values(
    store: Store, scheme: str, property_code: str, expected_version: int, values: list[Value], actor: str, reason: str
) -> dict[str, Any]:
    """Extend an enum property's value list (value codes are never reused)."""
    require_reason(actor, reason)
    return store.write(add_values_tx, scheme, property_code, expected_version, values, actor, reason)


def add_values_tx(
    tx: ManagedTransaction,
    scheme: str,
    property_code: str,
    expected_version: int,
    values: list[Value],
    actor: str,
    reason: str,
) -> dict[str, Any]:
    key = uid(scheme, property_code)
    before = lock(tx, "Property", key, expected_version)
    if before["data_type"] != DataType.enum:
        raise InvalidInput(f"{property_code} is a {before['data_type']} property, not an enum", field="property")
    existing = tx.run("MATCH (:Property {uid: $uid})-[:HAS_VALUE]->(v) RETURN v.code AS code", uid=key).value("code")
    clash = sorted({v.code for v in values} & set(existing))
    if clash:
        raise InvalidInput(f"value code(s) {', '.join(clash)} already exist in {property_code}", field="values")
    _add_values(tx, scheme, property_code, values, start=len(existing))
    after = bump(tx, "Property", key, {})
    record(tx, key, "add_values", actor, reason, before, {**after, "added": [v.code for v in values]})
    return after


def attach_property(
    store: Store,
    scheme: str,
    class_code: str,
    expected_version: int,
    property_code: str,
    required: bool,
    actor: str,
    reason: str,
) -> dict[str, Any]:
    """Attach a property to a class's template (or change its `required` flag)."""
    require_reason(actor, reason)
    return store.write(_attach, scheme, class_code, expected_version, property_code, required, actor, reason)


def _attach(
    tx: ManagedTransaction,
    scheme: str,
    class_code: str,
    expected_version: int,
    property_code: str,
    required: bool,
    actor: str,
    reason: str,
) -> dict[str, Any]:
    key = uid(scheme, class_code)
    before = lock(tx, "Class", key, expected_version)
    attached = tx.run(
        "MATCH (c:Class {uid: $cls}), (p:Property {uid: $prop}) "
        "OPTIONAL MATCH (c)-[old:HAS_PROPERTY]->() WITH c, p, count(old) AS n "
        "MERGE (c)-[r:HAS_PROPERTY]->(p) ON CREATE SET r.ord = n SET r.required = $required RETURN r",
        cls=key,
        prop=uid(scheme, property_code),
        required=required,
    ).single()
    if attached is None:
        raise InvalidInput(f"property {property_code} is not defined in {scheme}", field="property")
    after = bump(tx, "Class", key, {})
    record(
        tx, key, "attach_property", actor, reason, before, {**after, "property": property_code, "required": required}
    )
    return after


def set_mapping(
    store: Store, scheme: str, expected_version: int, mapping: Mapping, actor: str, reason: str, remove: bool = False
) -> dict[str, Any]:
    """Add (or with `remove`, delete) a SKOS mapping from a class to another scheme's class."""
    require_reason(actor, reason)
    return store.write(_set_mapping, scheme, expected_version, mapping, actor, reason, remove)


def _set_mapping(
    tx: ManagedTransaction, scheme: str, expected_version: int, mapping: Mapping, actor: str, reason: str, remove: bool
) -> dict[str, Any]:
    key = uid(scheme, mapping.from_code)
    target = uid(mapping.to_scheme, mapping.to_code)
    if mapping.to_scheme == scheme:
        raise InvalidInput("a mapping goes to another scheme", field="toScheme")
    before = lock(tx, "Class", key, expected_version)
    if tx.run("MATCH (t:Class {uid: $uid}) RETURN t", uid=target).single() is None:
        raise InvalidInput(f"{target} is not a class in the store", field="toCode")
    if remove:
        gone = tx.run(
            "MATCH (:Class {uid: $a})-[m:MAPS_TO {relation: $relation}]->(:Class {uid: $b}) "
            "DELETE m RETURN count(*) AS n",
            a=key,
            b=target,
            relation=mapping.relation.value,
        ).single(strict=True)["n"]
        if not gone:
            raise NotFound(f"no {mapping.relation.value} mapping from {key} to {target}", field="toCode")
    else:
        tx.run(
            "MATCH (a:Class {uid: $a}), (b:Class {uid: $b}) OPTIONAL MATCH (a)-[old:MAPS_TO]->() "
            "WITH a, b, count(old) AS n MERGE (a)-[m:MAPS_TO {relation: $relation}]->(b) "
            "ON CREATE SET m.ord = n SET m.source = $source",
            a=key,
            b=target,
            relation=mapping.relation.value,
            source=mapping.source,
        ).consume()
    after = bump(tx, "Class", key, {})
    action = "remove_mapping" if remove else "add_mapping"
    record(tx, key, action, actor, reason, before, {**after, "mapping": mapping.model_dump(mode="json")})
    return after


def create_item(store: Store, scheme: str, item: Item, actor: str, reason: str) -> Item:
    require_reason(actor, reason)
    item = item.model_copy(update={"code": check_code(scheme, item.code), "version": 1})
    return store.write(_create_item, scheme, item, actor, reason)


def _check_item_values(tx: ManagedTransaction, scheme: str, item: Item) -> None:
    template = tx.run(
        "MATCH (:Class {uid: $cls})-[:BROADER*0..]->(:Class)-[:HAS_PROPERTY]->(p:Property) "
        "OPTIONAL MATCH (p)-[:HAS_VALUE]->(v:Value) "
        "RETURN p.code AS code, p.data_type AS type, collect(v.code) AS values",
        cls=uid(scheme, item.class_code),
    ).data()
    allowed = {t["code"]: t for t in template}
    for v in item.values:
        prop = allowed.get(v.property)
        if prop is None:
            raise InvalidInput(
                f"{v.property} is not in class {item.class_code}'s template", field=f"values.{v.property}"
            )
        if prop["type"] == DataType.enum and v.value not in prop["values"]:
            raise InvalidInput(f"{v.value!r} is not an allowed value of {v.property}", field=f"values.{v.property}")


def _create_item(tx: ManagedTransaction, scheme: str, item: Item, actor: str, reason: str) -> Item:
    key = uid(scheme, item.code)
    if tx.run("MATCH (c:Class {uid: $uid}) RETURN c", uid=uid(scheme, item.class_code)).single() is None:
        raise InvalidInput(f"class {item.class_code} is not in {scheme}", field="classCode")
    taken = tx.run(
        "OPTIONAL MATCH (i:Item {uid: $uid}) OPTIONAL MATCH (p:PublishedCode {uid: $uid}) "
        "RETURN i IS NOT NULL OR p IS NOT NULL AS taken",
        uid=key,
    ).single(strict=True)["taken"]
    if taken:
        raise InvalidInput(f"code {item.code} is already used in {scheme}; codes are never reused", field="code")
    _check_item_values(tx, scheme, item)
    props = {**item_props(scheme, item), "ord": 1_000_000}
    tx.run(
        "MATCH (c:Class {uid: $cls}) CREATE (i:Item) SET i = $props CREATE (i)-[:OF_CLASS]->(c) "
        "WITH i UNWIND $values AS v MATCH (value:Value {uid: v.uid}) "
        "CREATE (i)-[:HAS_VALUE {property: v.property}]->(value)",
        cls=uid(scheme, item.class_code),
        props=props,
        values=[
            {"uid": f"{scheme}:{v.property}:{v.value}", "property": v.property}
            for v in item.values
            if v.value is not None
        ],
    ).consume()
    record(tx, key, "create_item", actor, reason, None, props)
    return item


def update_item_labels(
    store: Store, scheme: str, code: str, expected_version: int, labels: Labels, actor: str, reason: str
) -> dict[str, Any]:
    require_reason(actor, reason)
    return store.write(_update_item_labels, uid(scheme, code), expected_version, labels, actor, reason)


def _update_item_labels(
    tx: ManagedTransaction, key: str, expected_version: int, labels: Labels, actor: str, reason: str
) -> dict[str, Any]:
    before = lock(tx, "Item", key, expected_version)
    after = bump(tx, "Item", key, {**labels_props(labels), "search_text": search_text(labels, synonyms_from(before))})
    record(tx, key, "update_item", actor, reason, before, after)
    return after
