"""Whole-database operations for tests and `cpms db reset`."""

from __future__ import annotations

from neo4j import ManagedTransaction

from ontology.store import Store

_BATCH = 10_000


def _delete_batch(tx: ManagedTransaction) -> int:
    record = tx.run("MATCH (n) WITH n LIMIT $batch DETACH DELETE n RETURN count(*) AS deleted", batch=_BATCH).single(
        strict=True
    )
    return record["deleted"]


def wipe(store: Store) -> None:
    """Delete every node and relationship (schema constraints and indexes stay), in batches."""
    while store.write(_delete_batch) == _BATCH:
        pass
