"""Change requests: manufacturers and integrators propose, standards editors decide.

A proposal is validated when it is made (so the queue holds only applicable requests) and applied
when approved, in the same transaction that marks it approved: an approval that cannot be applied
leaves the request open and says why.
"""

from __future__ import annotations

import json
import uuid
from typing import Any, Literal

from neo4j import ManagedTransaction
from neo4j.graph import Node
from pydantic import BaseModel, ValidationError

from common.errors import InvalidInput, NotFound
from ontology import curation, editing
from ontology.browse import Page
from ontology.model import ConceptClass, Labels, Synonym, Value
from ontology.rows import synonyms_from, uid
from ontology.store import Store

Kind = Literal["new_class", "add_synonym", "add_value", "correction"]


class Correction(BaseModel):
    labels: Labels | None = None
    definition: Labels | None = None


_PAYLOADS: dict[str, type[BaseModel]] = {
    "new_class": ConceptClass,
    "add_synonym": Synonym,
    "add_value": Value,
    "correction": Correction,
}


class ChangeRequest(BaseModel):
    id: str
    kind: str
    scheme: str
    target: str | None  # the class (or, for add_value, the property) the request is about
    payload: dict[str, Any]
    reason: str
    proposer: str
    status: str  # open, approved, rejected
    created_at: str
    decided_by: str | None = None
    decision_reason: str | None = None


def _parse(kind: str, payload: dict[str, Any]) -> BaseModel:
    model = _PAYLOADS.get(kind)
    if model is None:
        raise InvalidInput(f"kind must be one of {', '.join(_PAYLOADS)}", field="kind")
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise InvalidInput(f"payload.{field}: {first['msg']}", field=f"payload.{field}") from exc


def propose(
    store: Store, kind: str, scheme: str, target: str | None, payload: dict[str, Any], reason: str, proposer: str
) -> ChangeRequest:
    editing.require_reason(proposer, reason)
    parsed = _parse(kind, payload)
    if kind != "new_class" and not target:
        raise InvalidInput(f"a {kind} request names its target", field="target")
    fields = parsed.model_dump(mode="json", by_alias=True)
    return store.write_beside_ontology(_propose, kind, scheme, target, fields, reason, proposer)


def _propose(
    tx: ManagedTransaction, kind: str, scheme: str, target: str | None, payload: dict, reason: str, proposer: str
) -> ChangeRequest:
    if target is not None:
        _target(tx, kind, uid(scheme, target))
    row = tx.run(
        "CREATE (r:ChangeRequest {id: $id, kind: $kind, scheme: $scheme, target: $target, payload: $payload, "
        "reason: $reason, proposer: $proposer, status: 'open', created_at: datetime()}) RETURN r",
        id=str(uuid.uuid4()),
        kind=kind,
        scheme=scheme,
        target=target,
        payload=json.dumps(payload, ensure_ascii=False),
        reason=reason,
        proposer=proposer,
    ).single(strict=True)["r"]
    return _from(row)


def _from(node: Node) -> ChangeRequest:
    return ChangeRequest(
        id=node["id"],
        kind=node["kind"],
        scheme=node["scheme"],
        target=node.get("target"),
        payload=json.loads(node["payload"]),
        reason=node["reason"],
        proposer=node["proposer"],
        status=node["status"],
        created_at=node["created_at"].iso_format(),
        decided_by=node.get("decided_by"),
        decision_reason=node.get("decision_reason"),
    )


def list_requests(store: Store, status: str | None, offset: int, limit: int) -> Page:
    return store.read(_list, status, offset, limit)


def _list(tx: ManagedTransaction, status: str | None, offset: int, limit: int) -> Page:
    total = tx.run(
        "MATCH (r:ChangeRequest) WHERE $status IS NULL OR r.status = $status RETURN count(r) AS n", status=status
    ).single(strict=True)["n"]
    rows = tx.run(
        "MATCH (r:ChangeRequest) WHERE $status IS NULL OR r.status = $status "
        "RETURN r ORDER BY r.created_at SKIP $offset LIMIT $limit",
        status=status,
        offset=offset,
        limit=limit,
    ).value("r")
    return Page(offset=offset, total=total, rows=[_from(r) for r in rows])


def _open_request(tx: ManagedTransaction, request_id: str) -> ChangeRequest:
    row = tx.run("MATCH (r:ChangeRequest {id: $id}) SET r._lock = true REMOVE r._lock RETURN r", id=request_id).single()
    if row is None:
        raise NotFound(f"no change request {request_id}", field="id")
    request = _from(row["r"])
    if request.status != "open":
        raise InvalidInput(f"change request {request_id} is already {request.status}", field="id")
    return request


def _decide(tx: ManagedTransaction, request_id: str, status: str, editor: str, reason: str) -> ChangeRequest:
    row = tx.run(
        "MATCH (r:ChangeRequest {id: $id}) SET r.status = $status, r.decided_by = $editor, "
        "r.decision_reason = $reason, r.decided_at = datetime() RETURN r",
        id=request_id,
        status=status,
        editor=editor,
        reason=reason,
    ).single(strict=True)
    return _from(row["r"])


def approve(store: Store, request_id: str, editor: str, reason: str) -> ChangeRequest:
    editing.require_reason(editor, reason)
    return store.write(_approve, request_id, editor, reason)


_TARGET = {
    "Class": "MATCH (n:Class {uid: $uid}) RETURN properties(n) AS p",
    "Property": "MATCH (n:Property {uid: $uid}) RETURN properties(n) AS p",
}


def _target(tx: ManagedTransaction, kind: str, key: str) -> dict[str, Any]:
    """The class (or for add_value, the property) a request is about, as it is now."""
    label = "Property" if kind == "add_value" else "Class"
    row = tx.run(_TARGET[label], uid=key).single()
    if row is None:
        raise NotFound(f"{label.lower()} {key} does not exist", field="target")
    return row["p"]


def _approve(tx: ManagedTransaction, request_id: str, editor: str, reason: str) -> ChangeRequest:
    request = _open_request(tx, request_id)
    payload = _parse(request.kind, request.payload)
    why = f"change request {request.id} by {request.proposer}: {request.reason}; approved: {reason}"
    scheme, target = request.scheme, request.target or ""  # only a new class has none (`propose`)
    if isinstance(payload, ConceptClass):
        cls = payload.model_copy(update={"code": editing.check_code(scheme, payload.code), "version": 1})
        editing.create_class_tx(tx, scheme, cls, editor, why)
    elif isinstance(payload, Value):
        current = _target(tx, request.kind, uid(scheme, target))
        curation.add_values_tx(tx, scheme, target, current["version"], [payload], editor, why)
    else:
        current = _target(tx, request.kind, uid(scheme, target))
        if isinstance(payload, Synonym):
            changes = editing.ClassChanges(synonyms=[*synonyms_from(current), payload])
        elif isinstance(payload, Correction):
            changes = editing.ClassChanges(labels=payload.labels, definition=payload.definition)
        editing.update_class_tx(tx, uid(scheme, target), current["version"], changes, editor, why)
    return _decide(tx, request_id, "approved", editor, reason)


def reject(store: Store, request_id: str, editor: str, reason: str) -> ChangeRequest:
    editing.require_reason(editor, reason)
    return store.write_beside_ontology(_reject, request_id, editor, reason)


def _reject(tx: ManagedTransaction, request_id: str, editor: str, reason: str) -> ChangeRequest:
    _open_request(tx, request_id)
    return _decide(tx, request_id, "rejected", editor, reason)
