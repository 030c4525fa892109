"""CPU-bound work (matching, reading large GraphQL documents) off the event loop.

A few worker threads take the work, the least-served request's first (see `CpuPool`); each task
runs under the request's deadline and stops itself at its next `matchers.deadline.check()` once
the deadline passes, its caller stops waiting (a timeout or a closed connection cancels the
await), or the service is stopping.

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
import contextlib
import heapq
import itertools
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from matchers.deadline import Stopped, time_limit

T = TypeVar("T")

SWITCH_SECONDS = 0.001
TURN_ITEMS = 8
"""Records (or reconciliation queries) of a batch matched in one turn of the pool at most,"""
TURN_CHARS = 1000
"""and characters at most: a longer one takes its turn alone."""
MOST_HANDICAP = 1.0
"""Seconds a request's turn is queued behind newer ones at most, however much it has had."""


@dataclass
class Share:
    """What one request has had of the pool, in seconds of its threads' CPU time."""

    spent: float = 0.0


@dataclass
class _Task:
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    deadline: float | None
    share: Share
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Any]
    continued: bool  # a later turn of a request that has had the pool already
    abandoned: threading.Event = field(default_factory=threading.Event)


class CpuPool:
    """Worker threads taking tasks least-served request first: a task is queued as if it had
    arrived as many seconds later as its request has already had of the threads (at most
    MOST_HANDICAP). A single match comes before the next turn of a long batch that arrived just
    before it, and the batch still goes on, a turn at a time, while single matches keep coming.
    Later turns of requests (batches, aliased matches) take all threads but one at most: a new
    request finds a thread that no long request holds, and shares the interpreter with one long
    turn at most, not with one in each thread."""

    def __init__(self, threads: int) -> None:
        sys.setswitchinterval(SWITCH_SECONDS)
        self._queue: list[tuple[float, int, _Task]] = []  # first turns of requests
        self._later: list[tuple[float, int, _Task]] = []  # their later turns
        self._most_later = max(1, threads - 1)
        self._later_running = 0
        self._order = itertools.count()
        self._ready = threading.Condition()
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self.running = 0  # tasks in the threads now
        self.stopped = 0  # tasks that stopped themselves at a check, since the start
        for i in range(threads):
            threading.Thread(target=self._work, name=f"cpms-cpu-{i}", daemon=True).start()

    async def run(
        self, fn: Callable[..., T], *args: Any, deadline: float | None = None, share: Share | None = None
    ) -> T:
        """`fn(*args)` in a worker thread, stopped at `deadline` (time.monotonic()) or when the
        await is cancelled. `share`: the request's, when it sends several tasks one after another."""
        loop = asyncio.get_running_loop()
        share = share or Share()
        task = _Task(fn, args, deadline, share, loop, loop.create_future(), continued=share.spent > 0)
        with self._ready:
            if self._stopping.is_set():
                raise Stopped("服务正在停止；the service is stopping")
            queued_at = time.monotonic() + min(share.spent, MOST_HANDICAP)
            heapq.heappush(self._later if task.continued else self._queue, (queued_at, next(self._order), task))
            self._ready.notify()
        try:
            result: T = await task.future
        except asyncio.CancelledError:
            task.abandoned.set()
            raise
        return result

    def _work(self) -> None:
        while True:
            with self._ready:
                task = self._next()
                while task is None and not self._stopping.is_set():
                    self._ready.wait()
                    task = self._next()
                if task is None:  # stopping
                    return
            try:
                if not task.abandoned.is_set():
                    self._call(task)
            finally:
                if task.continued:
                    with self._ready:
                        self._later_running -= 1
                        self._ready.notify()  # a later turn may go now

    def _next(self) -> _Task | None:
        """The task to run next, or None; called holding `_ready`."""
        later_allowed = self._later and self._later_running < self._most_later
        if self._queue and not (later_allowed and self._later[0] < self._queue[0]):
            return heapq.heappop(self._queue)[2]
        if later_allowed:
            self._later_running += 1
            return heapq.heappop(self._later)[2]
        return None

    def _call(self, task: _Task) -> None:
        with self._lock:
            self.running += 1
        began = time.thread_time()
        try:
            with time_limit(task.deadline, task.abandoned, self._stopping):
                outcome: tuple[Any, BaseException | None] = (task.fn(*task.args), None)
        except Stopped as exc:
            with self._lock:
                self.stopped += 1
            outcome = (None, exc)
        except Exception as exc:  # the caller's to handle, as if it had run the work itself
            outcome = (None, exc)
        finally:
            task.share.spent += time.thread_time() - began
            with self._lock:
                self.running -= 1
        _settle(task, *outcome)

    def stop(self) -> None:
        """Running tasks stop at their next check; queued ones end with Stopped."""
        with self._ready:
            self._stopping.set()
            queued, self._queue, self._later = self._queue + self._later, [], []
            self._ready.notify_all()
        for _, _, task in queued:
            _settle(task, None, Stopped("服务正在停止；the service is stopping"))


def _settle(task: _Task, result: Any, error: BaseException | None) -> None:
    def settle() -> None:
        if task.future.done():  # its caller stopped waiting
            return
        if error is None:
            task.future.set_result(result)
        else:
            task.future.set_exception(error)

    with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits
        task.loop.call_soon_threadsafe(settle)


def turns(items: list[T], chars: Callable[[T], int]) -> Iterator[list[T]]:
    """`items` in turns of at most TURN_ITEMS and TURN_CHARS characters, in order. A batch is
    matched a turn at a time, each queued behind the work already waiting: a turn's time is what
    the requests that arrive meanwhile wait, not the whole batch's."""
    turn: list[T] = []
    size = 0
    for item in items:
        length = chars(item)
        if turn and (len(turn) == TURN_ITEMS or size + length > TURN_CHARS):
            yield turn
            turn, size = [], 0
        turn.append(item)
        size += length
    if turn:
        yield turn
