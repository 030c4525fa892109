"""Each distinct record matched once: a catalog repeats its products across colours, packs and SKUs.

A chunk is split into the items still to match (each distinct record once, whatever the number of
rows holding it) and a plan that puts their outcomes back on every row; outcomes are remembered for
later chunks, up to `size` records (the oldest forgotten first), each under a 16-byte digest of
what the matcher reads of it. Records are the same when the matcher reads the same thing of them
(`matchers.record.read_key`: not the unit, which it does not read). Matching is deterministic, so
this changes nothing in the output.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass

from bulk.chunk_matcher import Item, digest
from bulk.spool import Outcome
from bulk.types import RowError
from matchers.record import read_key

Rows = list[tuple[int, Item]]
"""(row number, item) in input order."""

REMEMBERED = 300_000
"""Records whose outcome is kept for later chunks, about 0.9 KB each (an output row of 0.7 KB):
the million-row catalog of `benchmarks.bench_bulk` (67.9% of its rows distinct records) has 79.5%
of its rows matched with 100,000 kept, 72.6% with 300,000, 70.9% with 400,000."""


@dataclass(frozen=True, slots=True)
class Plan:
    numbers: list[int]  # the rows, in order
    sources: list[Outcome | int]  # each row's outcome, known already, or its index in `items`
    items: list[Item]  # to match
    keys: list[Hashable]  # of `items`


class Deduper:
    def __init__(self, size: int = REMEMBERED) -> None:
        self._size = size
        self._known: OrderedDict[Hashable, Outcome] = OrderedDict()

    def split(self, rows: Rows) -> Plan:
        numbers: list[int] = []
        sources: list[Outcome | int] = []
        fresh: dict[Hashable, int] = {}
        items: list[Item] = []
        for number, item in rows:
            key = row_key(item)
            numbers.append(number)
            known: Outcome | int | None = self._known.get(key)
            if known is None and (known := fresh.get(key)) is None:
                known = fresh[key] = len(items)
                items.append(item)
            sources.append(known)
        return Plan(numbers, sources, items, list(fresh))

    def join(self, plan: Plan, outcomes: list[Outcome]) -> list[tuple[int, Outcome]]:
        """Every row of the plan with its outcome; the new outcomes remembered."""
        for key, outcome in zip(plan.keys, outcomes, strict=True):
            self._known[key] = outcome
        while len(self._known) > self._size:
            self._known.popitem(last=False)
        return [
            (number, outcomes[source] if isinstance(source, int) else source)
            for number, source in zip(plan.numbers, plan.sources, strict=True)
        ]


def row_key(item: Item) -> Hashable:
    """What the dedupe keeps a row by: its `read_key` as `digest`, or its error."""
    if isinstance(item, RowError):
        return item
    return digest(read_key(item))
