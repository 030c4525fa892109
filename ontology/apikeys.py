"""API keys: created and revoked by `cpms keys`, stored only as SHA-256 hashes.

A key reads `cpms_<id>_<secret>`; the id finds the record, the hash of the whole key proves it. A
manufacturer's or integrator's key may be bound to a firm of the registry (its unified social
credit code): it then writes that firm's products and no other's (service/registry/access.py).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from neo4j import ManagedTransaction
from pydantic import BaseModel

from common.errors import InvalidInput, NotFound
from ontology.store import Store

ROLES = ("reader", "manufacturer", "integrator", "editor", "admin")
FIRM_ROLES = ("manufacturer", "integrator")  # the roles a key bound to a firm may have


class ApiKey(BaseModel):
    id: str
    name: str
    role: str
    created_at: str
    revoked: bool
    firm: str | None = None  # the firm whose products the key writes


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(store: Store, name: str, role: str, firm: str | None = None) -> tuple[ApiKey, str]:
    """A new key: its record, and the key itself (shown once, never stored)."""
    if role not in ROLES:
        raise InvalidInput(f"role must be one of {', '.join(ROLES)}", field="role")
    if not name.strip():
        raise InvalidInput("a key needs a name saying whose it is", field="name")
    if firm is not None and role not in FIRM_ROLES:
        raise InvalidInput(
            f"只有 {'、'.join(FIRM_ROLES)} 的密钥可绑定企业 / only {', '.join(FIRM_ROLES)} keys are bound to a firm",
            field="firm",
        )
    key_id = secrets.token_hex(4)
    key = f"cpms_{key_id}_{secrets.token_urlsafe(24)}"
    firm = firm.strip().upper() if firm else None
    record = store.write_beside_ontology(_create, key_id, name, role, _hash(key), firm)
    return record, key


_FIELDS = (
    "k.id AS id, k.name AS name, k.role AS role, toString(k.created_at) AS created_at, k.revoked AS revoked, "
    "k.firm AS firm"
)


def _create(tx: ManagedTransaction, key_id: str, name: str, role: str, digest: str, firm: str | None) -> ApiKey:
    if firm is not None and tx.run("MATCH (f:Firm {code: $code}) RETURN f", code=firm).single() is None:
        raise InvalidInput(f"没有企业 {firm} / no firm {firm} in the registry", field="firm")
    row = tx.run(
        "CREATE (k:ApiKey {id: $id, name: $name, role: $role, hash: $hash, created_at: datetime(), revoked: false, "
        "firm: $firm}) RETURN " + _FIELDS,
        id=key_id,
        name=name,
        role=role,
        hash=digest,
        firm=firm,
    ).single(strict=True)
    return ApiKey(**row.data())


def list_keys(store: Store) -> list[ApiKey]:
    return store.read(_list)


def _list(tx: ManagedTransaction) -> list[ApiKey]:
    rows = tx.run("MATCH (k:ApiKey) RETURN " + _FIELDS + " ORDER BY k.created_at").data()
    return [ApiKey(**r) for r in rows]


def revoke_key(store: Store, key_id: str) -> None:
    if not store.write_beside_ontology(_revoke, key_id):
        raise NotFound(f"no API key with id {key_id}", field="id")


def _revoke(tx: ManagedTransaction, key_id: str) -> bool:
    return tx.run("MATCH (k:ApiKey {id: $id}) SET k.revoked = true RETURN k", id=key_id).single() is not None


def authenticate(store: Store, key: str) -> ApiKey | None:
    """The active key record for `key`, or None when it is unknown, revoked or forged."""
    parts = key.split("_")
    if len(parts) < 3 or parts[0] != "cpms":
        return None
    # one auto-commit read, not a retried transaction: every API request asks this, and while
    # Neo4j refuses connections the answer must come at once (the service then uses the keys it
    # saw recently) rather than after the driver's seconds of retries
    rows = store.read_once("MATCH (k:ApiKey {id: $id}) RETURN k.hash AS hash, " + _FIELDS, id=parts[1])
    row = rows[0] if rows else None
    if row is None or row["revoked"] or not hmac.compare_digest(row["hash"], _hash(key)):
        return None
    return ApiKey(**{k: row[k] for k in ApiKey.model_fields})


def active_key(store: Store, key_id: str) -> ApiKey | None:
    """The record of key `key_id` while it is not revoked: a signed-in browser session holds the
    key's id, never the key, and ends when the key is revoked."""
    row = store.read(_find, key_id)
    if row is None or row["revoked"]:
        return None
    return ApiKey(**{k: row[k] for k in ApiKey.model_fields})


def _find(tx: ManagedTransaction, key_id: str) -> dict | None:
    row = tx.run(
        "MATCH (k:ApiKey {id: $id}) RETURN k.hash AS hash, " + _FIELDS,
        id=key_id,
    ).single()
    return row.data() if row else None
