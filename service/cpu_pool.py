"""CPU-bound work (matching, reading large GraphQL documents) off the event loop.

A few worker threads take the work in turn; each task runs under the request's deadline and stops
itself at its next `matchers.deadline.check()` once the deadline passes, its caller stops waiting
(a timeout or a closed connection cancels the await), or the service is stopping.

Threads, not processes: the matcher is a large in-memory index that confirmations change in place,
which a process would have to copy and keep in step. The time is bounded by the checks and by the
limits on what a request may hold (field lengths, records a batch, tokens a document), which
together keep the stretch between two checks short; a process pool would be needed only for work
that cannot check, and there is none.

While a worker thread runs, the event loop's thread must take the interpreter lock back each time
it wakes; Python hands it over only after the switch interval (5 ms by default), which a request
pays several times. The pool shortens the interval to SWITCH_SECONDS for the service's process.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from matchers.deadline import Stopped, time_limit

T = TypeVar("T")

SWITCH_SECONDS = 0.001


class CpuPool:
    def __init__(self, threads: int) -> None:
        sys.setswitchinterval(SWITCH_SECONDS)
        self._executor = ThreadPoolExecutor(threads, "cpms-cpu")
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self.running = 0  # tasks in the threads now
        self.stopped = 0  # tasks that stopped themselves at a check, since the start

    async def run(self, fn: Callable[..., T], *args: Any, deadline: float | None = None) -> T:
        """`fn(*args)` in a worker thread, stopped at `deadline` (time.monotonic()) or when the
        await is cancelled."""
        abandoned = threading.Event()
        future = asyncio.get_running_loop().run_in_executor(self._executor, self._call, fn, args, deadline, abandoned)
        try:
            return await future
        except asyncio.CancelledError:
            abandoned.set()
            raise

    def _call(
        self, fn: Callable[..., T], args: tuple[Any, ...], deadline: float | None, abandoned: threading.Event
    ) -> T:
        with self._lock:
            self.running += 1
        try:
            with time_limit(deadline, abandoned, self._stopping):
                return fn(*args)
        except Stopped:
            with self._lock:
                self.stopped += 1
            raise
        finally:
            with self._lock:
                self.running -= 1

    def stop(self) -> None:
        """Running tasks stop at their next check; queued ones are dropped."""
        self._stopping.set()
        self._executor.shutdown(wait=False, cancel_futures=True)
