"""Confirmed examples: records users confirmed or corrected, kept as evidence for the matchers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import NamedTuple

from neo4j import ManagedTransaction

from common.errors import NotFound
from ontology.rows import uid
from ontology.store import Store


def add_example(
    store: Store, scheme: str, code: str, text: str, actor: str, decision: str, wrong_code: str | None = None
) -> str:
    """Store `text` as an example of the class or item `code`; `decision` is `confirm` or `correct`
    (then `wrong_code` is what the matcher had proposed). Returns the example's id."""
    return store.write_beside_ontology(_add, uid(scheme, code), text, actor, decision, wrong_code)


def _add(tx: ManagedTransaction, key: str, text: str, actor: str, decision: str, wrong_code: str | None) -> str:
    example_id = str(uuid.uuid4())
    created = tx.run(
        "CALL { MATCH (c:Class {uid: $uid}) RETURN c UNION MATCH (c:Item {uid: $uid}) RETURN c } "
        "CREATE (e:Example {uid: $id, text: $text, actor: $actor, decision: $decision, wrong_code: $wrong, "
        "at: datetime()})-[:EXAMPLE_OF]->(c) RETURN e.uid AS id",
        uid=key,
        id=example_id,
        text=text,
        actor=actor,
        decision=decision,
        wrong=wrong_code,
    ).single()
    if created is None:
        raise NotFound(f"{key} is not a class or item in the store", field="code")
    return example_id


class StoredExample(NamedTuple):
    id: str
    scheme: str
    code: str
    text: str
    at: float  # when it was stored, in seconds since the epoch


@dataclass(frozen=True)
class StoredExamples:
    """All confirmed examples, read in one transaction: texts for a matcher snapshot, and which
    examples those are, so that later ones can be added to the matcher one by one."""

    texts: dict[tuple[str, str], list[str]]  # (scheme, code) -> texts, oldest first
    ids: frozenset[str]
    latest: float | None  # the newest one's `at`


_FIELDS = "e.uid AS id, c.scheme AS scheme, c.code AS code, e.text AS text, e.at.epochMillis / 1000.0 AS at"


def stored_examples(store: Store) -> StoredExamples:
    return store.read(_all)


def _all(tx: ManagedTransaction) -> StoredExamples:
    texts: dict[tuple[str, str], list[str]] = {}
    ids, latest = set(), None
    for r in tx.run(f"MATCH (e:Example)-[:EXAMPLE_OF]->(c) RETURN {_FIELDS} ORDER BY e.at"):
        texts.setdefault((r["scheme"], r["code"]), []).append(r["text"])
        ids.add(r["id"])
        latest = r["at"]
    return StoredExamples(texts, frozenset(ids), latest)


def examples_since(store: Store, since: float) -> list[StoredExample]:
    """Examples stored at `since` (seconds since the epoch) or later, oldest first."""
    return store.read(_since, since)


def _since(tx: ManagedTransaction, since: float) -> list[StoredExample]:
    rows = tx.run(
        f"MATCH (e:Example)-[:EXAMPLE_OF]->(c) WHERE e.at >= datetime({{epochMillis: $ms}}) RETURN {_FIELDS} "
        "ORDER BY e.at",
        ms=int(since * 1000),
    )
    return [StoredExample(**r.data()) for r in rows]
