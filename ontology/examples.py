"""Confirmed examples: records users confirmed or corrected, kept as evidence for the matchers.

Who teaches whom: an example from an editor's (or admin's) key is `accepted` at once and teaches
every caller's matches. One from any other key (a manufacturer, an integrator) is `pending`: it
counts for that key's own matches at once, and for everyone only after an editor accepts it
(`decide_example`); a rejected one counts for no one. Examples stored before there were states
are accepted.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Literal, NamedTuple

from neo4j import ManagedTransaction
from pydantic import BaseModel

from common.errors import InvalidInput, NotFound
from ontology.model import Status
from ontology.rows import uid
from ontology.store import Store

ExampleState = Literal["accepted", "pending", "rejected"]
_STATE = "coalesce(e.state, 'accepted')"
_JOINED = "coalesce(e.accepted_at, e.at)"  # when it joined everyone's examples


def add_example(
    store: Store,
    scheme: str,
    code: str,
    text: str,
    actor: str,
    decision: str,
    wrong_code: str | None = None,
    owner_key: str | None = None,
    state: ExampleState = "accepted",
) -> str:
    """Store `text` as an example of the class or item `code`; `decision` is `confirm` or `correct`
    (then `wrong_code` is what the matcher had proposed); `owner_key` is the id of the API key that
    taught it. Returns the example's id."""
    return store.write_beside_ontology(_add, uid(scheme, code), text, actor, decision, wrong_code, owner_key, state)


def _add(
    tx: ManagedTransaction,
    key: str,
    text: str,
    actor: str,
    decision: str,
    wrong_code: str | None,
    owner_key: str | None,
    state: str,
) -> str:
    concept = tx.run(
        "CALL { MATCH (c:Class {uid: $uid}) RETURN c UNION MATCH (c:Item {uid: $uid}) RETURN c } "
        "RETURN c.code AS code, c.status AS status, c.replaced_by AS replaced_by",
        uid=key,
    ).single()
    if concept is None:
        raise NotFound(f"{key} is not a class or item in the store", field="code")
    if concept["status"] == Status.deprecated:  # checked before anything is written
        successor = concept["replaced_by"]
        zh, en = f"{key} 已停用，不能再作样例", f"{key} is deprecated and takes no examples"
        if successor:
            zh, en = f"{zh}；请确认替代编码 {successor}", f"{en}; confirm its replacement {successor}"
        raise InvalidInput(f"{zh} / {en}", field="code", replacedBy=successor)
    example_id = str(uuid.uuid4())
    tx.run(
        "CALL { MATCH (c:Class {uid: $uid}) RETURN c UNION MATCH (c:Item {uid: $uid}) RETURN c } "
        "CREATE (e:Example {uid: $id, text: $text, actor: $actor, decision: $decision, wrong_code: $wrong, "
        "owner_key: $owner, state: $state, at: datetime()})-[:EXAMPLE_OF]->(c) "
        "SET e.accepted_at = CASE WHEN $state = 'accepted' THEN e.at END RETURN e.uid AS id",
        uid=key,
        id=example_id,
        text=text,
        actor=actor,
        decision=decision,
        wrong=wrong_code,
        owner=owner_key,
        state=state,
    ).consume()
    return example_id


class StoredExample(NamedTuple):
    id: str
    scheme: str
    code: str
    text: str
    at: float  # when it joined everyone's examples, in seconds since the epoch


@dataclass(frozen=True)
class StoredExamples:
    """All accepted examples, read in one transaction: texts for a matcher snapshot, and which
    examples those are, so that later ones can be added to the matcher one by one."""

    texts: dict[tuple[str, str], list[str]]  # (scheme, code) -> texts, oldest first
    ids: frozenset[str]
    latest: float | None  # the newest one's `at`


_FIELDS = f"e.uid AS id, c.scheme AS scheme, c.code AS code, e.text AS text, {_JOINED}.epochMillis / 1000.0 AS at"


def stored_examples(store: Store) -> StoredExamples:
    return store.read(_all)


