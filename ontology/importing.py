"""Import a whole scheme into Neo4j: validate everything first, then write it in one transaction.

An import makes the store's content of the scheme equal to the bundle: concepts are merged by code
(so mappings from other schemes into it survive), concepts missing from the bundle are removed, and
every relationship of the scheme is rewritten. Codes once published in a release may be deprecated
but never removed. One transaction means a failed import writes nothing.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

from neo4j import ManagedTransaction

from ontology.exporting import read_bundle
from ontology.model import ConceptClass, Item, Mapping, SchemeBundle
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


def _versioned(
    tx: ManagedTransaction, bundle: SchemeBundle
) -> tuple[SchemeBundle, list[dict[str, Any]], list[Problem]]:
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
    changes: list[dict[str, Any]] = []
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
            changes.append({"uid": uid(scheme, concept.code), "action": "import_update",
                            "before": old_content, "after": {**new_content, "version": updated.version}})  # fmt: skip
        for code, gone in before.items():
            changes.append({"uid": uid(scheme, code), "action": "import_remove", "before": _content(gone, []),
                            "after": None})  # fmt: skip
        return result

    classes = reconcile("classes", old.classes, bundle.classes)
    items = reconcile("items", old.items, bundle.items)
    return bundle.model_copy(update={"classes": classes, "items": items}), changes, problems


def _write(tx: ManagedTransaction, bundle: SchemeBundle, actor: str, reason: str) -> dict[str, int]:
    problems = _store_problems(tx, bundle)
    bundle, changes, conflicts = _versioned(tx, bundle)
    problems += conflicts
    if problems:
        raise ImportRejected(problems)
    s = bundle.scheme
    scheme = s.code
    tx.run(
        "MERGE (s:Scheme {code: $code}) SET s += $props",
        code=scheme,
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
    tx.run("MATCH (:Scheme {code: $scheme})-[r:DEFINES_UNIT]->() DELETE r", scheme=scheme).consume()
    _run_batched(
        tx,
        "MATCH (s:Scheme {code: $scheme}) UNWIND $rows AS row "
        "MERGE (u:Unit {code: row.props.code}) SET u = row.props "
        "CREATE (s)-[:DEFINES_UNIT {ord: row.ord}]->(u)",
        [{"props": unit_props(u), "ord": n} for n, u in enumerate(bundle.units)],
        scheme=scheme,
    )

    # properties and their values
    prop_rows = [{**property_props(scheme, p), "ord": n} for n, p in enumerate(bundle.properties)]
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
        for p in bundle.properties
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

    # classes
    class_rows = [{**class_props(scheme, c), "ord": n} for n, c in enumerate(bundle.classes)]
    tx.run(
        "MATCH (c:Class {scheme: $scheme}) WHERE NOT c.uid IN $keep DETACH DELETE c",
        scheme=scheme,
        keep=[r["uid"] for r in class_rows],
    ).consume()
    tx.run("MATCH (c:Class {scheme: $scheme})-[r:BROADER|HAS_PROPERTY|MAPS_TO]->() DELETE r", scheme=scheme).consume()
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
        [{"child": uid(scheme, c.code), "parent": uid(scheme, c.parent)} for c in bundle.classes if c.parent],
    )
    _run_batched(
        tx,
        "UNWIND $rows AS row MATCH (c:Class {uid: row.cls}), (p:Property {uid: row.prop}) "
        "CREATE (c)-[:HAS_PROPERTY {required: row.required, ord: row.ord}]->(p)",
        [
            {"cls": uid(scheme, c.code), "prop": uid(scheme, cp.property), "required": cp.required, "ord": n}
            for c in bundle.classes
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
            for n, m in enumerate(bundle.mappings)
        ],
    )

    # standard items
    item_rows = [{**item_props(scheme, i), "ord": n} for n, i in enumerate(bundle.items)]
    tx.run(
        "MATCH (i:Item {scheme: $scheme}) WHERE NOT i.uid IN $keep DETACH DELETE i",
        scheme=scheme,
        keep=[r["uid"] for r in item_rows],
    ).consume()
    tx.run("MATCH (i:Item {scheme: $scheme})-[r:OF_CLASS|HAS_VALUE]->() DELETE r", scheme=scheme).consume()
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
            for i in bundle.items
            for v in i.values
            if v.value is not None
        ],
    )

    tx.run(
        "UNWIND $rows AS row CREATE (:Change {uid: randomUUID(), at: datetime(), actor: $actor, reason: $reason, "
        "action: row.action, scheme: $scheme, concept: row.uid, before: row.before, after: row.after})",
        rows=[{**c, "before": json.dumps(c["before"], ensure_ascii=False),
               "after": json.dumps(c["after"], ensure_ascii=False) if c["after"] else None} for c in changes],
        actor=actor, reason=reason, scheme=scheme,
    ).consume()  # fmt: skip
    counts = {
        "changed": len(changes),
        "classes": len(bundle.classes),
        "properties": len(bundle.properties),
        "values": len(value_rows),
        "units": len(bundle.units),
        "items": len(bundle.items),
        "mappings": len(bundle.mappings),
    }
    tx.run(
        "CREATE (:Change {uid: $uid, at: datetime(), actor: $actor, reason: $reason, action: 'import', "
        "scheme: $scheme, concept: $scheme, before: null, after: $after})",
        uid=str(uuid.uuid4()),
        actor=actor,
        reason=reason,
        scheme=scheme,
        after=f"imported {scheme} {bundle.scheme.version}: " + ", ".join(f"{v} {k}" for k, v in counts.items()),
    ).consume()
    return counts


def import_bundle(
    store: Store, bundle: SchemeBundle, actor: str, reason: str, locate: Locate = json_location
) -> dict[str, float]:
    """Validate `bundle` in full, then write it atomically. Raises ImportRejected listing every problem."""
    problems = check_bundle(bundle, locate)
    if problems:
        raise ImportRejected(problems)
    started = time.perf_counter()
    counts = store.write(_write, bundle, actor, reason)
    return {**counts, "seconds": round(time.perf_counter() - started, 2)}
