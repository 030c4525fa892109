"""Editing concepts one at a time, with optimistic versions and a change record for every write.

Each edit names the version the editor saw. Inside the write transaction the concept is locked
first and its version read again, so two editors who saw the same version cannot both write: the
second gets a VersionConflict instead of silently overwriting the first. Every write records who,
when, why, and the concept before and after.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from neo4j import ManagedTransaction
from pydantic import BaseModel

from common.errors import InvalidInput, NotFound, VersionConflict
from ontology.codes import CodeFormatError, validate_cpms_code
from ontology.model import ConceptClass, Labels, Status, Synonym
from ontology.rows import class_from, class_props, labels_props, search_text, synonym_props, uid
from ontology.store import Store

_HISTORY_HIDDEN = {"search_text", "ord"}


class ClassChanges(BaseModel):
    """Fields an editor may change on a class; None leaves a field as it is."""

    labels: Labels | None = None
    definition: Labels | None = None
    synonyms: list[Synonym] | None = None


class Change(BaseModel):
    uid: str
    at: str
    actor: str
    reason: str
    action: str
    concept: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def _snapshot(props: dict[str, Any] | None) -> str | None:
    if props is None:
        return None
    return json.dumps({k: v for k, v in sorted(props.items()) if k not in _HISTORY_HIDDEN}, ensure_ascii=False)


def record(
    tx: ManagedTransaction,
    concept: str,
    action: str,
    actor: str,
    reason: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    tx.run(
        "CREATE (:Change {uid: $uid, at: datetime(), actor: $actor, reason: $reason, action: $action, "
        "scheme: $scheme, concept: $concept, before: $before, after: $after})",
        uid=str(uuid.uuid4()),
        actor=actor,
        reason=reason,
        action=action,
        scheme=concept.split(":", 1)[0],
        concept=concept,
        before=_snapshot(before),
        after=_snapshot(after),
    ).consume()


def require_reason(actor: str, reason: str) -> None:
    if not actor.strip():
        raise InvalidInput("every change needs an actor (who)", field="actor")
    if not reason.strip():
        raise InvalidInput("every change needs a reason (why)", field="reason")


# Labels cannot be query parameters: one literal query per kind of versioned concept.
_LOCK = {
    "Class": "MATCH (c:Class {uid: $uid}) SET c._lock = true REMOVE c._lock RETURN properties(c) AS p",
    "Item": "MATCH (c:Item {uid: $uid}) SET c._lock = true REMOVE c._lock RETURN properties(c) AS p",
    "Property": "MATCH (c:Property {uid: $uid}) SET c._lock = true REMOVE c._lock RETURN properties(c) AS p",
}
_SET = {
    "Class": "MATCH (c:Class {uid: $uid}) SET c += $changes, c.version = c.version + 1 RETURN properties(c) AS p",
    "Item": "MATCH (c:Item {uid: $uid}) SET c += $changes, c.version = c.version + 1 RETURN properties(c) AS p",
    "Property": "MATCH (c:Property {uid: $uid}) SET c += $changes, c.version = c.version + 1 RETURN properties(c) AS p",
}


def lock(tx: ManagedTransaction, kind: str, key: str, expected_version: int) -> dict[str, Any]:
    """Take the concept's write lock, then compare its version, read under the lock, with the one the
    editor saw. The lock is held until the transaction ends, so no other edit can slip in between."""
    record = tx.run(_LOCK[kind], uid=key).single()
    if record is None:
        raise NotFound(f"{kind.lower()} {key} does not exist", concept=key)
    props = record["p"]
    if props["version"] != expected_version:
        raise VersionConflict(
            f"{kind.lower()} {key} is at version {props['version']}, not {expected_version}: someone changed it "
            f"since you read it; reload and apply your change again",
            concept=key,
            expectedVersion=expected_version,
            currentVersion=props["version"],
        )
    return props


def bump(tx: ManagedTransaction, kind: str, key: str, changes: dict[str, Any]) -> dict[str, Any]:
    """Apply `changes` and increase the version (under the lock taken by `lock`)."""
    return tx.run(_SET[kind], uid=key, changes=changes).single(strict=True)["p"]


def check_code(scheme: str, code: str) -> str:
    if scheme != "CPMS":
        return code
    try:
        return validate_cpms_code(code)
    except CodeFormatError as exc:
        raise InvalidInput(str(exc), field="code") from exc


def create_class(store: Store, scheme: str, cls: ConceptClass, actor: str, reason: str) -> ConceptClass:
    require_reason(actor, reason)
    code = check_code(scheme, cls.code)
    cls = cls.model_copy(update={"code": code, "version": 1, "status": cls.status or Status.draft})
    return store.write(create_class_tx, scheme, cls, actor, reason)


def create_class_tx(tx: ManagedTransaction, scheme: str, cls: ConceptClass, actor: str, reason: str) -> ConceptClass:
    key = uid(scheme, cls.code)
    if tx.run("MATCH (s:Scheme {code: $scheme}) RETURN s", scheme=scheme).single() is None:
        raise NotFound(f"scheme {scheme!r} does not exist", field="scheme")
    taken = tx.run(
        "OPTIONAL MATCH (c:Class {uid: $uid}) OPTIONAL MATCH (p:PublishedCode {uid: $uid}) "
        "RETURN c IS NOT NULL AS live, p IS NOT NULL AS published",
        uid=key,
    ).single(strict=True)
    if taken["live"] or taken["published"]:
        raise InvalidInput(f"code {cls.code} is already used in {scheme}; codes are never reused", field="code")
    if cls.parent and tx.run("MATCH (p:Class {uid: $uid}) RETURN p", uid=uid(scheme, cls.parent)).single() is None:
        raise InvalidInput(f"parent {cls.parent} is not a class of {scheme}", field="parent")
    props = {**class_props(scheme, cls), "ord": 1_000_000}
    tx.run(
        "MATCH (s:Scheme {code: $scheme}) CREATE (c:Class) SET c = $props CREATE (c)-[:IN_SCHEME]->(s) "
        "WITH c OPTIONAL MATCH (p:Class {uid: $parent}) FOREACH (_ IN CASE WHEN p IS NULL THEN [] ELSE [1] END | "
        "CREATE (c)-[:BROADER]->(p))",
        scheme=scheme,
        props=props,
        parent=uid(scheme, cls.parent) if cls.parent else None,
    ).consume()
    record(tx, key, "create", actor, reason, None, props)
    return class_from(props, cls.parent, [])


def update_class(
    store: Store, scheme: str, code: str, expected_version: int, changes: ClassChanges, actor: str, reason: str
) -> dict[str, Any]:
    require_reason(actor, reason)
    return store.write(update_class_tx, uid(scheme, code), expected_version, changes, actor, reason)


def update_class_tx(
    tx: ManagedTransaction, key: str, expected_version: int, changes: ClassChanges, actor: str, reason: str
) -> dict[str, Any]:
    before = lock(tx, "Class", key, expected_version)
    labels = changes.labels or class_from(before, None, []).labels
    synonyms = changes.synonyms if changes.synonyms is not None else class_from(before, None, []).synonyms
    new: dict[str, Any] = {
        **labels_props(labels),
        **synonym_props(synonyms),
        "search_text": search_text(labels, synonyms),
    }
    if changes.definition is not None:
        new.update(labels_props(changes.definition, "definition"))
    after = bump(tx, "Class", key, new)
    record(tx, key, "update", actor, reason, before, after)
    return after


def move_class(
    store: Store, scheme: str, code: str, expected_version: int, new_parent: str | None, actor: str, reason: str
) -> dict[str, Any]:
    require_reason(actor, reason)
    return store.write(_move_class, scheme, code, expected_version, new_parent, actor, reason)


def _move_class(
    tx: ManagedTransaction,
    scheme: str,
    code: str,
    expected_version: int,
    new_parent: str | None,
    actor: str,
    reason: str,
) -> dict[str, Any]:
    key = uid(scheme, code)
    before = lock(tx, "Class", key, expected_version)
    before_parent = tx.run("MATCH (:Class {uid: $uid})-[:BROADER]->(p) RETURN p.code AS code", uid=key).single()
    level = 1
    if new_parent is not None:
        parent = tx.run(
            "MATCH (p:Class {uid: $parent}) OPTIONAL MATCH path = (p)-[:BROADER*0..]->(:Class {uid: $uid}) "
            "RETURN p.level AS level, path IS NOT NULL AS cycle",
            parent=uid(scheme, new_parent),
            uid=key,
        ).single()
        if parent is None:
            raise InvalidInput(f"parent {new_parent} is not a class of {scheme}", field="parent")
        if parent["cycle"]:
            raise InvalidInput(f"{new_parent} is {code} itself or one of its descendants", field="parent")
        level = parent["level"] + 1
    tx.run("MATCH (:Class {uid: $uid})-[r:BROADER]->() DELETE r", uid=key).consume()
    if new_parent is not None:
        tx.run(
            "MATCH (c:Class {uid: $uid}), (p:Class {uid: $parent}) CREATE (c)-[:BROADER]->(p)",
            uid=key,
            parent=uid(scheme, new_parent),
        ).consume()
    after = bump(tx, "Class", key, {"level": level})
    record(
        tx,
        key,
        "move",
        actor,
        reason,
        {**before, "parent": before_parent and before_parent["code"]},
        {**after, "parent": new_parent},
    )
    return after


def deprecate_class(
    store: Store, scheme: str, code: str, expected_version: int, replaced_by: str | None, actor: str, reason: str
) -> dict[str, Any]:
    """Deprecate a class, optionally pointing to its successor. It stays resolvable by its code."""
    require_reason(actor, reason)
    return store.write(_deprecate_class, scheme, code, expected_version, replaced_by, actor, reason)


def _deprecate_class(
    tx: ManagedTransaction,
    scheme: str,
    code: str,
    expected_version: int,
    replaced_by: str | None,
    actor: str,
    reason: str,
) -> dict[str, Any]:
    key = uid(scheme, code)
    before = lock(tx, "Class", key, expected_version)
    if replaced_by is not None:
        if replaced_by == code:
            raise InvalidInput("a class cannot replace itself", field="replacedBy")
        successor = tx.run(
            "MATCH (s:Class {uid: $uid}) RETURN s.status AS status", uid=uid(scheme, replaced_by)
        ).single()
        if successor is None:
            raise InvalidInput(f"replacement {replaced_by} is not a class of {scheme}", field="replacedBy")
        if successor["status"] == Status.deprecated:
            raise InvalidInput(f"replacement {replaced_by} is itself deprecated", field="replacedBy")
    after = bump(tx, "Class", key, {"status": Status.deprecated.value, "replaced_by": replaced_by})
    record(tx, key, "deprecate", actor, reason, before, after)
    return after


def history(store: Store, scheme: str, code: str) -> list[Change]:
    return store.read(_history, uid(scheme, code))


def _history(tx: ManagedTransaction, key: str) -> list[Change]:
    rows = tx.run("MATCH (c:Change {concept: $uid}) RETURN c ORDER BY c.at, c.uid", uid=key).value("c")
    return [
        Change(
            uid=r["uid"],
            at=r["at"].iso_format(),
            actor=r["actor"],
            reason=r["reason"],
            action=r["action"],
            concept=r["concept"],
            before=json.loads(r["before"]) if r["before"] else None,
            after=json.loads(r["after"]) if r["after"] else None,
        )
        for r in rows
    ]
