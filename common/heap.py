"""The process's garbage collection around building something big that lives as long as the
process: a matcher (about a million objects). Process-wide, so applied only by what owns its
process (the service, a bulk worker), never by a library."""

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
