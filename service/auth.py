"""Who is calling, and what they may do.

Keys are sent as `Authorization: Bearer <key>`. Each role has a set of permissions; anonymous
callers get `read` and `match` unless CPMS_ANONYMOUS_READ is switched off. `products` is writing
products of the registry: a key bound to a firm writes that firm's, an editor's or admin's any
firm's (service/registry/access.py).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from common.errors import Forbidden, Unauthenticated, Unavailable
from ontology.apikeys import ApiKey, authenticate
from ontology.store import Store
from service.store_watch import KEY_LOOKUP_SECONDS, KeyMemory, StoreWatch

PERMISSIONS: dict[str, frozenset[str]] = {
    "anonymous": frozenset({"read", "match"}),
    "reader": frozenset({"read", "match"}),
    "manufacturer": frozenset({"read", "match", "batch", "feedback", "propose", "products"}),
    "integrator": frozenset({"read", "match", "batch", "feedback", "propose", "jobs", "products"}),
    "editor": frozenset({"read", "match", "batch", "feedback", "propose", "jobs", "curate", "products"}),
    "admin": frozenset({"read", "match", "batch", "feedback", "propose", "jobs", "curate", "admin", "products"}),
}


@dataclass(frozen=True)
class Principal:
    role: str
    name: str
    key_id: str | None = None
    firm: str | None = None  # the registry firm the key is bound to

    def can(self, permission: str) -> bool:
        return permission in PERMISSIONS[self.role]

    def require(self, permission: str) -> None:
        if self.can(permission):
            return
        if self.role == "anonymous":
            raise Unauthenticated(f"this needs an API key with the {permission!r} permission")
        raise Forbidden(f"role {self.role!r} may not {permission}; ask an admin for a key with that permission")


ANONYMOUS = Principal(role="anonymous", name="anonymous")


async def request_principal(
    authorization: str | None, store: Store, anonymous_read: bool, watch: StoreWatch, keys: KeyMemory
) -> Principal:
    """Who sends a request. Raises Unauthenticated for a bad key, or for no key when anonymous
    access is off. The store is asked for at most KEY_LOOKUP_SECONDS; while it is down a key
    is taken from those it confirmed in the last `keys.seconds`, or the request fails with
    UNAVAILABLE (revoking a key takes effect at once while the store is up)."""
    if not authorization:
        return _anonymous(anonymous_read)
    token = _bearer(authorization)
    if not watch.down:
        try:
            key = await asyncio.wait_for(asyncio.to_thread(authenticate, store, token), KEY_LOOKUP_SECONDS)
        except (Unavailable, TimeoutError):
            watch.mark_down()
        else:
            if key is None:
                keys.forget(token)
            principal = _principal(key)
            keys.remember(token, principal)
            return principal
    remembered = keys.recall(token)
    if remembered is None:
        raise Unavailable(
            "Neo4j 不可用，无法核对此 API 密钥；Neo4j is unavailable and this API key was not seen in the last "
            f"{keys.seconds / 60:g} minutes: retry later"
        )
    return remembered


def _anonymous(anonymous_read: bool) -> Principal:
    if not anonymous_read:
        raise Unauthenticated("anonymous access is switched off: send Authorization: Bearer <API key>")
    return ANONYMOUS


def _bearer(authorization: str) -> str:
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("the Authorization header must read: Bearer <API key>")
    return token.strip()


def _principal(key: ApiKey | None) -> Principal:
    if key is None:
        raise Unauthenticated("unknown or revoked API key")
    return Principal(role=key.role, name=key.name, key_id=key.id, firm=key.firm)
