"""Catalog files as streams of rows: CSV and TSV (UTF-8, UTF-8 with BOM, UTF-16, GBK, GB18030,
Big5, detected), XLSX, JSONL and Parquet, read in constant memory; old Excel (.xls) workbooks, which
the format caps at 65,536 rows, read whole.

A row comes out as (row number, cells) or (row number, `RowError`): a bad row is reported where it
is and reading goes on. A file that cannot be read at all raises `InvalidInput`. The row number is
where a person finds the row: the line of a CSV or JSONL file (the header is line 1), the sheet
row of an XLSX file, the record number of a Parquet file. Blank rows are skipped and counted.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import IO, Any, Protocol

from bulk.lines import LineReader, byte_splittable
from bulk.types import Cells, InputFormat, RowError
from bulk.xlsx_guard import MAX_CELLS, CellCount, check_xlsx_container
from common import encodings
from common.encodings import BOMS, UNDECODABLE
from common.errors import InvalidInput

SAMPLE_BYTES = 1 << 20  # read to detect the encoding and the delimiter
CSV_FIELD_LIMIT = 64 << 20  # a longer CSV cell means a broken file (a quote left open), not a long cell
JSONL_HEADER_LINES = 1000  # the columns of a JSONL file are the keys of its first lines
_DELIMITERS = (",", "\t", ";", "|")
XLSX_MAGIC = b"PK\x03\x04"  # a zip

RawRows = Iterator[tuple[int, "Sequence[Any] | RowError | None"]]
"""Rows as a format reads them: values in header order, an error, or None for a blank row."""


class Source:
    """An open catalog file: its format, encoding, headers and rows."""

    def __init__(
        self,
        path: Path,
        format: InputFormat,
        headers: list[str],
        raw_rows: RawRows,
        fraction: Callable[[], float],
        max_cell_chars: int,
        encoding: str | None = None,
    ) -> None:
        self.path, self.format, self.headers, self.encoding = path, format, headers, encoding
        self.fraction = fraction  # how much of the file has been read, 0 to 1
        self.blank_rows = 0
        self.layout: Layout | None = None  # how a worker reads a part of the file itself; None: it cannot
        self._raw_rows, self._max_cell_chars = raw_rows, max_cell_chars

    @property
    def rows(self) -> Iterator[tuple[int, Cells | RowError]]:
        for number, values in self._raw_rows:
            if values is None:
                self.blank_rows += 1
            elif isinstance(values, RowError):
                yield number, values
            else:
                yield number, self.cells(values)

    @property
    def raw_rows(self) -> RawRows:
        """The rows as the format reads them, blank ones (None) included."""
        return self._raw_rows

    def cells(self, values: Sequence[Any]) -> Cells | RowError:
        headers = self.headers
        if len(values) < len(headers) or any(v not in (None, "") for v in values[len(headers) :]):
            return RowError(f"ragged row: {len(values)} cells, the header has {len(headers)}")
        cells: Cells = {}
        for header, value in zip(headers, values, strict=False):
            text = cell_text(value)
            if text is not None and len(text) > self._max_cell_chars:
                return RowError(
                    f"cell {header!r} has {len(text):,} characters, over the limit of {self._max_cell_chars:,}"
                )
            if text is not None and (bad := UNDECODABLE.search(text)):
                raw = bad.group().encode("utf-8", "surrogateescape")
                return RowError(f"undecodable bytes {raw!r} in column {header!r} (the file reads as {self.encoding})")
            cells[header] = text
        return cells


def cell_text(value: Any) -> str | None:
    """A cell as text the way a person reads it: 30.0 as 30, a date as 2024-05-01."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


