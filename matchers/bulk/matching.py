"""The one piece of work every engine runs: a chunk of rows in, their output rows out, in order.

Identical records (a catalog repeats its products across colours, packs and SKUs) are matched
once per worker and remembered in a bounded cache; matching is deterministic, so this changes
nothing in the output.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from matchers.bulk.settings import BulkSettings
from matchers.bulk.types import OutputRow, RowError, Status
from matchers.decide import Decision
from matchers.engine import Matcher
from matchers.record import Record, record_text
from matchers.result import MatchResult, PropertyValue
from matchers.units import format_number
from ontology.errors import InvalidInput

Chunk = list[tuple[int, Record | RowError]]
"""Rows to match: (row number, record or the reason it cannot be matched)."""

CACHE_SIZE = 50_000  # records remembered per worker

STATUS = {Decision.auto: Status.matched, Decision.review: Status.review, Decision.none: Status.no_match}


class ChunkMatcher:
    def __init__(self, matcher: Matcher, settings: BulkSettings) -> None:
        view = matcher.snapshot.schemes.get(settings.scheme)
        if view is None:
            have = ", ".join(matcher.snapshot.schemes) or "none"
            raise InvalidInput(f"the ontology has no scheme {settings.scheme!r} (have: {have})")
        kind = settings.kind or view.default_kind
        if not view.concepts(kind):
            raise InvalidInput(f"scheme {settings.scheme} has no {kind}es to match")
        self.matcher, self.settings = matcher, settings
        self._match_record = lru_cache(maxsize=CACHE_SIZE)(self._match_key)

    @classmethod
    def from_snapshot(cls, snapshot: Path, settings: BulkSettings) -> ChunkMatcher:
        """Built once per worker, from the run's snapshot file."""
        return cls(Matcher.from_file(snapshot, settings.match), settings)

    def match_chunk(self, chunk: Chunk) -> list[OutputRow]:
        return [{"row": number, **self._outcome(record)} for number, record in chunk]

    def _outcome(self, record: Record | RowError) -> dict[str, Any]:
        if isinstance(record, RowError):
            return error_outcome(record.reason)
        if not record_text(record):
            return error_outcome("nothing to match: the name and the other text columns are empty")
        return self._match_record(record if isinstance(record, str) else tuple(record.items()))

    def _match_key(self, key: str | tuple[tuple[str, Any], ...]) -> dict[str, Any]:
        record = key if isinstance(key, str) else dict(key)
        try:
            result = self.matcher.match(record, self.settings.scheme, self.settings.kind)
        except Exception as exc:  # one row's failure must not stop a catalog; its row says what went wrong
            return error_outcome(f"matching failed: {type(exc).__name__}: {exc}", record_text(record))
        return match_outcome(result, record_text(record))


def error_outcome(reason: str, input: str = "") -> dict[str, Any]:
    return {"status": Status.error.value, "reason": reason, "code": "", "label": "", "score": None,
            "candidates": [], "values": {}, "input": input, "text": ""}  # fmt: skip


def match_outcome(result: MatchResult, input: str) -> dict[str, Any]:
    best = result.best
    return {
        "status": STATUS[result.decision].value,
        "reason": "",
        "code": best.code if best else "",
        "label": best.label if best else "",
        "score": best.score if best else None,
        "candidates": [{"code": c.code, "label": c.label, "score": c.score} for c in result.candidates],
        "values": _values(result.values),
        "input": input,
        "text": result.text,
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
        return f"{format_number(v.number)} {v.unit}" if v.unit else format_number(v.number)
    return v.text
