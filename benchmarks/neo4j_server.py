"""The Neo4j a benchmark runs against: `NEO4J_URI`'s when set, otherwise a private server in a
temporary folder, started for the run and stopped after it."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from common.settings import Settings
from ontology.connection import Connection
from ontology.server import process
from ontology.server.settings import ServerSettings
from tests.conftest import PROJECT, free_port


@contextmanager
def bench_connection() -> Iterator[Connection]:
    with bench_server() as (connection, _):
        yield connection


@contextmanager
def bench_server(
    heap: str | None = None, pagecache: str | None = None, transaction_memory: str | None = None
) -> Iterator[tuple[Connection, Path | None]]:
    """The connection, and the private server's folder (None for `NEO4J_URI`'s server); `heap`,
    `pagecache` and `transaction_memory` of the private server, if not the settings'."""
    if os.environ.get("NEO4J_URI"):
        yield Connection.from_settings(), None
        return
    with tempfile.TemporaryDirectory() as tmp:
        base = ServerSettings.from_settings(Settings(home=PROJECT / ".cpms"))
        settings = replace(base, home=Path(tmp) / "neo4j", bolt_port=free_port(), password="bench-password")
        settings = replace(
            settings,
            heap=heap or settings.heap,
            pagecache=pagecache or settings.pagecache,
            transaction_memory=transaction_memory or settings.transaction_memory,
        )
        process.start(settings)
        try:
            yield Connection.for_local(settings), settings.home
        finally:
            process.stop(settings)
