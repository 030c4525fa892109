"""Executors of `ChunkMatcher.match_items`: in this process, in a local process pool, or on a Dask
cluster (`dask_executor`; `bulk.engine` picks one from the settings). Each turns the rows a run has
still to do into pieces to commit, in input order, with a bounded number of batches in flight, so
that memory stays flat however long the input is. Each worker builds the matcher once, from the
run's snapshot.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Generator, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from bulk.chunk_matcher import ChunkMatcher, Item
from bulk.columns import ColumnMap, to_record
from bulk.dedupe import Deduper, Plan, Rows
from bulk.ordering import ordered_map
from bulk.readers import Source
from bulk.settings import BulkSettings
from bulk.spool import Outcome, lines
from bulk.types import Piece, RowError, SpoolFormat
from common.heap import long_lived_build, matching_process


class Executor(ABC):
    """Matches a run's rows. By default they are read here and sent to `map` in chunks, each
    distinct record once; an executor whose workers can read the file themselves overrides `pieces`."""

    def __init__(self, settings: BulkSettings, spool: SpoolFormat) -> None:
        self._chunk_size, self._spool = settings.chunk_size, spool

    @abstractmethod
    def map(self, batches: Iterable[list[Item]]) -> Iterator[list[Outcome]]:
        """Each batch's outcomes, in the order of the batches."""

    @abstractmethod
    def close(self) -> None: ...

    def pieces(
        self, source: Source, columns: ColumnMap, after_row: int, position: dict[str, Any] | None
    ) -> Generator[Piece]:
        """The rows after `after_row`, matched, as pieces to commit in input order. `position`:
        where an earlier run of an executor that reads the input itself stopped (unused here)."""
        deduper, plans = Deduper(), deque[Plan]()

        def batches() -> Iterator[list[Item]]:
            for chunk in _chunks(source, columns, after_row, self._chunk_size):
                plans.append(deduper.split(chunk))
                yield plans[-1].items

        for outcomes in self.map(batches()):
            yield _piece(self._spool, deduper.join(plans.popleft(), outcomes), source.fraction())


def _piece(spool: SpoolFormat, rows: list[tuple[int, Outcome]], fraction: float) -> Piece:
    data, counts = lines(spool, rows)
    return Piece(data, len(rows), rows[-1][0], counts, fraction)


def _chunks(source: Source, columns: ColumnMap, after_row: int, size: int) -> Iterator[Rows]:
    chunk: Rows = []
    for number, cells in source.rows:
        if number <= after_row:
            continue
        chunk.append((number, cells if isinstance(cells, RowError) else to_record(cells, columns)))
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class InProcessExecutor(Executor):
    """For small files and tests: no worker to start."""

    def __init__(self, settings: BulkSettings, snapshot: Path, spool: SpoolFormat) -> None:
        super().__init__(settings, spool)
        self._matcher = ChunkMatcher.from_snapshot(snapshot, settings, spool)

    def map(self, batches: Iterable[list[Item]]) -> Iterator[list[Outcome]]:
        return map(self._matcher.match_items, batches)

    def close(self) -> None:
        pass


class LocalExecutor(Executor):
    """A pool of `settings.workers` processes (started fresh, never forked from a threaded one)."""

    def __init__(self, settings: BulkSettings, snapshot: Path, spool: SpoolFormat) -> None:
        super().__init__(settings, spool)
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
        with long_lived_build():  # the worker process is ours, and the matcher lives as long as it
            _worker_matcher = ChunkMatcher.from_snapshot(
                Path(snapshot), BulkSettings.model_validate_json(settings), spool
            )
        matching_process()
    return _worker_matcher.match_items(items)


def _exit_with_parent(parent: int) -> None:
    """A pool's workers outlive a parent killed with SIGKILL, waiting for work forever; they end
    when they notice they have been orphaned."""
    while os.getppid() == parent:
        threading.Event().wait(1.0)
    os._exit(1)
