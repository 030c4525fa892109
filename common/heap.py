"""The process's garbage collection around building something big that lives as long as the
process: a matcher (about a million objects), and in a process that matches all its life.
Process-wide, so applied only by what owns its process (the service, a bulk worker), never by a
library."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def long_lived_build() -> Iterator[None]:
    """The cyclic collector paused during the build (it would walk the new objects again and
    again), then one collection (the replaced build's cycles included), and what is left frozen out
    of later collections, which would otherwise walk it all each time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        if enabled:
            gc.enable()


SERVING_THRESHOLDS = (10_000, 10, 10)
"""The collector's thresholds in a server process. Python's are (700, 10, 10): a collection of the
youngest objects every 700 allocations, and of all every hundred of those. A request allocates a
few hundred, and some of them outlive it (the read cache), so under load full collections, during
which no request moves, ran several times a second; with these, about once every few seconds
(figures: docs/matching.md, "Design history")."""


def serving_process() -> None:
    """Collect less often in a server process, once its matcher is built."""
    gc.set_threshold(*SERVING_THRESHOLDS)


MATCHING_THRESHOLDS = (20_000, 20, 100)
"""The collector's thresholds in a process that matches all its life (Python's are 700, 10, 10)."""


def matching_process() -> None:
    """Collect less often in a process that matches all its life (a bulk worker): matching makes
    many small objects and few cycles, so young collections find little, and each full one walks
    again everything the read caches hold. With Python's thresholds the collector took 127-367 µs
    a record on bulk chunks (more as the caches filled); with these, the batch path's CPU a record
    fell by a fifth to a third (`benchmarks.bench_bulk` prints both)."""
    gc.set_threshold(*MATCHING_THRESHOLDS)
