"""Confirmed examples: records users confirmed or corrected, kept as evidence for the matchers."""

from __future__ import annotations

import uuid

from neo4j import ManagedTransaction

from ontology.errors import NotFound
from ontology.rows import uid


def add_example(
    store, scheme: str, code: str, text: str, actor: str, decision: str, wrong_code: str | None = None
) -> str:
    """Store `text` as an example of the class or item `code`; `decision` is `confirm` or `correct`
    (then `wrong_code` is what the matcher had proposed). Returns the example's id."""
    return store.write(_add, uid(scheme, code), text, actor, decision, wrong_code)


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


def all_examples(store) -> dict[tuple[str, str], list[str]]:
    """(scheme, code) -> example texts, for building a matcher snapshot."""
    return store.read(_all)


def _all(tx: ManagedTransaction) -> dict[tuple[str, str], list[str]]:
    result: dict[tuple[str, str], list[str]] = {}
    for r in tx.run(
        "MATCH (e:Example)-[:EXAMPLE_OF]->(c) RETURN c.scheme AS scheme, c.code AS code, e.text AS text ORDER BY e.at"
    ):
        result.setdefault((r["scheme"], r["code"]), []).append(r["text"])
    return result
