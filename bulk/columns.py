"""Which column of a catalog holds what: its headers mapped onto the record fields the matcher reads.

Headers are recognized as the matcher recognizes a record's (`matchers.columns`, the one list),
compared without case, width, spaces or punctuation (`Product_Name`, `规格/型号`, `Model No.`).
`--column field=header` overrides a field; `--column field=` ignores it. A file with no name-like
column is rejected as a whole; the columns left out are named in the run's summary (`unused`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from bulk.types import Cells
from common.errors import InvalidInput
from matchers.columns import FIELDS, USED_FIELDS, field_of, header_key

NAME_FIELDS = ("name", "description")
"""A record needs one of these to say what the product is."""

_REPEATED = re.compile(r" \(\d+\)$")
"""How the readers tell a repeated header apart (`品名 (2)`): it means what the first one means, and
the two columns' texts are joined, as any columns of one field are."""

ColumnMap = list[tuple[str, str]]
"""(header, field) pairs in the file's column order."""


def parse_overrides(options: Iterable[str]) -> dict[str, str | None]:
    """`["name=品名", "brand="]` -> {"name": "品名", "brand": None}."""
    overrides: dict[str, str | None] = {}
    for option in options:
        field, equals, header = option.partition("=")
        if not equals:
            raise InvalidInput(f"--column {option!r}: write FIELD=HEADER, such as name=品名")
        overrides[field.strip()] = header.strip() or None
    return overrides


def check_fields(overrides: Mapping[str, str | None]) -> None:
    """For settings validation: every overridden field is one the matcher reads."""
    unknown = [f for f in overrides if f not in FIELDS]
    if unknown:
        raise ValueError(f"unknown column field {', '.join(unknown)} (fields: {', '.join(FIELDS)})")


def map_columns(headers: Sequence[str], overrides: Mapping[str, str | None] | None = None) -> ColumnMap:
    """Each header's field: the override naming it, else the field its name means (a repeated
    header's too)."""
    overrides = overrides or {}
    chosen: dict[str, str] = {}
    for field, header in overrides.items():
        if header is not None:
            chosen[_find(headers, header)] = field
    for header in headers:
        meant = field_of(header) or field_of(_REPEATED.sub("", header))
        if header not in chosen and meant is not None and meant not in overrides:
            chosen[header] = meant
    columns = [(h, chosen[h]) for h in headers if h in chosen]
    if not any(field in NAME_FIELDS for _, field in columns):
        raise InvalidInput(
            f"no product name column among the headers {', '.join(headers)}; "
            "name it with --column name=HEADER (headers recognized: " + ", ".join(FIELDS["name"]) + ")"
        )
    return columns


def _find(headers: Sequence[str], wanted: str) -> str:
    if wanted in headers:
        return wanted
    for header in headers:
        if header_key(header) == header_key(wanted):
            return header
    raise InvalidInput(f"--column names {wanted!r}, but the file has no such column (headers: {', '.join(headers)})")


def to_record(cells: Cells, columns: ColumnMap) -> dict[str, str]:
    """The row as a record for the matcher: field -> text, in the file's order; several columns
    of one field are joined."""
    record: dict[str, str] = {}
    for header, field in columns:
        text = (cells.get(header) or "").strip()
        if text:
            record[field] = f"{record[field]} {text}" if field in record else text
    return record


def unused_headers(headers: Sequence[str], columns: ColumnMap) -> list[str]:
    """The headers whose column the matcher does not read: not mapped to a field, or mapped to
    one it does not use (the unit)."""
    read = {header for header, field in columns if field in USED_FIELDS}
    return [h for h in headers if h not in read]
