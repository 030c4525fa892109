"""The garbage-collection policy that the service and the bulk workers apply around a matcher build.

The policy is process-wide, so each check runs in a fresh interpreter: in the test session, apps of
other tests build their matchers in background threads under the same policy."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.conftest import PROJECT

BUILD_IS_FROZEN = """
import gc, weakref
from common.heap import long_lived_build

class Node:
    me = None

gc.collect()
frozen_before = gc.get_freeze_count()
with long_lived_build():
    assert not gc.isenabled()
    kept = [Node() for _ in range(1000)]
    cycle = Node()
    cycle.me = cycle
    gone = weakref.ref(cycle)
    del cycle
assert gc.isenabled()
assert gone() is None, "the build's garbage cycles are collected at its end"
collected = {id(o) for o in gc.get_objects()}  # frozen objects are in no generation
assert not any(id(node) in collected for node in kept), "what the build made is frozen"
assert gc.get_freeze_count() >= frozen_before + len(kept)
"""

OFF_STAYS_OFF = """
import gc
from common.heap import long_lived_build

gc.disable()
with long_lived_build():
    pass
assert not gc.isenabled()
"""


def _run(code: str) -> None:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=PROJECT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_a_build_runs_without_cycle_collection_and_leaves_its_objects_frozen() -> None:
    _run(BUILD_IS_FROZEN)


def test_a_collector_that_was_off_stays_off() -> None:
    _run(OFF_STAYS_OFF)
