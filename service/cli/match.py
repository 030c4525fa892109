"""`cpms match INPUT [-o OUTPUT]`: match every row of a catalog file, offline from an ontology
export (`--ontology`) or against the live store. See docs/bulk.md."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bulk import BulkSettings, Summary, run_bulk
from bulk.columns import parse_overrides
from bulk.run import settings_path
from bulk.settings import invalid_settings
from bulk.snapshots import copy_scheme
from service.cli.progress_bar import ProgressBar

_SETTING_FLAGS = (
    "scheme", "kind", "encoding", "sheet", "max_cell_chars", "engine", "scheduler", "workers", "chunk_size",
)  # fmt: skip
"""Flags named as the `BulkSettings` field they set."""


def add_match_command(commands: Any) -> None:
    match = commands.add_parser("match", help="match every row of a catalog file (CSV, TSV, XLSX, JSONL, Parquet)")
    match.add_argument("input", help="the catalog: .csv, .tsv, .txt, .xlsx, .xls, .jsonl or .parquet")
    match.add_argument("-o", "--output", help="a .csv, .xlsx, .jsonl or .parquet file (default: INPUT.matched.csv)")
    match.add_argument("--ontology", help="an ontology export (cpms export) to match against; default: the live store")
    match.add_argument("--scheme", help="the scheme to match to (default CPMS)")
    match.add_argument("--kind", choices=["class", "item"], help="match to the scheme's classes or standard items")
    match.add_argument(
        "--column", action="append", default=[], metavar="FIELD=HEADER",
        help="the column holding a field (name, spec, model, material, finish, standard, brand, manufacturer, "
        "description, unit); FIELD= ignores the field",
    )  # fmt: skip
    match.add_argument("--encoding", help="of a CSV or TSV file (default: detected)")
    match.add_argument("--sheet", help="of an XLSX workbook (default: the first)")
    match.add_argument("--limit", type=int, help="candidates written per row (default 5)")
    match.add_argument("--max-cell-chars", type=int, help="a longer cell makes its row an error (default 100000)")
    match.add_argument("--engine", choices=["local", "dask"], help="local processes (default) or a Dask cluster")
    match.add_argument("--scheduler", help="the Dask scheduler's address, such as tcp://10.0.0.5:8786")
    match.add_argument("--workers", type=int, help="local worker processes (default: one per core; 0: none)")
    match.add_argument("--chunk-size", type=int, help="rows per task and per durable commit (default 1000)")
    match.add_argument("--settings", help="match as an earlier run did: its OUTPUT.settings.json")
    match.add_argument("--resume", action="store_true", help="continue an interrupted run of the same command")
    match.add_argument("--quiet", action="store_true", help="no progress bar and no summary")
    match.set_defaults(func=run_match_command)


def run_match_command(args: argparse.Namespace) -> int:
    input = Path(args.input)
    output = Path(args.output) if args.output else input.with_name(input.name + ".matched.csv")
    settings = bulk_settings(args)
    if args.ontology:
        ontology = Path(args.ontology)

        def write_snapshot(target: Path) -> None:
            copy_scheme(ontology, settings.scheme, target)

    else:

        def write_snapshot(target: Path) -> None:
            from ontology.connection import Connection
            from ontology.store import Store
            from service.jobs.ontology_snapshot import export_scheme

            with Store(Connection.from_settings()) as store:
                export_scheme(store, settings.scheme, target)

    bar = ProgressBar() if sys.stderr.isatty() and not args.quiet else None
    try:
        summary = run_bulk(input, output, settings, write_snapshot, resume=args.resume, progress=bar)
    except KeyboardInterrupt:
        print("\ninterrupted: continue with the same command and --resume", file=sys.stderr)
        raise
    finally:
        if bar is not None:
            bar.close()
    if not args.quiet:
        print(summary_text(summary))
    return 0


def bulk_settings(args: argparse.Namespace) -> BulkSettings:
    """The settings file's (if any), overridden by the flags given; every problem reported at once."""
    values: dict[str, Any] = {}
    if args.settings:
        values = json.loads(Path(args.settings).read_text(encoding="utf-8"))["settings"]
    values.update({flag: getattr(args, flag) for flag in _SETTING_FLAGS if getattr(args, flag) is not None})
    if args.column:
        values["columns"] = parse_overrides(args.column)
    if args.limit is not None:
        values["match"] = {**values.get("match", {}), "limit": args.limit}
    try:
        return BulkSettings.model_validate(values)
    except ValidationError as exc:
        raise invalid_settings(exc) from None


def summary_text(summary: Summary) -> str:
    encoding = f", {summary.encoding}" if summary.encoding else ""
    resumed = f" (after {summary.resumed_rows:,} rows done before)" if summary.resumed_rows else ""
    lines = [
        f"{summary.rows:,} rows of {summary.input.name} ({summary.format}{encoding}) in {summary.seconds:.1f} s, "
        f"{summary.rows_per_second:,.0f} rows/s{resumed}"
    ]
    for status, count in summary.counts.items():
        share = count / summary.rows if summary.rows else 0.0
        lines.append(f"  {status:<9}{count:>12,}  {share:6.1%}")
    if summary.blank_rows:
        lines.append(f"  blank rows skipped: {summary.blank_rows:,}")
    lines.append(f"  decided by: {decided_text(summary.calibration)}")
    if summary.unused_columns:
        lines.append(f"  columns not used: {', '.join(summary.unused_columns)} (name their field with --column)")
    lines.append(f"written to {summary.output} (settings in {settings_path(summary.output).name})")
    return "\n".join(lines)


def decided_text(calibration: dict) -> str:
    """The thresholds of a run in a line: fixed, or calibrated and how well, or too few examples."""
    thresholds = calibration.get("thresholds", {})
    auto, review = thresholds.get("auto"), thresholds.get("review")
    if calibration.get("fixed"):
        return f"fixed thresholds: auto {auto}, review {review}"
    examples, target = calibration.get("examples", 0), calibration.get("target")
    if not calibration.get("calibrated"):
        return (
            f"no auto: {examples} examples of the scheme cannot show {target:.0%} precision "
            f"(every candidate goes to review from {review:.0f})"
        )
    return (
        f"calibrated on {examples} examples: auto from {auto:.1f} (margin {thresholds.get('margin'):.0f}), "
        f"{calibration['auto_share']:.0%} of them auto, {calibration['auto_precision']:.1%} right "
        f"(at least {calibration['auto_precision_lower']:.1%}); review from {review:.1f}"
    )
