"""A bulk run: read, map the columns, cut into chunks, match them on an executor (`bulk.engine`), commit their output
rows in input order to the journal, and make the output file when every row is in.

    summary = run_bulk(Path("catalog.csv"), Path("matched.xlsx"), settings, write_snapshot, resume=True)

`write_snapshot(path)` writes the ontology to match against (one scheme's bundle, as JSON); it is
called once, when a run starts afresh; a resumed run uses the snapshot its first run saved.
`should_stop()` is asked after every chunk: a stopped run is resumable like an interrupted one.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bulk.columns import ColumnMap, map_columns, unused_headers
from bulk.engine import executor_type, open_executor
from bulk.journal import Journal, run_folder
from bulk.readers import XLSX_MAGIC, Source, open_source
from bulk.settings import BulkSettings
from bulk.spool import spool_format, spool_header
from bulk.types import SpoolFormat, Status
from bulk.writers import output_format, write_output
from bulk.xlsx_guard import check_xlsx_container
from matchers.calibration import DEFAULT_TARGET, MIN_EXAMPLES, uncalibrated
from matchers.matcher import Matcher
from matchers.snapshot import Snapshot


@dataclass(frozen=True)
class Progress:
    rows: int  # rows in the output so far, the interrupted runs' included
    fraction: float  # of the input read, 0 to 1
    rows_per_second: float  # in this run
    eta_seconds: float | None
    counts: dict[str, int]  # rows per status so far


@dataclass(frozen=True)
class Summary:
    input: Path
    output: Path
    format: str  # the input's
    encoding: str | None
    rows: int
    counts: dict[str, int]  # rows per status
    blank_rows: int  # skipped
    seconds: float  # this run's
    rows_per_second: float  # rows matched in this run, per second of it
    resumed_rows: int = 0  # rows the interrupted runs had done
    complete: bool = True  # False when the run was stopped before the end
    columns: list[tuple[str, str]] = field(default_factory=list)  # (header, field)
    calibration: dict[str, Any] = field(default_factory=dict)  # how `auto` and `review` were decided
    unused_columns: list[str] = field(default_factory=list)  # headers the matcher did not read


def settings_path(output: Path) -> Path:
    """Where the settings, ontology and input of an output are recorded."""
    return output.with_name(output.name + ".settings.json")


def check_input(input: Path, settings: BulkSettings) -> None:
    """Fail fast, before a run: the file opens and has a product name column. Of a workbook only
    the zip container is checked here: its reader unpacks the shared strings whole, which is the
    run's work, not that of whoever submits the file (its columns are checked when the run starts)."""
    with input.open("rb") as file:
        if file.read(4) == XLSX_MAGIC:
            check_xlsx_container(input)
            return
    with open_source(input, settings.encoding, settings.sheet, settings.max_cell_chars) as source:
        map_columns(source.headers, settings.columns)


