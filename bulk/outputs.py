"""Reading an output file back, whatever its format, and writing rows in a format: what a
reviewed copy of a job's result needs (service/jobs/review.py)."""

from __future__ import annotations

import csv
import json
import os
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from bulk.spool import encode, line, spool_header
from bulk.types import OUTPUT_COLUMNS, OutputFormat, OutputRow
from bulk.writers import write_output


def read_output(path: Path) -> Iterator[OutputRow]:
    """Output rows as dicts, the nested columns decoded, by the file's suffix."""
    suffix = path.suffix
    if suffix == ".jsonl":
        with path.open(encoding="utf-8") as file:
            for text in file:
                if text.strip():
                    yield json.loads(text)
    elif suffix == ".parquet":
        import pyarrow.parquet as pq

        parquet = pq.ParquetFile(path)
        for batch in parquet.iter_batches():
            for row in batch.to_pylist():
                yield {**row, "values": dict(row["values"] or [])}
    elif suffix == ".xlsx":
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True)
        try:
            rows = workbook.worksheets[0].iter_rows(values_only=True)
            header = next(rows)
            for values in rows:
                cells = [v if v is not None else "" for v in values]
                yield _typed(dict(zip(map(str, header), cells, strict=True)))
        finally:
            workbook.close()
    else:
        with path.open(encoding="utf-8-sig", newline="") as file:
            for row in csv.DictReader(file):
                yield _typed(row)


def _typed(row: dict[str, Any]) -> OutputRow:
    """A CSV or XLSX row: numbers and the JSON columns decoded."""
    score = row["score"]
    return {
        **row, "row": int(row["row"]), "score": float(score) if score not in ("", None) else None,
        "candidates": json.loads(row["candidates"] or "[]"), "values": json.loads(row["values"] or "{}"),
    }  # fmt: skip


def write_rows(path: Path, format: OutputFormat, rows: Iterable[OutputRow]) -> None:
    """Rows into a new file at `path` (written beside it, then moved into place, durably)."""
    partial = path.with_name(f"{path.name}.{uuid.uuid4().hex[:8]}.partial")  # two writers never share one
    if format in ("csv", "jsonl"):
        with partial.open("wb") as file:
            file.write(spool_header(format))
            for row in rows:
                _, tail = encode(format, {key: row[key] for key in OUTPUT_COLUMNS if key != "row"})
                file.write(line(format, row["row"], tail))
            file.flush()
            os.fsync(file.fileno())
    else:
        write_output(partial, format, rows)
    partial.replace(path)
