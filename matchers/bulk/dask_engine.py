"""The Dask engine: chunks as tasks on a Dask distributed cluster. This process reads the input and
writes the output; the workers match. The snapshot travels once to each worker, in a worker plugin
that builds the matcher there."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from hashlib import sha256
from pathlib import Path
from typing import Any

from distributed import Client, WorkerPlugin, get_worker

from matchers.bulk.engines import ordered_map
from matchers.bulk.matching import Chunk, ChunkMatcher
from matchers.bulk.settings import BulkSettings
from matchers.bulk.types import OutputRow


class DaskEngine:
    def __init__(self, settings: BulkSettings, snapshot: Path) -> None:
        text = snapshot.read_text(encoding="utf-8")
        settings_json = settings.model_dump_json()
        self._plugin = "cpms-matcher-" + sha256((text + settings_json).encode()).hexdigest()[:16]
        self._client = Client(settings.scheduler)
        self._client.register_plugin(MatcherPlugin(self._plugin, text, settings_json), name=self._plugin)
        self._window = 2 * max(sum(self._client.nthreads().values()), 1)

    def map(self, chunks: Iterable[Chunk]) -> Iterator[list[OutputRow]]:
        def submit(chunk: Chunk) -> Any:
            return self._client.submit(_match_on_worker, self._plugin, chunk, pure=False)

        return ordered_map(submit, chunks, self._window)

    def close(self) -> None:
        self._client.unregister_worker_plugin(self._plugin)
        self._client.close()


def _match_on_worker(plugin: str, chunk: Chunk) -> list[OutputRow]:
    return get_worker().plugins[plugin].matcher.match_chunk(chunk)


class MatcherPlugin(WorkerPlugin):
    def __init__(self, name: str, snapshot_text: str, settings_json: str) -> None:
        self.name, self.snapshot_text, self.settings_json = name, snapshot_text, settings_json
        self.matcher: ChunkMatcher | None = None

    def setup(self, worker: Any) -> None:
        path = Path(worker.local_directory) / f"{self.name}.json"
        path.write_text(self.snapshot_text, encoding="utf-8")
        self.matcher = ChunkMatcher.from_snapshot(path, BulkSettings.model_validate_json(self.settings_json))
