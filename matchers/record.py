"""A product record as callers give it: free text, or a row of named columns."""

from __future__ import annotations

from collections.abc import Mapping

from matchers.columns import DESCRIPTION_HEADERS, TEXT_HEADERS, canonical
from matchers.extract import COLUMN_ROLES

Record = str | Mapping[str, object]
"""`"304不锈钢六角螺栓 M8*30 镀锌"` or `{"name": "六角螺栓", "spec": "M8*30", "material": "304"}`."""

CONTEXT_SEPARATOR = "\n\x1f"
"""Between an example's text and its context, when the example is kept as text (`example_text`)."""


def record_columns(record: Record) -> dict[str, str]:
    """The non-empty columns of a row as text, under the names the matcher reads them by
    (`matchers.columns.canonical`: `modelno` as `model`); free text has none."""
    return canonical(given_columns(record))


def given_columns(record: Record) -> dict[str, str]:
    """The non-empty columns of a row as text, under their own headers; free text has none."""
    if isinstance(record, str):
        return {}
    return {str(k): text for k, v in record.items() if v is not None and (text := str(v).strip())}


def record_text(record: Record) -> str:
    """The text a record is matched by: free text as it is, or the text columns of a row joined in
    the row's order (the description only if there is nothing else)."""
    return record if isinstance(record, str) else _text(record_columns(record))


def record_context(record: Record) -> str:
    """A record's context: its description, when other columns make its text. Too noisy for the
    index, whose documents stay label-like, it is extra evidence for the example classifier
    (`matchers.classifier`)."""
    return "" if isinstance(record, str) else _context(record_columns(record))


ReadKey = tuple[str, tuple[tuple[str, str], ...], str]
"""A record's text, the columns the extractor reads, and its context (`read_key`)."""


def read_key(record: Record) -> ReadKey:
    """All that the read stage takes of a record: records with the same key are matched alike,
    whatever else their rows hold (a unit, a SKU, a price)."""
    if isinstance(record, str):
        return record, (), ""
    columns = record_columns(record)
    extracted = tuple((k, v) for k, v in columns.items() if k.strip().lower() in COLUMN_ROLES)
    return _text(columns), extracted, _context(columns)


def example_text(record: Record) -> str:
    """A confirmed example as the text kept in a snapshot: its text, and its context after
    `CONTEXT_SEPARATOR` when it has one."""
    context = record_context(record)
    return f"{record_text(record)}{CONTEXT_SEPARATOR}{context}" if context else record_text(record)


def split_context(text: str) -> tuple[str, str]:
    """An example's text and its context (empty when it has none)."""
    text, _, context = text.partition(CONTEXT_SEPARATOR)
    return text, context


def _text(columns: Mapping[str, str]) -> str:
    text = " ".join(v for k, v in columns.items() if k.strip().lower() in TEXT_HEADERS)
    return text or _descriptions(columns)


def _context(columns: Mapping[str, str]) -> str:
    if not any(k.strip().lower() in TEXT_HEADERS for k in columns):
        return ""
    return _descriptions(columns)


def _descriptions(columns: Mapping[str, str]) -> str:
    return " ".join(v for k, v in columns.items() if k.strip().lower() in DESCRIPTION_HEADERS)
