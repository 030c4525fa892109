"""The `engine` setting made an executor: local processes (or this one, with `workers` 0), or a
Dask cluster. Dask is an extra (`pip install "cpms[dask]"`), imported only when it is chosen."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bulk.executors import Executor, InProcessExecutor, LocalExecutor
from bulk.settings import BulkSettings
from bulk.types import SpoolFormat
from common.errors import InvalidInput

ExecutorType = Callable[[BulkSettings, Path, SpoolFormat], Executor]


def executor_type(settings: BulkSettings) -> ExecutorType:
    """The executor the settings ask for; a clear error, before any work, when it is not installed."""
    if settings.engine == "dask":
        try:
            from bulk.dask_executor import DaskExecutor
        except ImportError as exc:
            raise InvalidInput(
                f'Dask 引擎需要安装 dask 扩展 / the dask engine needs the dask extra: pip install "cpms[dask]" ({exc})'
            ) from exc
        return DaskExecutor
    return InProcessExecutor if settings.workers == 0 else LocalExecutor


@contextmanager
def open_executor(settings: BulkSettings, snapshot: Path, spool: SpoolFormat) -> Iterator[Executor]:
    executor = executor_type(settings)(settings, snapshot, spool)
    try:
        yield executor
    finally:
        executor.close()
