"""Output files that cannot be appended to, written as streams from the spool: XLSX (openpyxl's
write-only mode) and Parquet (pyarrow, in row groups; candidates and values as nested columns).
CSV and JSONL outputs are the spool itself (`spool`).

A CSV or XLSX cell that starts with = + - @ (or a tab or carriage return) would run as a formula
in a spreadsheet (`=cmd|' /C calc'!A0`); such cells are written with a leading `'` so that they
stay text. JSONL and Parquet keep every text as it is.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from bulk.types import OUTPUT_COLUMNS, OutputFormat, OutputRow
from common.errors import InvalidInput

OUTPUT_FORMATS: dict[str, OutputFormat] = {
    ".csv": "csv", ".xlsx": "xlsx", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet",
}  # fmt: skip
XLSX_MAX_ROWS = 1_048_576  # Excel's limit, the header included
XLSX_MAX_CELL = 32_767  # characters
PARQUET_ROW_GROUP = 50_000  # rows
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def output_format(path: Path) -> OutputFormat:
    try:
        return OUTPUT_FORMATS[path.suffix.lower()]
    except KeyError:
        raise InvalidInput(f"{path.name}: write .csv, .xlsx, .jsonl or .parquet") from None


def write_output(path: Path, format: OutputFormat, rows: Iterable[OutputRow]) -> None:
    _WRITERS[format](path, rows)


def neutralize(text: str) -> str:
    """A cell a spreadsheet shows as text, never runs."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def csv_cells(values: Iterable[Any]) -> list[Any]:
    """A row's values as spreadsheet cells: the nested columns as JSON, texts neutralized."""
    cells = []
    for value in values:
        if isinstance(value, list | dict):
            value = json.dumps(value, ensure_ascii=False)
        cells.append(neutralize(value) if isinstance(value, str) else value)
    return cells


def _write_xlsx(path: Path, rows: Iterable[OutputRow]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    def cell(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
        return value if len(value) <= XLSX_MAX_CELL else value[: XLSX_MAX_CELL - 12] + " (truncated)"

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("matches")
    sheet.append(OUTPUT_COLUMNS)
    for count, row in enumerate(rows, start=2):
        if count > XLSX_MAX_ROWS:
            raise InvalidInput(f"XLSX holds at most {XLSX_MAX_ROWS - 1:,} rows; write CSV, JSONL or Parquet")
        sheet.append([cell(c) for c in csv_cells(row[c] for c in OUTPUT_COLUMNS)])
    workbook.save(path)


def _write_parquet(path: Path, rows: Iterable[OutputRow]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    candidate = pa.struct([("code", pa.string()), ("label", pa.string()), ("score", pa.float64())])
    fields: list[tuple[str, pa.DataType]] = [
        ("row", pa.int64()), ("status", pa.string()), ("reason", pa.string()), ("code", pa.string()),
        ("label", pa.string()), ("score", pa.float64()), ("candidates", pa.list_(candidate)),
        ("values", pa.map_(pa.string(), pa.string())), ("input", pa.string()), ("text", pa.string()),
    ]  # fmt: skip
    schema = pa.schema(fields)
    with pq.ParquetWriter(path, schema) as writer:
        for group in _batches(rows, PARQUET_ROW_GROUP):
            group = [{**row, "values": list(row["values"].items())} for row in group]
            writer.write_table(pa.Table.from_pylist(group, schema))


def _batches(rows: Iterable[OutputRow], size: int) -> Iterator[list[OutputRow]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


_WRITERS: dict[str, Callable[[Path, Iterable[OutputRow]], None]] = {"xlsx": _write_xlsx, "parquet": _write_parquet}
