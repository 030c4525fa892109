"""The store's change token as the service sees it, with concurrent requests sharing the reads.

A request must see every change committed before it asked, so it waits for a token read that
started after it asked: the one pending (not yet started) when there is one, otherwise a new one.
So at most one read is running and one pending however many requests wait, and each answer is as
fresh as a read of its own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable


class ChangeWatch:
    def __init__(self, read_token: Callable[[], str | None]) -> None:
        self._read_token = read_token  # blocking: run in a worker thread
        self._pending: asyncio.Future[str | None] | None = None
        self._reader: asyncio.Task[None] | None = None

    async def token(self) -> str | None:
        if self._pending is None:
            self._pending = asyncio.get_running_loop().create_future()
            if self._reader is None or self._reader.done():
                self._reader = asyncio.get_running_loop().create_task(self._read_pending())
        # shielded: a request that times out must not cancel the answer others wait for
        return await asyncio.shield(self._pending)

    async def _read_pending(self) -> None:
        while self._pending is not None:
            answer, self._pending = self._pending, None
            try:
                answer.set_result(await asyncio.to_thread(self._read_token))
            except Exception as exc:  # every waiter gets the store's error (Unavailable ...)
                answer.set_exception(exc)
