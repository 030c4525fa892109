"""Which column of a catalog holds what: its headers mapped onto the record fields the matcher reads.

Headers are recognized by the names the matcher itself knows (`matchers.record`,
`matchers.extract.COLUMN_ROLES`) plus a few common in ERP exports, compared without case, width,
spaces or punctuation (`Product_Name`, `规格/型号`). `--column field=header` overrides a field;
`--column field=` ignores it. A file with no name-like column is rejected as a whole.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence

from bulk.types import Cells
from common.errors import InvalidInput
from matchers.extract import COLUMN_ROLES
from matchers.record import DESCRIPTION_COLUMNS, MAKER_COLUMNS, NAME_COLUMNS


def _role(role: str) -> tuple[str, ...]:
    return tuple(header for header, r in COLUMN_ROLES.items() if r == role)


FIELDS: dict[str, tuple[str, ...]] = {
    "name": (*NAME_COLUMNS, "物料名称", "货品名称", "商品名", "产品名", "品名规格"),
    "spec": _role("spec"),
    "model": _role("model"),
    "material": _role("material"),
    "finish": _role("finish"),
    "standard": _role("standard"),
    "brand": _role("brand"),
    "manufacturer": MAKER_COLUMNS,
    "description": (*DESCRIPTION_COLUMNS, "物料描述", "商品描述", "产品描述"),
    "unit": ("unit", "单位", "计量单位"),
}
"""Record field -> the headers that mean it. The field names are column names the matcher reads
(`unit` it reads as nothing yet: it is kept with the record for later)."""

NAME_FIELDS = ("name", "description")
"""A record needs one of these to say what the product is."""

_PUNCTUATION = re.compile(r"[\s_\-/\\.:()（）【】\[\]]+")
_REPEATED = re.compile(r" \(\d+\)$")
"""How the readers tell a repeated header apart (`品名 (2)`): it means what the first one means, and
the two columns' texts are joined, as any columns of one field are."""

ColumnMap = list[tuple[str, str]]
"""(header, field) pairs in the file's column order."""


def header_key(header: str) -> str:
    """A header as compared: without case, width, spaces or punctuation."""
    return _PUNCTUATION.sub("", unicodedata.normalize("NFKC", header).casefold())


_BY_KEY = {header_key(header): field for field, headers in FIELDS.items() for header in headers}


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
        meant = _BY_KEY.get(header_key(header)) or _BY_KEY.get(header_key(_REPEATED.sub("", header)))
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
