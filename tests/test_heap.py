"""The garbage-collection policy that the service and the bulk workers apply around a matcher build."""

from __future__ import annotations

import gc
import weakref

from common.heap import long_lived_build


class _Node:
    def __init__(self) -> None:
        self.me: _Node | None = None


def test_a_build_runs_without_cycle_collection_and_leaves_its_objects_frozen() -> None:
    gc.collect()
    frozen_before = gc.get_freeze_count()
    try:
        with long_lived_build():
            assert not gc.isenabled()
            kept = [_Node() for _ in range(1000)]
            cycle = _Node()
            cycle.me = cycle
            gone = weakref.ref(cycle)
            del cycle
        assert gc.isenabled()
        assert gone() is None  # the build's garbage cycles are collected at its end
        assert gc.get_freeze_count() >= frozen_before + len(kept)
    finally:
        gc.unfreeze()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    try:
        with long_lived_build():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()