def run_bulk(
    input: Path,
    output: Path,
    settings: BulkSettings,
    write_snapshot: Callable[[Path], None],
    *,
    resume: bool = False,
    progress: Callable[[Progress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> Summary:
    started = time.monotonic()
    executor_type(settings)  # an engine that is not installed fails here, before anything is written
    out_format = output_format(output)
    spool = spool_format(out_format)
    with open_source(input, settings.encoding, settings.sheet, settings.max_cell_chars) as source:
        columns = map_columns(source.headers, settings.columns)
        header = _journal_header(input, out_format, settings)
        folder = run_folder(output)
        journal = (resume and Journal.resume(folder, header)) or Journal.start(
            folder, header, write_snapshot, spool_header(spool)
        )
        resumed_rows = journal.rows
        try:
            complete = journal.finished or _match(source, columns, journal, settings, spool, progress, should_stop)
            if complete and not journal.finished:
                journal.finish(journal.position["blank_rows"] if journal.position else source.blank_rows)
            if complete and spool == out_format:
                journal.move_spool(output)
            elif complete:
                partial = output.with_name(output.name + ".partial")
                write_output(partial, out_format, journal.spooled_rows())
                partial.replace(output)
        finally:
            journal.close()
        seconds = time.monotonic() - started
        summary = Summary(
            input=input, output=output, format=source.format, encoding=source.encoding, rows=journal.rows,
            counts={s.value: journal.counts.get(s.value, 0) for s in Status},
            blank_rows=journal.blank_rows if complete else source.blank_rows,
            seconds=seconds, rows_per_second=(journal.rows - resumed_rows) / seconds if seconds else 0.0,
            resumed_rows=resumed_rows, complete=complete, columns=columns,
            calibration=decided_by(journal.snapshot, settings),
            unused_columns=unused_headers(source.headers, columns),
        )  # fmt: skip
    if complete:
        _record_settings(summary, settings, journal.snapshot)
        journal.remove()
    return summary


def decided_by(snapshot: Path, settings: BulkSettings) -> dict[str, Any]:
    """The thresholds the run's rows were decided by: fixed ones from the settings, or the scheme's
    calibration on the examples its snapshot holds (as every worker works it out), with what they
    gave on those examples. A scheme with too few examples has no `auto`."""
    fixed = settings.match.thresholds_for(settings.scheme)
    if fixed is not None:
        return {"fixed": True, "thresholds": fixed.model_dump()}
    view = Snapshot.from_file(snapshot).scheme(settings.scheme)
    kind = settings.kind or view.default_kind
    if len(set(view.examples(kind))) < MIN_EXAMPLES:
        target = view.target_precision or DEFAULT_TARGET
        calibration = uncalibrated(settings.scheme, kind, target, len(set(view.examples(kind))))
    else:
        calibration = Matcher.from_file(snapshot, settings.match).calibration(settings.scheme, kind)
    return {"fixed": False, **asdict(calibration), "thresholds": calibration.thresholds.model_dump()}


def _match(
    source: Source,
    columns: ColumnMap,
    journal: Journal,
    settings: BulkSettings,
    spool: SpoolFormat,
    progress: Callable[[Progress], None] | None,
    should_stop: Callable[[], bool] | None,
) -> bool:
    """Match the rows after the journal's last one; False if stopped before the end."""
    started, first_rows = time.monotonic(), journal.rows
    with (
        open_executor(settings, journal.snapshot, spool) as executor,
        closing(executor.pieces(source, columns, journal.last_row, journal.position)) as pieces,
    ):  # what is in flight is cancelled before the executor closes
        for piece in pieces:
            journal.commit(piece.lines, piece.rows, piece.last_row, piece.counts, piece.position)
            if progress is not None:
                progress(_progress(journal, first_rows, piece.fraction, time.monotonic() - started))
            if should_stop is not None and should_stop():
                return False
    return True


def _progress(journal: Journal, first_rows: int, fraction: float, seconds: float) -> Progress:
    rows = journal.rows
    rate = (rows - first_rows) / seconds if seconds > 0 else 0.0
    eta = (rows / fraction - rows) / rate if fraction > 0 and rate > 0 else None
    return Progress(rows=rows, fraction=fraction, rows_per_second=rate, eta_seconds=eta, counts=dict(journal.counts))


def _journal_header(input: Path, out_format: str, settings: BulkSettings) -> dict[str, Any]:
    """What the run produces; a resumed run must produce the same."""
    stat = input.stat()
    header = {
        "input": {"name": input.name, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns},
        "output_format": out_format,
        "settings": settings.output_settings(),
    }
    return json.loads(json.dumps(header))


def _record_settings(summary: Summary, settings: BulkSettings, snapshot: Path) -> None:
    """Next to the output: everything needed to make it again."""
    data = snapshot.read_bytes()
    bundles = json.loads(data)
    bundle = bundles[0] if isinstance(bundles, list) else bundles
    record = {
        "settings": settings.model_dump(mode="json"),
        "ontology": {
            "scheme": bundle["scheme"]["code"], "version": bundle["scheme"].get("version"),
            "sha256": hashlib.sha256(data).hexdigest(),
        },
        "input": {"path": str(summary.input), "format": summary.format, "encoding": summary.encoding,
                  "columns": dict(summary.columns), "unused_columns": summary.unused_columns},
        "summary": {"rows": summary.rows, "counts": summary.counts, "blank_rows": summary.blank_rows,
                    "calibration": summary.calibration},
    }  # fmt: skip
    settings_path(summary.output).write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
