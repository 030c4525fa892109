"""A time limit that matching work checks as it goes, so that a caller can stop it.

A service runs matching in worker threads, and a thread cannot be stopped from outside: it stops
itself at the next `check()` once its time is up or it was told to stop. The checks stand between
the stages of a match and between the records of a batch; what runs between two checks is bounded
by the lengths of a record's fields, which the service limits before matching starts.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from common.errors import LimitExceeded


class Stopped(LimitExceeded):
    """The work's time is up, or its caller no longer waits for it."""


_local = threading.local()


@contextmanager
def time_limit(deadline: float | None, *stops: threading.Event) -> Iterator[None]:
    """Within it, `check()` raises `Stopped` after `deadline` (time.monotonic()) or once any of
    `stops` is set. Limits nest: the inner one is in force until it ends."""
    outer = getattr(_local, "limit", None)
    _local.limit = (deadline, stops)
    try:
        yield
    finally:
        _local.limit = outer


def check() -> None:
    limit = getattr(_local, "limit", None)
    if limit is None:
        return
    deadline, stops = limit
    if deadline is not None and time.monotonic() > deadline:
        raise Stopped("处理超时，已停止；the work took longer than its time limit and was stopped")
    for stop in stops:
        if stop.is_set():
            raise Stopped("处理已停止；the work was stopped: its caller stopped waiting or the service is stopping")
