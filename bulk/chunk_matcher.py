"""The one piece of work every engine runs: records in, their outcomes out (status and the encoded
output row without its number, `spool`), in order. Which records reach it is `dedupe`'s choice;
which of those it matches, its memo's: records read alike are matched once (`MEMO`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from hashlib import blake2b
from pathlib import Path
from typing import Any, NamedTuple

from bulk.settings import BulkSettings
from bulk.spool import Outcome, encode
from bulk.types import RowError, SpoolFormat, Status
from common.units import symbol
from matchers.decide import Decision
from matchers.matcher import Matcher
from matchers.profile import Query, read_record
from matchers.record import Record, record_text
from matchers.result import MatchResult, PropertyValue
from matchers.units import format_number

Item = Record | RowError
"""A row to match: its record, or the reason it cannot be matched."""

MEMO = 100_000
"""Matches a worker keeps by what the matcher read of a record (`Query.key`) for later chunks:
the records that the dedupe sends (`bulk.dedupe`, distinct by their cells) still repeat products
spelt alike (full-width, traditional, spacing). In a simulation over the million-row catalog of
`benchmarks.bench_bulk` (2 workers taking chunks in turn), 72.6% of its rows reach the workers,
and 51.1% are matched with 100,000 kept (47.2% with 150,000; 37.4% of its rows read distinctly):
about 116 MB a worker."""

STATUS = {Decision.auto: Status.matched, Decision.review: Status.review, Decision.none: Status.no_match}


class ChunkMatcher:
    def __init__(self, matcher: Matcher, settings: BulkSettings, spool: SpoolFormat, memo: int = MEMO) -> None:
        matcher.kind_of(settings.scheme, settings.kind)  # an unknown scheme or kind fails here, before any row
        self.matcher, self.settings, self.spool = matcher, settings, spool
        self._memo: OrderedDict[bytes, Matched] = OrderedDict()  # by `read_digest`
        self._memo_size = memo
        self._memo_lock = threading.Lock()

    @classmethod
    def from_snapshot(cls, snapshot: Path, settings: BulkSettings, spool: SpoolFormat) -> ChunkMatcher:
        """Built once per worker, from the run's snapshot file."""
        return cls(Matcher.from_file(snapshot, settings.match), settings, spool)

    def match_items(self, items: list[Item]) -> list[Outcome]:
        texts = ["" if isinstance(item, RowError) else record_text(item) for item in items]
        matchable = [(i, text) for i, text in zip(items, texts, strict=True) if text and not isinstance(i, RowError)]
        outcomes = iter(self._match_all(matchable))
        return [
            encode(self.spool, next(outcomes) if text else _unmatchable(item))
            for item, text in zip(items, texts, strict=True)
        ]

    def _match_all(self, records: list[tuple[Record, str]]) -> list[dict[str, Any]]:
        """In one batch (`Matcher.match_read`), each record read alike matched once in this
        worker's run, as long as the memo keeps it; if the batch fails, one by one, so that only
        the failing rows are errors (their rows say what went wrong) and the catalog goes on.
        `records`: each with its text."""
        settings, memo = self.settings, self._memo
        try:
            reads = [(record, read_record(record)) for record, _ in records]
            keys = [read_digest(q) for _, q in reads]
            with self._memo_lock:  # a Dask worker's threads share it
                kept = {key: memo[key] for key in keys if key in memo}
                for key in kept:
                    memo.move_to_end(key)  # the least recently used are forgotten first
            fresh: dict[bytes, tuple[Record, Query]] = {}
            for key, read in zip(keys, reads, strict=True):
                if key not in kept:
                    fresh.setdefault(key, read)
            results = self.matcher.match_read(list(fresh.values()), settings.scheme, settings.kind)
        except Exception:
            return [self._match(record, text) for record, text in records]
        made = {key: matched(result) for key, result in zip(fresh, results, strict=True)}
        with self._memo_lock:
            memo.update(made)
            while len(memo) > self._memo_size:
                memo.popitem(last=False)
        return [match_outcome(made.get(key) or kept[key], text) for key, (_, text) in zip(keys, records, strict=True)]

    def _match(self, record: Record, text: str) -> dict[str, Any]:
        try:
            result = self.matcher.match(record, self.settings.scheme, self.settings.kind)
        except Exception as exc:
            return error_outcome(f"matching failed: {type(exc).__name__}: {exc}", text)
        return match_outcome(matched(result), text)


def digest(value: object) -> bytes:
    """16 bytes for a value whose `repr` is the same for equal values (tuples of text and numbers):
    what the dedupe and the memo keep in place of a record's key."""
    return blake2b(repr(value).encode("utf-8", "surrogatepass"), digest_size=16).digest()


def read_digest(query: Query) -> bytes:
    """A read's key (`Query.key`) as `digest` (an extraction is tuples of text and numbers; the
    context's terms sorted, since equal sets may list them in different orders): with the key
    itself, a memo entry took 3.3 KB."""
    extraction, context = query.key
    return digest((extraction, sorted(context)))


def _unmatchable(item: Item) -> dict[str, Any]:
    if isinstance(item, RowError):
        return error_outcome(item.reason)
    return error_outcome("nothing to match: the name and the other text columns are empty")


def error_outcome(reason: str, input: str = "") -> dict[str, Any]:
    return {"status": Status.error.value, "reason": reason, "code": "", "label": "", "score": None,
            "candidates": [], "values": {}, "input": input, "text": ""}  # fmt: skip


class Matched(NamedTuple):
    """What an output row takes of a match, as plain values in tuples: a worker keeps many
    (`MEMO`), at 1.16 KB a memo entry instead of 1.85 as the row's dicts (measured with
    tracemalloc), and the collector stops tracking tuples of plain values."""

    status: str
    code: str
    label: str
    score: float | None
    candidates: tuple[tuple[str, str, float], ...]
    values: tuple[tuple[str, str], ...]
    text: str


def matched(result: MatchResult) -> Matched:
    best = result.top  # the status says whether to trust it
    return Matched(
        STATUS[result.decision].value,
        best.code if best else "",
        best.label if best else "",
        best.score if best else None,
        tuple((c.code, c.label, c.score) for c in result.candidates),
        tuple(_values(result.values).items()),
        result.text,
    )


def match_outcome(match: Matched, input: str) -> dict[str, Any]:
    return {
        "status": match.status,
        "reason": "",
        "code": match.code,
        "label": match.label,
        "score": match.score,
        "candidates": [{"code": code, "label": label, "score": score} for code, label, score in match.candidates],
        "values": dict(match.values),
        "input": input,
        "text": match.text,
    }


def _values(values: list[PropertyValue]) -> dict[str, str]:
    """Property -> its normalized value: the value's code, or the number in the property's unit."""
    out: dict[str, str] = {}
    for v in values:
        text = _value_text(v)
        out[v.property] = f"{out[v.property]}; {text}" if v.property in out else text
    return out


def _value_text(v: PropertyValue) -> str:
    if v.value is not None:
        return v.value
    if v.number is not None:
        return f"{format_number(v.number)} {symbol(v.unit)}" if v.unit else format_number(v.number)
    return v.text
