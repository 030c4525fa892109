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


MATCHING_THRESHOLDS = (20_000, 20, 100)
"""The collector's thresholds in a process that matches all its life (Python's are 700, 10, 10)."""


def matching_process() -> None:
    """Collect less often in a process that matches all its life (a bulk worker): matching makes
    many small objects and few cycles, so young collections find little, and each full one walks
    again everything the read caches hold. With Python's thresholds the collector took 127-367 µs
    a record on bulk chunks (more as the caches filled); with these, the batch path's CPU a record
    fell by a fifth to a third (`benchmarks.bench_bulk` prints both)."""
    gc.set_threshold(*MATCHING_THRESHOLDS)