@contextmanager
def open_source(
    path: Path,
    encoding: str | None = None,
    sheet: str | None = None,
    max_cell_chars: int = 100_000,
    max_cells: int = MAX_CELLS,
) -> Iterator[Source]:
    """The file's rows; `max_cells` bounds the cells read from a workbook (see `bulk.xlsx_guard`)."""
    if not path.is_file():
        raise InvalidInput(f"{path}: no such file")
    with ExitStack() as stack:
        file = stack.enter_context(path.open("rb"))
        sample = file.read(SAMPLE_BYTES)
        file.seek(0)
        if not sample.strip() or sample in (bom for bom, _ in BOMS):
            raise InvalidInput(f"{path.name}: the file is empty")
        format = detect_format(path, sample)
        if format == "xlsx":
            headers, rows, fraction = _xlsx(path, sheet, stack, max_cells)
            layout = None  # a sheet is one compressed stream: no row can be reached but by reading those before
        elif format == "xls":
            headers, rows, fraction = _xls(path, sheet, stack)
            layout = None
        elif format == "parquet":
            headers, rows, fraction, layout = _parquet(path, stack)
        else:
            encoding = "utf-8-sig" if format == "jsonl" else encoding or detect_encoding(sample)
            delimiter = "\t" if format == "tsv" else detect_delimiter(sample, encoding)
            format = format if format == "jsonl" else "tsv" if delimiter == "\t" else "csv"
            headers, rows, fraction, layout = _text(path, file, format, encoding, delimiter, stack)
        text = format not in ("xlsx", "xls")
        source = Source(path, format, headers, rows, fraction, max_cell_chars, encoding if text else None)
        source.layout = layout
        yield source


@dataclass(frozen=True)
class Layout:
    """What a worker needs to read a part of a file by itself: the file's format as the whole
    file's reader found it, and where the rows begin. A text file's parts are byte ranges that
    start where a line does; a Parquet file's are row groups."""

    path: str
    format: InputFormat
    encoding: str
    delimiter: str
    headers: list[str]
    width: int  # of the header row, in cells: a row over several lines must have as many
    start: int  # where the rows begin: the byte after the header, or row group 0
    line: int  # the row number there
    size: int  # where they end: the file's size in bytes, or the number of row groups


class Cursor(Protocol):
    offset: int  # where the rows given so far end: a byte, or the row group being read


@contextmanager
def open_part(
    layout: Layout, start: int, line: int, bound: int, max_cell_chars: int
) -> Iterator[tuple[Source, Cursor]]:
    """The rows from `start` on (a line's start, or a row group), numbered from `line`, read as
    the whole file's reader reads them: the row groups before `bound`, or the lines to the end
    (the caller stops where it likes)."""
    path = Path(layout.path)
    with ExitStack() as stack:
        cursor: Any
        if layout.format == "parquet":
            cursor = ParquetRows(_open_parquet(path, stack), start, bound, line)
            rows = iter(cursor)
        else:
            cursor = LineReader(stack.enter_context(path.open("rb")), start, layout.encoding)
            if layout.format == "jsonl":
                rows = _jsonl_rows(cursor, layout.headers, line)
            else:
                rows = iter(_CsvRows(path, cursor, layout.delimiter, line, layout.width))
        yield Source(path, layout.format, layout.headers, rows, lambda: 0.0, max_cell_chars, layout.encoding), cursor


def _text(
    path: Path, file: IO[bytes], format: InputFormat, encoding: str, delimiter: str, stack: ExitStack
) -> tuple[list[str], RawRows, Callable[[], float], Layout | None]:
    """A CSV, TSV or JSONL file: by bytes where the encoding allows (so that workers can read parts
    of it: its layout), else as a text stream."""
    size = max(path.stat().st_size, 1)
    if not byte_splittable(encoding):
        text = io.TextIOWrapper(file, encoding=encoding, errors="surrogateescape", newline="")
        stack.callback(text.detach)  # the file is closed by its own
        headers, rows, _, _ = _jsonl(path, text) if format == "jsonl" else _csv(path, text, delimiter)
        return headers, rows, lambda: min(file.tell() / size, 1.0), None
    lines = LineReader(file, 0, encoding)
    headers, rows, width, line = _jsonl(path, lines) if format == "jsonl" else _csv(path, lines, delimiter)
    start = 0 if format == "jsonl" else lines.offset  # a JSONL file has no header line
    layout = Layout(str(path.resolve()), format, encoding, delimiter, headers, width, start, line, size)
    return headers, rows, lambda: min(lines.offset / size, 1.0), layout


def detect_format(path: Path, sample: bytes) -> InputFormat:
    """By content where the content says (XLSX is a zip, XLS an OLE2 compound file, Parquet starts
    with PAR1), else by name."""
    if sample.startswith(XLSX_MAGIC):
        return "xlsx"
    if sample.startswith(b"PAR1"):
        return "parquet"
    if sample.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix in (".tsv", ".tab"):
        return "tsv"
    return "jsonl" if suffix not in (".csv", ".txt") and sample.lstrip()[:1] == b"{" else "csv"


