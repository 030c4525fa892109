"""Parts of an input that workers read by themselves, so that the process running a Dask job never
reads the catalog: byte ranges of a CSV, TSV or JSONL file, row groups of a Parquet file.

The submitting process reads the file's head only (its format, encoding, header: a `Layout`) and
cuts the rest at byte offsets (`part_bounds`). A part holds the rows that *start* before its
bound, from the first line that starts at or after its beginning; a row runs on past the bound if
it must. Its first row number comes from counting the lines of the parts before it, which the
workers do too (`count_rows`, far cheaper than reading rows). A quoted cell with line breaks can
make a part start inside a row: then the part before it ends elsewhere than this part begins,
which the submitter sees, and it reads this part again from where the one before ended. The rows
are thus those a reader from the start finds, with the same numbers.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from bulk.chunk_matcher import ChunkMatcher
from bulk.columns import ColumnMap, to_record
from bulk.dedupe import Deduper, Rows
from bulk.lines import count_lines, line_start
from bulk.readers import Layout, open_part
from bulk.spool import lines
from bulk.types import RowError

MIN_PART_BYTES = 1 << 16


@dataclass(frozen=True, slots=True)
class Part:
    start: int  # where its rows start: a line's start, or a row group
    line: int  # the row number there
    bound: int  # its rows start before this
    after_row: int = 0  # rows up to this one are done already (a resumed run): read, not matched


@dataclass(frozen=True, slots=True)
class PartResult:
    part: Part
    end: int  # where the next row starts (the bound, or past it), or the end of the file
    next_line: int  # that row's number
    lines: bytes  # the spool lines of its rows
    rows: int
    last_row: int  # the number of its last row, 0 if none
    counts: Counter[str]
    blank_rows: int


def part_bounds(layout: Layout, start: int, chunk_size: int) -> list[int]:
    """Where parts begin, from `start`, and where the last ends: text cut in pieces of about
    `chunk_size` rows (by the first rows' length), Parquet by row group."""
    if layout.format == "parquet":
        return list(range(start, layout.size + 1))
    with open(layout.path, "rb") as file:
        file.seek(start)
        sample = file.read(1 << 20)
    rows = max(sample.count(b"\n"), 1)
    step = max(int(len(sample) / rows * chunk_size), MIN_PART_BYTES)
    return [*range(start, layout.size, step), layout.size]


def count_rows(layout: Layout, at: int, bound: int) -> tuple[int, int]:
    """The part from `at`: where its rows start, and how many lines (records) start before `bound`."""
    if layout.format == "parquet":
        import pyarrow.parquet as pq

        with pq.ParquetFile(layout.path) as parquet:
            return at, sum(parquet.metadata.row_group(g).num_rows for g in range(at, bound))
    with open(layout.path, "rb") as file:
        start = at if at == layout.start else line_start(file, at)
        return start, count_lines(file, start, bound)


def match_part(matcher: ChunkMatcher, deduper: Deduper, layout: Layout, columns: ColumnMap, part: Part) -> PartResult:
    """Read the part's rows and match them, each distinct record once."""
    rows: Rows = []
    blank_rows, end, next_line = 0, part.start, part.line
    with open_part(layout, part.start, part.line, part.bound, matcher.settings.max_cell_chars) as (source, cursor):
        for number, values in source.raw_rows:
            row_start, end, next_line = end, cursor.offset, number + 1
            if row_start >= part.bound:
                end, next_line = row_start, number
                break
            if values is None:
                blank_rows += 1
            elif number > part.after_row:
                cells = values if isinstance(values, RowError) else source.cells(values)
                rows.append((number, cells if isinstance(cells, RowError) else to_record(cells, columns)))
        else:
            end = cursor.offset
    plan = deduper.split(rows)
    outcomes = deduper.join(plan, matcher.match_items(plan.items))
    data, counts = lines(matcher.spool, outcomes)
    last_row = outcomes[-1][0] if outcomes else 0
    return PartResult(part, end, next_line, data, len(outcomes), last_row, counts, blank_rows)
