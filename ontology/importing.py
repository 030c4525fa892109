"""Import a whole scheme into Neo4j: validate everything first, then write it in one transaction.

An import makes the store's content of the scheme equal to the bundle: concepts are merged by code
(so mappings from other schemes into it survive), concepts missing from the bundle are removed, and
every relationship of the scheme is rewritten. Codes once published in a release may be deprecated
but never removed. One transaction means a failed import writes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from typing import Any

from neo4j import ManagedTransaction

from ontology.editing import Changed, Edit, record_changes
from ontology.exporting import read_bundle
from ontology.model import ConceptClass, Item, Mapping, Property, Scheme, SchemeBundle, Unit
from ontology.rows import class_props, item_props, property_props, uid, unit_props, value_props
from ontology.store import Store
from ontology.validate import ImportRejected, Locate, Problem, check_bundle, json_location

BATCH = 5_000


def _chunks(rows: Sequence[dict[str, Any]]) -> Iterator[Sequence[dict[str, Any]]]:
    for start in range(0, len(rows), BATCH):
        yield rows[start : start + BATCH]


def _run_batched(tx: ManagedTransaction, query: str, rows: Sequence[dict[str, Any]], **params: Any) -> None:
    for chunk in _chunks(rows):
        tx.run(query, rows=chunk, **params).consume()


def _store_problems(tx: ManagedTransaction, bundle: SchemeBundle) -> list[Problem]:
    """Checks that need the store: mapping targets exist, published codes are still there."""
    scheme = bundle.scheme.code
    targets = sorted({uid(m.to_scheme, m.to_code) for m in bundle.mappings})
    missing = tx.run(
        "UNWIND $targets AS t OPTIONAL MATCH (c:Class {uid: t}) WITH t, c WHERE c IS NULL RETURN collect(t) AS missing",
        targets=targets,
    ).single(strict=True)["missing"]
    problems = [
        Problem(location=f"mappings (-> {t})", field="to_code", reason="target class is not in the store")
        for t in missing
    ]
    codes = [c.code for c in bundle.classes] + [i.code for i in bundle.items]
    dropped = tx.run(
        "MATCH (p:PublishedCode {scheme: $scheme}) WHERE NOT p.code IN $codes RETURN p.code AS code ORDER BY code",
        scheme=scheme,
        codes=codes,
    ).value("code")
    problems += [
        Problem(
            location=f"code {code}", field="code", reason="published in a release: it may be deprecated but not removed"
        )
        for code in dropped
    ]
    return problems


def _content(concept: ConceptClass | Item, mappings: list[Mapping]) -> dict:
    return {
        **concept.model_dump(mode="json", exclude={"version"}),
        "mappings": [m.model_dump(mode="json") for m in mappings],
    }


def _versioned(tx: ManagedTransaction, bundle: SchemeBundle) -> tuple[SchemeBundle, list[Changed], list[Problem]]:
    """Compare the bundle with what the store holds of the scheme. A concept whose content changed
    gets the next version, if the file was made from the store's current version; otherwise that is
    a conflict (someone changed it since the export). Returns the bundle with those versions, the
    change records (before and after of every changed or removed concept) and the conflicts."""
    if tx.run("MATCH (s:Scheme {code: $code}) RETURN s", code=bundle.scheme.code).single() is None:
        return bundle, [], []
    old = read_bundle(tx, bundle.scheme.code)
    scheme = bundle.scheme.code
    old_maps: dict[str, list[Mapping]] = {}
    for m in old.mappings:
        old_maps.setdefault(m.from_code, []).append(m)
    new_maps: dict[str, list[Mapping]] = {}
    for m in bundle.mappings:
        new_maps.setdefault(m.from_code, []).append(m)
    changes: list[Changed] = []
    problems: list[Problem] = []

    def reconcile(kind: str, olds: list, news: list) -> list:
        before = {c.code: c for c in olds}
        result = []
        for n, concept in enumerate(news):
            previous = before.pop(concept.code, None)
            maps = new_maps.get(concept.code, []) if kind == "classes" else []
            old_content = (
                _content(previous, old_maps.get(concept.code, []) if kind == "classes" else []) if previous else None
            )
            new_content = _content(concept, maps)
            if previous is None or old_content == new_content:
                result.append(concept if previous is None else concept.model_copy(update={"version": previous.version}))
                continue
            if concept.version != previous.version:
                problems.append(Problem(
                    location=f"{kind}[{n}] ({concept.code})", field="version",
                    reason=f"changed in the store since this file was made (store version {previous.version}, "
                    f"file version {concept.version}): export again and reapply your change",
                ))  # fmt: skip
            updated = concept.model_copy(update={"version": previous.version + 1})
            result.append(updated)
            after = {**new_content, "version": updated.version}
            changes.append(Changed(uid(scheme, concept.code), "import_update", old_content, after))
        for code, gone in before.items():
            changes.append(Changed(uid(scheme, code), "import_remove", _content(gone, []), None))
        return result

    classes = reconcile("classes", old.classes, bundle.classes)
    items = reconcile("items", old.items, bundle.items)
    return bundle.model_copy(update={"classes": classes, "items": items}), changes, problems


def _write(tx: ManagedTransaction, bundle: SchemeBundle, edit: Edit) -> dict[str, int]:
    problems = _store_problems(tx, bundle)
    bundle, changes, conflicts = _versioned(tx, bundle)
    problems += conflicts
    if problems:
        raise ImportRejected(problems)
    scheme = bundle.scheme.code
    _write_scheme(tx, bundle.scheme)
    _write_units(tx, scheme, bundle.units)
    values = _write_properties(tx, scheme, bundle.properties)
    _write_classes(tx, scheme, bundle.classes, bundle.mappings)
    _write_items(tx, scheme, bundle.items)
    counts = {
        "changed": len(changes),
        "classes": len(bundle.classes),
        "properties": len(bundle.properties),
        "values": values,
        "units": len(bundle.units),
        "items": len(bundle.items),
        "mappings": len(bundle.mappings),
    }
    imported = Changed(scheme, "import", None, {"version": bundle.scheme.version, **counts})
    record_changes(tx, edit, [*changes, imported])
    return counts


def _write_scheme(tx: ManagedTransaction, s: Scheme) -> None:
    tx.run(
        "MERGE (s:Scheme {code: $code}) SET s += $props",
        code=s.code,
        props={
            "version": s.version,
            "source": s.source,
            "licence": s.licence,
            "description": s.description,
            "code_pattern": s.code_pattern,
            **({"target_precision": s.target_precision} if s.target_precision is not None else {}),
            "name_zh": s.name.zh_hans,
            "name_zh_hant": s.name.zh_hant,
            "name_en": s.name.en,
        },
    ).consume()


def _write_units(tx: ManagedTransaction, scheme: str, units: list[Unit]) -> None:
    tx.run("MATCH (:Scheme {code: $scheme})-[r:DEFINES_UNIT]->() DELETE r", scheme=scheme).consume()
    _run_batched(
        tx,
        "MATCH (s:Scheme {code: $scheme}) UNWIND $rows AS row "
        "MERGE (u:Unit {code: row.props.code}) SET u = row.props "
        "CREATE (s)-[:DEFINES_UNIT {ord: row.ord}]->(u)",
        [{"props": unit_props(u), "ord": n} for n, u in enumerate(units)],
        scheme=scheme,
    )


def _write_properties(tx: ManagedTransaction, scheme: str, properties: list[Property]) -> int:
    """The properties with their units and values; returns the number of values."""
    prop_rows = [{**property_props(scheme, p), "ord": n} for n, p in enumerate(properties)]
    tx.run(
        "MATCH (p:Property {scheme: $scheme}) WHERE NOT p.uid IN $keep "
        "OPTIONAL MATCH (p)-[:HAS_VALUE]->(v:Value) DETACH DELETE p, v",
        scheme=scheme,
        keep=[r["uid"] for r in prop_rows],
    ).consume()
    _run_batched(
        tx,
        "UNWIND $rows AS row MERGE (p:Property {uid: row.uid}) SET p = row "
        "WITH p OPTIONAL MATCH (p)-[r:IN_UNIT]->() DELETE r",
        prop_rows,
    )
    _run_batched(
        tx,
        "UNWIND $rows AS row MATCH (p:Property {uid: row.uid}), (u:Unit {code: row.unit}) MERGE (p)-[:IN_UNIT]->(u)",
        [r for r in prop_rows if r["unit"]],
    )
    value_rows: list[dict[str, Any]] = [
        {"property": uid(scheme, p.code), "ord": n, "props": value_props(scheme, p.code, v)}
        for p in properties
        for n, v in enumerate(p.values)
    ]
    tx.run(
        "MATCH (p:Property {scheme: $scheme})-[:HAS_VALUE]->(v:Value) WHERE NOT v.uid IN $keep DETACH DELETE v",
        scheme=scheme,
        keep=[r["props"]["uid"] for r in value_rows],
    ).consume()
    _run_batched(
        tx,
        "UNWIND $rows AS row MATCH (p:Property {uid: row.property}) "
        "MERGE (v:Value {uid: row.props.uid}) SET v = row.props "
        "MERGE (p)-[r:HAS_VALUE]->(v) SET r.ord = row.ord",
        value_rows,
    )
    return len(value_rows)


# Labels cannot be query parameters: per kind of concept, the literal queries that remove the
# scheme's concepts the import leaves out, and unlink the others before they are linked again.
_CLEAR = {
    "Class": (
        "MATCH (c:Class {scheme: $scheme}) WHERE NOT c.uid IN $keep DETACH DELETE c",
        "MATCH (c:Class {scheme: $scheme})-[r:BROADER|HAS_PROPERTY|MAPS_TO]->() DELETE r",
    ),
    "Item": (
        "MATCH (i:Item {scheme: $scheme}) WHERE NOT i.uid IN $keep DETACH DELETE i",
        "MATCH (i:Item {scheme: $scheme})-[r:OF_CLASS|HAS_VALUE]->() DELETE r",
    ),
}


def _clear(tx: ManagedTransaction, kind: str, scheme: str, rows: list[dict[str, Any]]) -> None:
    remove, unlink = _CLEAR[kind]
    tx.run(remove, scheme=scheme, keep=[r["uid"] for r in rows]).consume()
    tx.run(unlink, scheme=scheme).consume()


def _write_classes(tx: ManagedTransaction, scheme: str, classes: list[ConceptClass], mappings: list[Mapping]) -> None:
    """The classes with their parents, attached properties and outgoing mappings."""
    class_rows = [{**class_props(scheme, c), "ord": n} for n, c in enumerate(classes)]
    _clear(tx, "Class", scheme, class_rows)
    _run_batched(
        tx,
        "MATCH (s:Scheme {code: $scheme}) UNWIND $rows AS row "
        "MERGE (c:Class {uid: row.uid}) SET c = row MERGE (c)-[:IN_SCHEME]->(s)",
        class_rows,
        scheme=scheme,
    )
    _run_batched(
        tx,
        "UNWIND $rows AS row MATCH (c:Class {uid: row.child}), (p:Class {uid: row.parent}) CREATE (c)-[:BROADER]->(p)",
        [{"child": uid(scheme, c.code), "parent": uid(scheme, c.parent)} for c in classes if c.parent],
    )
    _run_batched(
        tx,
        "UNWIND $rows AS row MATCH (c:Class {uid: row.cls}), (p:Property {uid: row.prop}) "
        "CREATE (c)-[:HAS_PROPERTY {required: row.required, ord: row.ord}]->(p)",
        [
            {"cls": uid(scheme, c.code), "prop": uid(scheme, cp.property), "required": cp.required, "ord": n}
            for c in classes
            for n, cp in enumerate(c.properties)
        ],
    )
    _run_batched(
        tx,
        "UNWIND $rows AS row MATCH (a:Class {uid: row.a}), (b:Class {uid: row.b}) "
        "CREATE (a)-[:MAPS_TO {relation: row.relation, source: row.source, ord: row.ord}]->(b)",
        [
            {
                "a": uid(scheme, m.from_code),
                "b": uid(m.to_scheme, m.to_code),
                "relation": m.relation.value,
                "source": m.source,
                "ord": n,
            }
            for n, m in enumerate(mappings)
        ],
    )


def _write_items(tx: ManagedTransaction, scheme: str, items: list[Item]) -> None:
    """The standard items with their classes and enum values."""
    item_rows = [{**item_props(scheme, i), "ord": n} for n, i in enumerate(items)]
    _clear(tx, "Item", scheme, item_rows)
    _run_batched(
        tx,
        "UNWIND $rows AS row MATCH (c:Class {uid: $scheme + ':' + row.class_code}) "
        "MERGE (i:Item {uid: row.uid}) SET i = row CREATE (i)-[:OF_CLASS]->(c)",
        item_rows,
        scheme=scheme,
    )
    _run_batched(
        tx,
        "UNWIND $rows AS row MATCH (i:Item {uid: row.item}), (v:Value {uid: row.value}) "
        "CREATE (i)-[:HAS_VALUE {property: row.property}]->(v)",
        [
            {"item": uid(scheme, i.code), "value": f"{scheme}:{v.property}:{v.value}", "property": v.property}
            for i in items
            for v in i.values
            if v.value is not None
        ],
    )


def import_bundle(store: Store, bundle: SchemeBundle, edit: Edit, locate: Locate = json_location) -> dict[str, float]:
    """Validate `bundle` in full, then write it atomically. Raises ImportRejected listing every problem."""
    problems = check_bundle(bundle, locate)
    if problems:
        raise ImportRejected(problems)
    started = time.perf_counter()
    counts = store.write(_write, bundle, edit)
    return {**counts, "seconds": round(time.perf_counter() - started, 2)}