def detect_encoding(sample: bytes) -> str:
    """The encoding of a file whose first `SAMPLE_BYTES` are `sample`, judged on its whole lines
    (`common.encodings`)."""
    end = sample.rfind(b"\n") if len(sample) == SAMPLE_BYTES else len(sample)  # no character cut in two
    return encodings.detect_encoding(sample[: end if end > 0 else len(sample)])


def detect_delimiter(sample: bytes, encoding: str) -> str:
    """The most frequent of , tab ; | in the first line (the header)."""
    first_line = sample.decode(encoding, "replace").lstrip("\ufeff").partition("\n")[0]
    counts = {d: first_line.count(d) for d in _DELIMITERS}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else ","


def _unique_headers(values: Sequence[Any]) -> list[str]:
    """Header names as keys: blank ones named by position, repeated ones numbered."""
    headers: list[str] = []
    for position, value in enumerate(values, start=1):
        name = (cell_text(value) or "").strip() or f"column {position}"
        headers.append(name if name not in headers else f"{name} ({headers.count(name) + 1})")
    return headers


def _split_header(path: Path, rows: RawRows) -> tuple[list[str], RawRows]:
    """The first non-blank row is the header; a file with none is empty."""
    for number, values in rows:
        if isinstance(values, RowError):
            raise InvalidInput(f"{path.name} line {number}: the header cannot be read: {values.reason}")
        if values is not None:
            if any(UNDECODABLE.search(str(v)) for v in values if v is not None):
                raise InvalidInput(
                    f"{path.name} line {number}: the header has undecodable bytes; name the encoding (--encoding)"
                )
            while values and values[-1] in (None, ""):
                values = values[:-1]
            return _unique_headers(values), rows
    raise InvalidInput(f"{path.name}: the file is empty")


