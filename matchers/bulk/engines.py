"""Executors of `ChunkMatcher.match_chunk`: in this process, in a local process pool, or on a Dask
cluster (`dask_engine`). Each takes chunks in input order and gives back their output rows in the same order,
with a bounded number of chunks in flight, so that memory stays flat however long the input is.
Each worker builds the matcher once, from the run's snapshot.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from matchers.bulk.matching import Chunk, ChunkMatcher
from matchers.bulk.settings import BulkSettings
from matchers.bulk.types import OutputRow


class Engine(Protocol):
    def map(self, chunks: Iterable[Chunk]) -> Iterator[list[OutputRow]]: ...

    def close(self) -> None: ...


@contextmanager
def open_engine(settings: BulkSettings, snapshot: Path) -> Iterator[Engine]:
    if settings.engine == "dask":
        from matchers.bulk.dask_engine import DaskEngine

        engine: Engine = DaskEngine(settings, snapshot)
    elif settings.workers == 0:
        engine = InProcessEngine(settings, snapshot)
    else:
        engine = LocalEngine(settings, snapshot)
    try:
        yield engine
    finally:
        engine.close()


def ordered_map(submit: Callable[[Chunk], Any], chunks: Iterable[Chunk], window: int) -> Iterator[list[OutputRow]]:
    """Results in input order, with at most `window` chunks submitted and not yet taken; what is
    still pending when the caller stops is cancelled."""
    pending: deque[Any] = deque()
    try:
        for chunk in chunks:
            pending.append(submit(chunk))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()


class InProcessEngine:
    """For small files and tests: no worker to start."""

    def __init__(self, settings: BulkSettings, snapshot: Path) -> None:
        self._matcher = ChunkMatcher.from_snapshot(snapshot, settings)

    def map(self, chunks: Iterable[Chunk]) -> Iterator[list[OutputRow]]:
        return map(self._matcher.match_chunk, chunks)

    def close(self) -> None:
        pass


class LocalEngine:
    """A pool of `settings.workers` processes (started fresh, never forked from a threaded one)."""

    def __init__(self, settings: BulkSettings, snapshot: Path) -> None:
        context = multiprocessing.get_context("spawn")
        self._pool = ProcessPoolExecutor(settings.workers, mp_context=context)
        self._args = (str(snapshot), settings.model_dump_json(), os.getpid())
        self._window = 2 * settings.workers

    def map(self, chunks: Iterable[Chunk]) -> Iterator[list[OutputRow]]:
        def submit(chunk: Chunk) -> Future[list[OutputRow]]:
            return self._pool.submit(_match_in_worker, *self._args, chunk)

        return ordered_map(submit, chunks, self._window)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


_worker_matcher: ChunkMatcher | None = None


def _match_in_worker(snapshot: str, settings: str, parent: int, chunk: Chunk) -> list[OutputRow]:
    global _worker_matcher
    if _worker_matcher is None:
        threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
        _worker_matcher = ChunkMatcher.from_snapshot(Path(snapshot), BulkSettings.model_validate_json(settings))
    return _worker_matcher.match_chunk(chunk)


def _exit_with_parent(parent: int) -> None:
    """A pool's workers outlive a parent killed with SIGKILL, waiting for work forever; they end
    when they notice they have been orphaned."""
    while os.getppid() == parent:
        threading.Event().wait(1.0)
    os._exit(1)
