"""Answers of the store kept for as long as the store's change token stays the same.

The ontology is read far more often than it is edited. A request learns the current token at its
first read (`ChangeWatch`: one shared read however many requests ask), then takes what it can from
here and reads only the rest from Neo4j. A new token empties the cache, so an edit made through any worker
process, or by `cpms import` next door, is seen by the next request. Everything here runs on the
event loop thread; cached values are shared between requests and must not be changed.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

from service.change_watch import ChangeWatch

MISSING = object()


class ReadCache:
    """At most `max_entries` answers, the least recently used going first. The bound is kept modest
    because every entry is a few dozen objects that each full garbage collection walks."""

    def __init__(self, watch: ChangeWatch, max_entries: int = 20_000) -> None:
        self._watch = watch
        self.max_entries = max_entries
        self._token: str | None = None
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()

    async def token(self) -> str | None:
        """The store's token now; the cache forgets everything read under another one."""
        token = await self._watch.token()
        if token != self._token:
            self._entries.clear()
            self._token = token
        return token

    def get(self, token: str | None, key: Hashable) -> Any:
        """The answer read under `token`, or MISSING."""
        if token != self._token or key not in self._entries:
            return MISSING
        self._entries.move_to_end(key)
        return self._entries[key]

    def put(self, token: str | None, key: Hashable, value: Any) -> None:
        """Keep `value`, unless the store changed since `token` (the value may be older than that)."""
        if token != self._token:
            return
        self._entries[key] = value
        self._entries.move_to_end(key)
        if len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
