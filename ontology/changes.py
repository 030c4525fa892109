"""The store's change marks: every write transaction made through `Store.write` sets a new change
token, and a new ontology token unless it changed only what lies beside the ontology (API keys,
confirmed examples, proposals waiting for review).

Caches of reads in any process (each server worker keeps its own) compare the change token with the
one they were filled under: one cheap read tells whether anything changed since, whoever wrote it.
Matchers compare the ontology token, to rebuild only when the ontology itself changed; they take new
examples one by one (`ontology.examples.examples_since`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from neo4j import ManagedTransaction

if TYPE_CHECKING:  # the store marks every write through this module
    from ontology.store import Store

_MARK = (
    "MERGE (m:ChangeMark {id: 'store'}) SET m.token = randomUUID(), "
    "m.ontology = CASE WHEN $ontology OR m.ontology IS NULL THEN randomUUID() ELSE m.ontology END"
)


class Marks(NamedTuple):
    change: str | None
    ontology: str | None


def mark_changed(tx: ManagedTransaction, ontology: bool = True) -> None:
    """Random tokens, not counters: a wiped store that counted again from 1 would repeat tokens."""
    tx.run(_MARK, ontology=ontology).consume()


def change_marks(store: Store) -> Marks:
    """The current tokens; None before anything was written."""
    rows = store.read_once("MATCH (m:ChangeMark {id: 'store'}) RETURN m.token AS change, m.ontology AS ontology")
    return Marks(rows[0]["change"], rows[0]["ontology"]) if rows else Marks(None, None)


def change_token(store: Store) -> str | None:
    """The current change token. Asked before nearly every request."""
    return change_marks(store).change
