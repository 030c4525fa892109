"""Who is calling, and what they may do.

Keys are sent as `Authorization: Bearer <key>`. Each role has a set of permissions; anonymous
callers get `read` and `match` unless CPMS_ANONYMOUS_READ is switched off. `products` is writing
products of the registry: a key bound to a firm writes that firm's, an editor's or admin's any
firm's (service/registry/access.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from common.errors import Forbidden, Unauthenticated
from ontology.apikeys import ApiKey, authenticate
from ontology.store import Store

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


def principal_for(authorization: str | None, store: Store, anonymous_read: bool) -> Principal:
    """Raises Unauthenticated for a bad key, or for no key when anonymous access is off."""
    if not authorization:
        if not anonymous_read:
            raise Unauthenticated("anonymous access is switched off: send Authorization: Bearer <API key>")
        return ANONYMOUS
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("the Authorization header must read: Bearer <API key>")
    key: ApiKey | None = authenticate(store, token.strip())
    if key is None:
        raise Unauthenticated("unknown or revoked API key")
    return Principal(role=key.role, name=key.name, key_id=key.id, firm=key.firm)
