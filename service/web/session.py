"""The workbench's browser session: a signed, HttpOnly, SameSite=Lax cookie holding the id of the
API key signed in with (never the key) and the session's CSRF token.

Every visitor gets a session with a CSRF token, anonymous ones too, so that the sign-in form is
protected as well. A form posts the token back; a POST whose token is missing or differs is
refused before anything runs. The principal is looked up on every request from the key's id, so
revoking a key ends its sessions at once.
"""

from __future__ import annotations

import asyncio
import hmac
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

from ontology.apikeys import active_key
from ontology.store import Store
from service.auth import ANONYMOUS, Principal

COOKIE = "cpms_session"
MAX_AGE_SECONDS = 12 * 3600
SECRET_FILE = "session_secret"


def session_secret(configured: str | None, home: Path) -> str:
    """The configured secret, else the one kept in the state folder (made once, mode 600), so
    that sessions survive a restart and all server processes share it."""
    if configured:
        return configured
    path = home / SECRET_FILE
    home.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(secrets.token_urlsafe(48))
    return path.read_text(encoding="ascii").strip()


@dataclass
class Session:
    csrf: str
    key_id: str | None = None
    changed: bool = False
    data: dict[str, Any] = field(default_factory=dict)

    def sign_in(self, key_id: str) -> None:
        """A new CSRF token with every sign-in and sign-out: a token seen before it is worth nothing."""
        self.key_id, self.csrf, self.changed = key_id, secrets.token_urlsafe(24), True

    def sign_out(self) -> None:
        self.key_id, self.csrf, self.changed = None, secrets.token_urlsafe(24), True

    def token_matches(self, sent: str | None) -> bool:
        return sent is not None and bool(sent) and hmac.compare_digest(sent.encode(), self.csrf.encode())


class Sessions:
    def __init__(self, secret_source: Callable[[], str]) -> None:
        self._secret_source = secret_source  # called once, at the first request
        self._serializer: URLSafeTimedSerializer | None = None

    @property
    def serializer(self) -> URLSafeTimedSerializer:
        if self._serializer is None:
            self._serializer = URLSafeTimedSerializer(self._secret_source(), salt="cpms-workbench-session")
        return self._serializer

    def read(self, request: Request) -> Session:
        raw = request.cookies.get(COOKIE)
        if raw:
            try:
                data = self.serializer.loads(raw, max_age=MAX_AGE_SECONDS)
                return Session(csrf=data["c"], key_id=data.get("k"))
            except (BadSignature, KeyError, TypeError):
                pass
        return Session(csrf=secrets.token_urlsafe(24), changed=True)

    def write(self, response: Response, session: Session, secure: bool) -> None:
        """`secure`: the page came over HTTPS, so the cookie never goes back over plain HTTP."""
        if not session.changed:
            return
        value = self.serializer.dumps({"c": session.csrf, "k": session.key_id})
        response.set_cookie(
            COOKIE, value, max_age=MAX_AGE_SECONDS, httponly=True, samesite="lax", secure=secure, path="/"
        )


async def principal_of(session: Session, store: Store, anonymous_read: bool) -> Principal | None:
    """Who the session is: its key's holder, anonymous (when anonymous reading is on), or None
    (sign-in needed). A revoked key's session falls back to anonymous."""
    if session.key_id:
        key = await asyncio.to_thread(active_key, store, session.key_id)
        if key is not None:
            return Principal(role=key.role, name=key.name, key_id=key.id, firm=key.firm)
        session.sign_out()
    return ANONYMOUS if anonymous_read else None