def _blank(values: Sequence[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _csv(path: Path, lines: Iterable[str], delimiter: str) -> tuple[list[str], RawRows, int, int]:
    """The headers, the rows after them, the header's width in cells and the line after it."""
    rows = _CsvRows(path, lines, delimiter, 1, None)
    headers, raw = _split_header(path, iter(rows))
    return headers, raw, rows.width or 0, rows.line


class _CsvRows:
    """Rows from line `line` on; a row over several lines (a quoted cell with line breaks) must have
    `width` cells (the header's), else it is an error: a quote left open has swallowed lines."""

    def __init__(self, path: Path, lines: Iterable[str], delimiter: str, line: int, width: int | None) -> None:
        csv.field_size_limit(CSV_FIELD_LIMIT)
        self.line, self.width = line, width  # the next row's line; the header's width, once read
        self._path, self._reader = path, csv.reader(lines, delimiter=delimiter)

    def __iter__(self) -> RawRows:
        first = self.line - 1
        try:
            for values in self._reader:
                line, end = self.line, first + self._reader.line_num
                self.line = end + 1
                if _blank(values):
                    yield line, None
                elif self.width is not None and end > line and len(values) != self.width:
                    yield (
                        line,
                        RowError(
                            f"a row of {len(values)} cells over lines {line}-{end}, the header has {self.width}: "
                            f"is a quote left open on line {line}?"
                        ),
                    )
                else:
                    self.width = self.width or len(values)
                    yield line, values
        except csv.Error as exc:
            raise InvalidInput(
                f"{self._path.name} line {self.line}: not readable as CSV ({exc}); is a quote left open?"
            ) from exc


def _jsonl(path: Path, lines: Iterable[str]) -> tuple[list[str], RawRows, int, int]:
    """The columns are the keys of the first lines; every line is a row (there is no header line)."""
    objects = _json_objects(lines, 1)
    first = list(islice(objects, JSONL_HEADER_LINES))
    keys = dict.fromkeys(str(k) for _, v in first if isinstance(v, dict) for k in v)
    if not keys:
        raise InvalidInput(f"{path.name}: no JSON objects in the first {JSONL_HEADER_LINES} lines")
    return list(keys), _jsonl_values(chain(first, objects), list(keys)), 0, 1


def _jsonl_rows(lines: Iterable[str], keys: list[str], line: int) -> RawRows:
    return _jsonl_values(_json_objects(lines, line), keys)


def _json_objects(lines: Iterable[str], line: int) -> Iterator[tuple[int, dict[str, Any] | RowError | None]]:
    for number, text in enumerate(lines, start=line):
        if not text.strip():
            yield number, None
            continue
        try:
            value = json.loads(text)
        except ValueError as exc:
            yield number, RowError(f"not valid JSON: {exc}")
            continue
        yield number, value if isinstance(value, dict) else RowError("not a JSON object")


def _jsonl_values(objects: Iterator[tuple[int, dict[str, Any] | RowError | None]], keys: list[str]) -> RawRows:
    for number, value in objects:
        if isinstance(value, dict):
            values = [value.get(k) for k in keys]
            yield number, None if _blank(values) else values
        else:
            yield number, value


def _xlsx(
    path: Path, sheet: str | None, stack: ExitStack, max_cells: int
) -> tuple[list[str], RawRows, Callable[[], float]]:
    from openpyxl import load_workbook

    check_xlsx_container(path)  # before the reader unpacks anything
    try:  # from the open file: openpyxl refuses a path not named .xlsx, and the content says XLSX
        workbook = load_workbook(stack.enter_context(path.open("rb")), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged zip or workbook
        raise InvalidInput(f"{path.name}: not a readable XLSX workbook ({exc})") from exc
    stack.callback(workbook.close)
    if sheet is not None and sheet not in workbook.sheetnames:
        raise InvalidInput(f"{path.name}: no sheet {sheet!r} (have: {', '.join(workbook.sheetnames)})")
    worksheet = workbook[sheet] if sheet is not None else workbook.worksheets[0]
    position = [0]
    cells = CellCount(path, max_cells)

    def rows() -> RawRows:
        for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
            position[0] = number
            cells.add(number, len(values))
            yield number, None if _blank(values) else values

    headers, raw = _split_header(path, rows())
    total = worksheet.max_row or 0
    return headers, raw, lambda: min(position[0] / total, 1.0) if total else 0.0


def _xls(path: Path, sheet: str | None, stack: ExitStack) -> tuple[list[str], RawRows, Callable[[], float]]:
    """An old Excel workbook, read by calamine: the sheet is loaded whole, which the format bounds
    (65,536 rows of 256 columns)."""
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except CalamineError as exc:
        raise InvalidInput(f"{path.name}: not a readable Excel workbook ({exc})") from exc
    stack.callback(workbook.close)
    if sheet is not None and sheet not in workbook.sheet_names:
        raise InvalidInput(f"{path.name}: no sheet {sheet!r} (have: {', '.join(workbook.sheet_names)})")
    try:
        worksheet = workbook.get_sheet_by_name(sheet) if sheet is not None else workbook.get_sheet_by_index(0)
    except CalamineError as exc:
        raise InvalidInput(f"{path.name}: the sheet cannot be read ({exc})") from exc
    first, total = (worksheet.start or (0, 0))[0] + 1, worksheet.height
    position = [0]

    def rows() -> RawRows:
        for index, values in enumerate(worksheet.iter_rows()):
            position[0] = index + 1
            yield first + index, None if _blank(values) else values

    headers, raw = _split_header(path, rows())
    return headers, raw, lambda: min(position[0] / total, 1.0) if total else 0.0


def _parquet(path: Path, stack: ExitStack) -> tuple[list[str], RawRows, Callable[[], float], Layout]:
    parquet = _open_parquet(path, stack)
    headers, total = _unique_headers(parquet.schema_arrow.names), parquet.metadata.num_rows
    groups = parquet.metadata.num_row_groups
    rows = ParquetRows(parquet, 0, groups, 1)
    layout = Layout(str(path.resolve()), "parquet", "", "", headers, 0, 0, 1, groups)
    return headers, iter(rows), lambda: rows.number / total if total else 0.0, layout


def _open_parquet(path: Path, stack: ExitStack) -> Any:
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError ... for a damaged file
        raise InvalidInput(f"{path.name}: not a readable Parquet file ({exc})") from exc
    stack.callback(parquet.close)
    return parquet


class ParquetRows:
    """The records of row groups `start` to `stop`, numbered from `first`; `offset` is the row group
    being read (`stop` once all are)."""

    def __init__(self, parquet: Any, start: int, stop: int, first: int) -> None:
        self.offset, self.number = start, first - 1  # the last record given
        self._parquet, self._stop = parquet, stop

    def __iter__(self) -> RawRows:
        while self.offset < self._stop:
            for batch in self._parquet.iter_batches(batch_size=10_000, row_groups=[self.offset]):
                for values in zip(*(column.to_pylist() for column in batch.columns), strict=True):
                    self.number += 1
                    yield self.number, None if _blank(values) else values
            self.offset += 1
