"""Releases: a numbered, dated, frozen manifest of a scheme, and the diff between two of them.

A release keeps, for every class and item, its version, status and successor. Concept versions
are bumped on every change, so comparing manifests tells what was added, changed and deprecated;
the change records (ontology/editing.py) hold the details. Publishing also marks every code as
published: such a code is never reused and never removed.
"""

from __future__ import annotations

import json

from neo4j import ManagedTransaction
from pydantic import BaseModel

from common.errors import InvalidInput, NotFound
from ontology.store import Store


class Release(BaseModel):
    scheme: str
    number: int
    published_at: str
    actor: str
    note: str
    concepts: int


class ReleaseDiff(BaseModel):
    scheme: str
    from_number: int
    to_number: int
    added: list[str]
    changed: list[str]
    deprecated: list[str]
    removed: list[str]  # only drafts can disappear: published codes are kept


def publish_release(store: Store, scheme: str, actor: str, note: str) -> Release:
    if not actor.strip() or not note.strip():
        raise InvalidInput("a release needs an actor and a note", field="note")
    return store.write(_publish, scheme, actor, note)


def _publish(tx: ManagedTransaction, scheme: str, actor: str, note: str) -> Release:
    head = tx.run(
        "MATCH (s:Scheme {code: $scheme}) SET s._lock = true REMOVE s._lock "
        "WITH s OPTIONAL MATCH (r:Release {scheme: $scheme}) RETURN max(r.number) AS last",
        scheme=scheme,
    ).single()
    if head is None:
        raise NotFound(f"scheme {scheme!r} does not exist", field="scheme")
    number = (head["last"] or 0) + 1
    concepts = tx.run(
        "MATCH (n) WHERE (n:Class OR n:Item) AND n.scheme = $scheme "
        "RETURN n.code AS code, n.version AS version, n.status AS status, n.replaced_by AS replaced_by",
        scheme=scheme,
    ).data()
    manifest = {c["code"]: [c["version"], c["status"], c["replaced_by"]] for c in concepts}
    record = tx.run(
        "CREATE (r:Release {uid: $scheme + ':' + toString($number), scheme: $scheme, number: $number, "
        "published_at: datetime(), actor: $actor, note: $note, manifest: $manifest}) "
        "RETURN toString(r.published_at) AS at",
        scheme=scheme,
        number=number,
        actor=actor,
        note=note,
        manifest=json.dumps(manifest, ensure_ascii=False),
    ).single(strict=True)
    tx.run(
        "UNWIND $codes AS code MERGE (p:PublishedCode {uid: $scheme + ':' + code}) "
        "ON CREATE SET p.scheme = $scheme, p.code = code, p.first_release = $number",
        scheme=scheme,
        codes=list(manifest),
        number=number,
    ).consume()
    return Release(
        scheme=scheme, number=number, published_at=record["at"], actor=actor, note=note, concepts=len(manifest)
    )


def list_releases(store: Store, scheme: str) -> list[Release]:
    return store.read(_list, scheme)


def _list(tx: ManagedTransaction, scheme: str) -> list[Release]:
    return [
        Release(
            scheme=scheme,
            number=r["number"],
            published_at=r["at"],
            actor=r["actor"],
            note=r["note"],
            concepts=len(json.loads(r["manifest"])),
        )
        for r in tx.run(
            "MATCH (r:Release {scheme: $scheme}) RETURN r.number AS number, toString(r.published_at) AS at, "
            "r.actor AS actor, r.note AS note, r.manifest AS manifest ORDER BY number",
            scheme=scheme,
        )
    ]


def diff_releases(store: Store, scheme: str, from_number: int, to_number: int) -> ReleaseDiff:
    old, new = store.read(_manifests, scheme, from_number, to_number)
    deprecated = sorted(
        c for c, (_, status, _) in new.items() if status == "deprecated" and (c not in old or old[c][1] != "deprecated")
    )
    return ReleaseDiff(
        scheme=scheme,
        from_number=from_number,
        to_number=to_number,
        added=sorted(set(new) - set(old)),
        changed=sorted(c for c in set(new) & set(old) if new[c][0] != old[c][0] and c not in deprecated),
        deprecated=deprecated,
        removed=sorted(set(old) - set(new)),
    )


def _manifests(tx: ManagedTransaction, scheme: str, *numbers: int) -> list[dict[str, list]]:
    found = {
        r["number"]: json.loads(r["manifest"])
        for r in tx.run(
            "MATCH (r:Release {scheme: $scheme}) WHERE r.number IN $numbers "
            "RETURN r.number AS number, r.manifest AS manifest",
            scheme=scheme,
            numbers=list(numbers),
        )
    }
    missing = [n for n in numbers if n not in found]
    if missing:
        raise NotFound(f"{scheme} has no release {missing[0]}", field="release")
    return [found[n] for n in numbers]
