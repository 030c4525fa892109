"""The store's change token: every write transaction made through `Store.write` sets a new one.

Caches of reads in any process (each server worker keeps its own) compare the token with the one
they were filled under: one cheap read tells whether anything changed since, whoever wrote it.
"""

from __future__ import annotations

from neo4j import ManagedTransaction

_MARK = "MERGE (m:ChangeMark {id: 'store'}) SET m.token = randomUUID()"


def mark_changed(tx: ManagedTransaction) -> None:
    """A random token, not a counter: a wiped store that counted again from 1 would repeat tokens."""
    tx.run(_MARK).consume()


def change_token(store) -> str | None:
    """The current token; None before anything was written. Asked before nearly every request."""
    rows = store.read_once("MATCH (m:ChangeMark {id: 'store'}) RETURN m.token AS token")
    return rows[0]["token"] if rows else None
