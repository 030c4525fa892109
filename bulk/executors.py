"""Executors of `ChunkMatcher.match_items`: in this process, in a local process pool, or on a Dask
cluster (`dask_engine`). Each takes batches of items in input order and gives back their outcomes in
the same order, with a bounded number of batches in flight, so that memory stays flat however long
the input is. Each worker builds the matcher once, from the run's snapshot.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

from bulk.chunk_matcher import ChunkMatcher, Item
from bulk.ordering import ordered_map
from bulk.settings import BulkSettings
from bulk.spool import Outcome
from bulk.types import SpoolFormat


class Executor(Protocol):
    def map(self, batches: Iterable[list[Item]]) -> Iterator[list[Outcome]]: ...

    def close(self) -> None: ...


@contextmanager
def open_executor(settings: BulkSettings, snapshot: Path, spool: SpoolFormat) -> Iterator[Executor]:
    if settings.engine == "dask":
        from bulk.dask_executor import DaskExecutor

        engine: Executor = DaskExecutor(settings, snapshot, spool)
    elif settings.workers == 0:
        engine = InProcessExecutor(settings, snapshot, spool)
    else:
        engine = LocalExecutor(settings, snapshot, spool)
    try:
        yield engine
    finally:
        engine.close()


class InProcessExecutor:
    """For small files and tests: no worker to start."""

    def __init__(self, settings: BulkSettings, snapshot: Path, spool: SpoolFormat) -> None:
        self._matcher = ChunkMatcher.from_snapshot(snapshot, settings, spool)

    def map(self, batches: Iterable[list[Item]]) -> Iterator[list[Outcome]]:
        return map(self._matcher.match_items, batches)

    def close(self) -> None:
        pass


class LocalExecutor:
    """A pool of `settings.workers` processes (started fresh, never forked from a threaded one)."""

    def __init__(self, settings: BulkSettings, snapshot: Path, spool: SpoolFormat) -> None:
        context = multiprocessing.get_context("spawn")
        self._pool = ProcessPoolExecutor(settings.workers, mp_context=context)
        self._args = (str(snapshot), settings.model_dump_json(), spool, os.getpid())
        self._window = 2 * settings.workers

    def map(self, batches: Iterable[list[Item]]) -> Iterator[list[Outcome]]:
        def submit(items: list[Item]) -> Future[list[Outcome]]:
            return self._pool.submit(_match_in_worker, *self._args, items)

        return ordered_map(submit, batches, self._window)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


_worker_matcher: ChunkMatcher | None = None


def _match_in_worker(snapshot: str, settings: str, spool: SpoolFormat, parent: int, items: list[Item]) -> list[Outcome]:
    global _worker_matcher
    if _worker_matcher is None:
        threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
        _worker_matcher = ChunkMatcher.from_snapshot(Path(snapshot), BulkSettings.model_validate_json(settings), spool)
    return _worker_matcher.match_items(items)


def _exit_with_parent(parent: int) -> None:
    """A pool's workers outlive a parent killed with SIGKILL, waiting for work forever; they end
    when they notice they have been orphaned."""
    while os.getppid() == parent:
        threading.Event().wait(1.0)
    os._exit(1)
