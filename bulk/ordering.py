"""Work submitted ahead and taken back in input order: what every executor shares."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

Work = TypeVar("Work")


def ordered_map(submit: Callable[[Work], Any], work: Iterable[Work], window: int) -> Iterator[Any]:
    """Results in input order, with at most `window` pieces of work submitted and not yet taken;
    what is still pending when the caller stops is cancelled."""
    pending: deque[Any] = deque()
    try:
        for piece in work:
            pending.append(submit(piece))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()
