"""API keys: created and revoked by `cpms keys`, stored only as SHA-256 hashes.

A key reads `cpms_<id>_<secret>`; the id finds the record, the hash of the whole key proves it.
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


class ApiKey(BaseModel):
    id: str
    name: str
    role: str
    created_at: str
    revoked: bool


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(store: Store, name: str, role: str) -> tuple[ApiKey, str]:
    """A new key: its record, and the key itself (shown once, never stored)."""
    if role not in ROLES:
        raise InvalidInput(f"role must be one of {', '.join(ROLES)}", field="role")
    if not name.strip():
        raise InvalidInput("a key needs a name saying whose it is", field="name")
    key_id = secrets.token_hex(4)
    key = f"cpms_{key_id}_{secrets.token_urlsafe(24)}"
    record = store.write_beside_ontology(_create, key_id, name, role, _hash(key))
    return record, key


def _create(tx: ManagedTransaction, key_id: str, name: str, role: str, digest: str) -> ApiKey:
    row = tx.run(
        "CREATE (k:ApiKey {id: $id, name: $name, role: $role, hash: $hash, created_at: datetime(), revoked: false}) "
        "RETURN k.id AS id, k.name AS name, k.role AS role, toString(k.created_at) AS created_at, k.revoked AS revoked",
        id=key_id,
        name=name,
        role=role,
        hash=digest,
    ).single(strict=True)
    return ApiKey(**row.data())


def list_keys(store: Store) -> list[ApiKey]:
    return store.read(_list)


def _list(tx: ManagedTransaction) -> list[ApiKey]:
    rows = tx.run(
        "MATCH (k:ApiKey) RETURN k.id AS id, k.name AS name, k.role AS role, "
        "toString(k.created_at) AS created_at, k.revoked AS revoked ORDER BY k.created_at"
    ).data()
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
    row = store.read(_find, parts[1])
    if row is None or row["revoked"] or not hmac.compare_digest(row["hash"], _hash(key)):
        return None
    return ApiKey(**{k: row[k] for k in ApiKey.model_fields})


def _find(tx: ManagedTransaction, key_id: str) -> dict | None:
    row = tx.run(
        "MATCH (k:ApiKey {id: $id}) RETURN k.id AS id, k.name AS name, k.role AS role, k.hash AS hash, "
        "toString(k.created_at) AS created_at, k.revoked AS revoked",
        id=key_id,
    ).single()
    return row.data() if row else None
