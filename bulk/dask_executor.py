"""The Dask executor: the run's work as tasks on a Dask distributed cluster. The snapshot travels once
to each worker, in a worker plugin that builds the matcher there.

A CSV, TSV, JSONL or Parquet input is read by the workers themselves, each its own part
(`partitions`): the file must be where every worker can open it by the same path (the same machine,
or a shared file system). This process reads the file's head only, and writes the output. An XLSX
workbook (one compressed stream, no part of which can be reached without reading all before it)
and a UTF-16 text are read here, and their rows sent in chunks.
"""

from __future__ import annotations

import threading
from collections.abc import Generator, Iterable, Iterator
from hashlib import sha256
from pathlib import Path
from typing import Any

from distributed import Client, WorkerPlugin, get_worker

from bulk.chunk_matcher import ChunkMatcher, Item
from bulk.columns import ColumnMap
from bulk.dedupe import Deduper
from bulk.executors import Executor
from bulk.ordering import ordered_map
from bulk.partitions import Part, PartResult, count_rows, match_part, part_bounds
from bulk.readers import Layout, Source
from bulk.settings import BulkSettings
from bulk.spool import Outcome
from bulk.types import Piece, SpoolFormat
from common.heap import long_lived_build


class DaskExecutor(Executor):
    def __init__(self, settings: BulkSettings, snapshot: Path, spool: SpoolFormat) -> None:
        super().__init__(settings, spool)
        text = snapshot.read_text(encoding="utf-8")
        settings_json = settings.model_dump_json()
        self._plugin = "cpms-matcher-" + sha256((text + settings_json + spool).encode()).hexdigest()[:16]
        self._client = Client(settings.scheduler)
        self._client.register_plugin(MatcherPlugin(self._plugin, text, settings_json, spool), name=self._plugin)
        self._window = 2 * max(sum(self._client.nthreads().values()), 1)

    def map(self, batches: Iterable[list[Item]]) -> Iterator[list[Outcome]]:
        def submit(items: list[Item]) -> Any:
            return self._client.submit(_match_on_worker, self._plugin, items, pure=False)

        return ordered_map(submit, batches, self._window)

    def pieces(
        self, source: Source, columns: ColumnMap, after_row: int, position: dict[str, Any] | None
    ) -> Generator[Piece]:
        """Read by the workers where the file allows, else here (see `Executor.pieces`)."""
        if source.layout is None:
            return super().pieces(source, columns, after_row, position)
        return self._read_parts(source.layout, columns, after_row, position)

    def _read_parts(
        self, layout: Layout, columns: ColumnMap, after_row: int, resume_at: dict[str, Any] | None
    ) -> Generator[Piece]:
        """The workers read and match the parts from `resume_at` (a position an earlier run of this
        executor committed; None: the first row), skipping rows up to `after_row`."""
        at = resume_at or {"offset": layout.start, "line": layout.line, "blank_rows": 0}
        bounds = part_bounds(layout, at["offset"], self._chunk_size)
        counts = [
            self._client.submit(count_rows, layout, bounds[i], bounds[i + 1], pure=False)
            for i in range(len(bounds) - 1)
        ]  # fmt: skip

        def parts() -> Iterator[Part]:
            line = at["line"]
            for future, bound in zip(counts, bounds[1:], strict=True):
                start, lines = future.result()
                yield Part(start, line, bound, after_row)
                line += lines

        def submit(part: Part) -> Any:
            return self._client.submit(_match_part_on_worker, self._plugin, layout, columns, part, pure=False)

        end, next_line, blank_rows, last_row = at["offset"], at["line"], at["blank_rows"], after_row
        for result in ordered_map(submit, parts(), self._window):
            if result.part.start != end:  # the part began inside a row the part before ran on with
                part = Part(end, next_line, result.part.bound, after_row)
                result = submit(part).result()
            end, next_line = result.end, result.next_line
            blank_rows, last_row = blank_rows + result.blank_rows, max(last_row, result.last_row)
            position = {"offset": end, "line": next_line, "blank_rows": blank_rows}
            yield Piece(result.lines, result.rows, last_row, result.counts, end / max(layout.size, 1), position)

    def close(self) -> None:
        self._client.unregister_worker_plugin(self._plugin)
        self._client.close()


def _matcher_plugin(name: str) -> MatcherPlugin:
    plugin = get_worker().plugins[name]
    assert isinstance(plugin, MatcherPlugin)  # registered under this name by `DaskExecutor`
    return plugin


def _match_on_worker(plugin: str, items: list[Item]) -> list[Outcome]:
    return _matcher_plugin(plugin).matcher.match_items(items)


def _match_part_on_worker(plugin: str, layout: Layout, columns: ColumnMap, part: Part) -> PartResult:
    return _matcher_plugin(plugin).match_part(layout, columns, part)


class MatcherPlugin(WorkerPlugin):
    def __init__(self, name: str, snapshot_text: str, settings_json: str, spool: SpoolFormat) -> None:
        self.name, self.snapshot_text, self.settings_json, self.spool = name, snapshot_text, settings_json, spool

    def setup(self, worker: Any) -> None:
        path = Path(worker.local_directory) / f"{self.name}.json"
        path.write_text(self.snapshot_text, encoding="utf-8")
        settings = BulkSettings.model_validate_json(self.settings_json)
        with long_lived_build():  # the matcher lives as long as the worker
            self.matcher = ChunkMatcher.from_snapshot(path, settings, self.spool)
        self._threads = threading.local()

    def match_part(self, layout: Layout, columns: ColumnMap, part: Part) -> PartResult:
        """Each distinct record once per worker thread, across its tasks."""
        if not hasattr(self._threads, "deduper"):
            self._threads.deduper = Deduper()
        return match_part(self.matcher, self._threads.deduper, layout, columns, part)
