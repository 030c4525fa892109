"""Types every bulk stage speaks: input rows, row errors, output rows and their statuses."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

InputFormat = Literal["csv", "tsv", "xlsx", "xls", "jsonl", "parquet"]
OutputFormat = Literal["csv", "xlsx", "jsonl", "parquet"]
SpoolFormat = Literal["csv", "jsonl"]


class Status(StrEnum):
    matched = "matched"  # the best candidate was accepted automatically
    review = "review"  # a person should confirm the best candidate
    no_match = "no_match"  # no candidate scored high enough
    error = "error"  # the row could not be read or matched; `reason` says why


@dataclass(frozen=True, slots=True)
class RowError:
    """A row that cannot be matched, and why (in words a user can act on)."""

    reason: str


Cells = dict[str, str | None]
"""One input row: header -> cell text, in the file's column order."""

OutputRow = dict[str, Any]
"""One output row; its keys are `OUTPUT_COLUMNS`."""

OUTPUT_COLUMNS = ("row", "status", "reason", "code", "label", "score", "candidates", "values", "input", "text")
"""`row`: where the row is in the input; `code`, `label`, `score`: the best candidate;
`candidates`: the top candidates as [{code, label, score}]; `values`: the normalized attribute
values as {property: value}; `input`: the row's text columns as given; `text`: as the matcher
read them (normalized)."""


@dataclass(frozen=True, slots=True)
class Piece:
    """Matched rows ready to commit: their spool lines, in input order."""

    lines: bytes
    rows: int
    last_row: int  # the input row of the last line
    counts: Counter[str]  # rows per status
    fraction: float  # of the input read after them
    position: dict[str, Any] | None = None  # where an engine reading the input itself goes on
