"""Output rows as bytes, the way the run's spool holds them.

A CSV or JSONL output is streamed into the spool in its final form, so that the finished spool *is*
the output file (moved into place, not rewritten); an XLSX or Parquet output is spooled as JSONL
and converted at the end. A row is encoded once where it is matched (in a worker): its `tail`, all
of it but the row number, which `line` puts in front. Identical records share one tail.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from typing import Any

from bulk.types import OUTPUT_COLUMNS, OutputFormat, SpoolFormat
from bulk.writers import csv_cells

Outcome = tuple[str, bytes]
"""A row's status and its encoded tail."""


def spool_format(output: OutputFormat) -> SpoolFormat:
    return "csv" if output == "csv" else "jsonl"


def spool_header(format: SpoolFormat) -> bytes:
    """What the spool starts with: for CSV, the BOM (so that Excel reads the Chinese) and the header."""
    return ("\ufeff" + _csv_line(list(OUTPUT_COLUMNS))).encode("utf-8") if format == "csv" else b""


def encode(format: SpoolFormat, outcome: dict[str, Any]) -> Outcome:
    """`outcome`: an output row without its `row`, in `OUTPUT_COLUMNS` order."""
    if format == "csv":
        tail = "," + _csv_line(csv_cells(outcome.values()))
    else:
        tail = json.dumps(outcome, ensure_ascii=False)[1:] + "\n"
    return outcome["status"], tail.encode("utf-8")


def line(format: SpoolFormat, row: int, tail: bytes) -> bytes:
    """The row's whole line: what writing `{"row": row, **outcome}` in one piece would give."""
    return b"%d%s" % (row, tail) if format == "csv" else b'{"row": %d, %s' % (row, tail)


def lines(format: SpoolFormat, rows: list[tuple[int, Outcome]]) -> tuple[bytes, Counter[str]]:
    """Rows' lines, and their counts per status."""
    data = b"".join(line(format, number, tail) for number, (_, tail) in rows)
    return data, Counter(status for _, (status, _) in rows)


def _csv_line(cells: list[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(cells)
    return buffer.getvalue()