def _all(tx: ManagedTransaction) -> StoredExamples:
    texts: dict[tuple[str, str], list[str]] = {}
    ids, latest = set(), None
    for r in tx.run(
        f"MATCH (e:Example)-[:EXAMPLE_OF]->(c) WHERE {_STATE} = 'accepted' RETURN {_FIELDS} ORDER BY {_JOINED}"
    ):
        texts.setdefault((r["scheme"], r["code"]), []).append(r["text"])
        ids.add(r["id"])
        latest = r["at"]
    return StoredExamples(texts, frozenset(ids), latest)


def examples_since(store: Store, since: float) -> list[StoredExample]:
    """Examples accepted at `since` (seconds since the epoch) or later, oldest first."""
    return store.read(_since, since)


def _since(tx: ManagedTransaction, since: float) -> list[StoredExample]:
    rows = tx.run(
        f"MATCH (e:Example)-[:EXAMPLE_OF]->(c) WHERE {_STATE} = 'accepted' "
        f"AND {_JOINED} >= datetime({{epochMillis: $ms}}) RETURN {_FIELDS} ORDER BY {_JOINED}",
        ms=int(since * 1000),
    )
    return [StoredExample(**r.data()) for r in rows]


class KeyExample(NamedTuple):
    """A pending example: it counts for its owner key's matches only."""

    id: str
    owner_key: str
    scheme: str
    code: str
    text: str


def pending_examples(store: Store) -> list[KeyExample]:
    return store.read(_pending)


def _pending(tx: ManagedTransaction) -> list[KeyExample]:
    rows = tx.run(
        "MATCH (e:Example {state: 'pending'})-[:EXAMPLE_OF]->(c) WHERE e.owner_key IS NOT NULL "
        "RETURN e.uid AS id, e.owner_key AS owner_key, c.scheme AS scheme, c.code AS code, e.text AS text "
        "ORDER BY e.at"
    )
    return [KeyExample(**r.data()) for r in rows]


class ExampleView(BaseModel):
    id: str
    scheme: str
    code: str
    text: str
    actor: str
    decision: str
    wrong_code: str | None
    state: str
    at: str
    decided_by: str | None = None


_VIEW = (
    "e.uid AS id, c.scheme AS scheme, c.code AS code, e.text AS text, e.actor AS actor, e.decision AS decision, "
    f"e.wrong_code AS wrong_code, {_STATE} AS state, toString(e.at) AS at, e.decided_by AS decided_by"
)


def examples_in_state(store: Store, state: ExampleState, limit: int) -> list[ExampleView]:
    """The examples in `state`, oldest first: the editors' queue when `pending`."""
    return store.read(_in_state, state, limit)


def _in_state(tx: ManagedTransaction, state: str, limit: int) -> list[ExampleView]:
    rows = tx.run(
        f"MATCH (e:Example)-[:EXAMPLE_OF]->(c) WHERE {_STATE} = $state RETURN {_VIEW} ORDER BY e.at LIMIT $limit",
        state=state,
        limit=limit,
    )
    return [ExampleView(**r.data()) for r in rows]


def decide_example(store: Store, example_id: str, accept: bool, actor: str) -> ExampleView:
    """An editor's decision on a pending example: accepted, it teaches everyone from now on."""
    return store.write_beside_ontology(_decide, example_id, "accepted" if accept else "rejected", actor)


def _decide(tx: ManagedTransaction, example_id: str, state: str, actor: str) -> ExampleView:
    found = tx.run(
        f"MATCH (e:Example {{uid: $id}})-[:EXAMPLE_OF]->(c) RETURN {_STATE} AS state", id=example_id
    ).single()
    if found is None:
        raise NotFound(f"no example {example_id!r}", field="id")
    if found["state"] != "pending":
        raise InvalidInput(f"example {example_id} is already {found['state']}", field="id")
    row = tx.run(
        "MATCH (e:Example {uid: $id})-[:EXAMPLE_OF]->(c) SET e.state = $state, e.decided_by = $actor, "
        f"e.accepted_at = CASE WHEN $state = 'accepted' THEN datetime() END RETURN {_VIEW}",
        id=example_id,
        state=state,
        actor=actor,
    ).single(strict=True)
    return ExampleView(**row.data())
