"""What the service knows about Neo4j's health, so that no request waits long on a store that is down.

The driver takes seconds to give up on a server that does not answer (connection timeout and
retries). So a health check waits at most `deadline` seconds for one shared probe (callers that
arrive while a probe runs wait for that one), and a key lookup that fails because the store is down
marks it down for a short while, during which keys are checked against those recently seen instead.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
import time
from collections.abc import Callable
from typing import Any

from common.errors import Unavailable

DOWN_SECONDS = 5.0
"""After a failed look at the store, how long key lookups do not look again (a good answer to a
health check ends it sooner)."""
KEY_LOOKUP_SECONDS = 5.0
"""How long a key lookup waits for the store: longer than a health check, so that a store that is
slow under load, not down, does not turn keys away."""


class StoreWatch:
    def __init__(self, probe: Callable[[], dict[str, Any]], deadline: float) -> None:
        self._probe = probe  # blocking; raises Unavailable
        self.deadline = deadline
        self._running: asyncio.Future | None = None
        self._down_until = 0.0

    @property
    def down(self) -> bool:
        return time.monotonic() < self._down_until

    def mark_down(self) -> None:
        self._down_until = time.monotonic() + DOWN_SECONDS

    def mark_up(self) -> None:
        self._down_until = 0.0

    async def report(self) -> dict[str, Any]:
        """The probe's answer within `deadline` seconds; raises Unavailable after it."""
        if self._running is None or self._running.done():
            self._running = asyncio.ensure_future(asyncio.to_thread(self._probe))
            # its outcome is read here even when every caller stopped waiting for it
            self._running.add_done_callback(lambda probe: probe.cancelled() or probe.exception())
        try:
            report = await asyncio.wait_for(asyncio.shield(self._running), self.deadline)
        except TimeoutError:
            self.mark_down()
            raise Unavailable(
                f"Neo4j 未在 {self.deadline:g} 秒内应答；Neo4j did not answer within {self.deadline:g} s"
            ) from None
        except Unavailable:
            self.mark_down()
            raise
        self.mark_up()
        return report


class KeyMemory:
    """The principals of API keys the store confirmed, by a hash of the key, for `seconds`: used only
    while the store is down, so that revoking a key takes effect at once while it is up."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._seen: dict[str, tuple[Any, float]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _digest(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    def remember(self, key: str, principal: Any) -> None:
        with self._lock:
            self._seen[self._digest(key)] = (principal, time.monotonic())

    def forget(self, key: str) -> None:
        with self._lock:
            self._seen.pop(self._digest(key), None)

    def recall(self, key: str) -> Any | None:
        with self._lock:
            found = self._seen.get(self._digest(key))
        if found is None or time.monotonic() - found[1] > self.seconds:
            return None
        return found[0]
