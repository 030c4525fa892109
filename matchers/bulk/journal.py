"""Durable progress of a run: `resume` continues after any interruption, kill -9 included, with no
row lost and none written twice.

A run's folder (`<output>.cpms-run/`) holds
- `ontology.json`: the snapshot the run matches against, written before anything else;
- `spool.jsonl`: the output rows so far, in input order;
- `journal.jsonl`: a header saying what the run produces, then one commit per chunk (the last
  input row done, the rows and the spool's size after it, the counts so far), then an end record
  (with the blank rows skipped) once every row is in.

A commit is appended only after the spool is flushed and fsync'd, and is fsync'd itself: what the
journal says is in the spool. Resuming cuts the spool back to the last commit's size (dropping a
chunk written but not committed) and the journal to its last whole line, then goes on after the
last committed row. The output file is made from the spool when every row is in.
"""

from __future__ import annotations

import json
import os
import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from matchers.bulk.types import OutputRow
from ontology.errors import InvalidInput

JOURNAL, SPOOL, SNAPSHOT = "journal.jsonl", "spool.jsonl", "ontology.json"


def run_folder(output: Path) -> Path:
    return output.with_name(output.name + ".cpms-run")


class Journal:
    def __init__(self, folder: Path, commit: dict[str, Any] | None, end: dict[str, Any] | None) -> None:
        self.folder = folder
        self.last_row: int = commit["last_row"] if commit else 0  # input rows up to this one are in the spool
        self.rows: int = commit["rows"] if commit else 0
        self.counts: Counter[str] = Counter(commit["counts"] if commit else {})
        self.finished = end is not None
        self.blank_rows: int = end["blank_rows"] if end else 0
        self._spool_bytes: int = commit["spool_bytes"] if commit else 0
        self._spool: IO[bytes] = (folder / SPOOL).open("r+b")
        self._spool.truncate(self._spool_bytes)
        self._spool.seek(self._spool_bytes)
        self._journal: IO[bytes] = (folder / JOURNAL).open("ab")

    @property
    def snapshot(self) -> Path:
        return self.folder / SNAPSHOT

    @classmethod
    def start(cls, folder: Path, header: dict[str, Any], write_snapshot: Callable[[Path], None]) -> Journal:
        """A new run in `folder`, replacing whatever was there."""
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        partial = folder / (SNAPSHOT + ".partial")
        try:
            write_snapshot(partial)
        except BaseException:
            shutil.rmtree(folder)
            raise
        partial.replace(folder / SNAPSHOT)
        (folder / SPOOL).touch()
        _write_durably(folder / JOURNAL, _line(header))
        _fsync_folder(folder)
        return cls(folder, None, None)

    @classmethod
    def resume(cls, folder: Path, header: dict[str, Any]) -> Journal | None:
        """The interrupted run in `folder`, or None when there is none; a run that made something
        else (other settings, another input) cannot be resumed."""
        path = folder / JOURNAL
        if not path.exists():
            return None
        records, size = _whole_records(path.read_bytes())
        if not records:
            return None
        if records[0] != header:
            changed = sorted(k for k in header.keys() | records[0].keys() if header.get(k) != records[0].get(k))
            raise InvalidInput(
                f"cannot resume: the {', '.join(changed)} differ from the interrupted run's; run without --resume"
            )
        with path.open("r+b") as file:
            file.truncate(size)
        commits = [r for r in records[1:] if "last_row" in r]
        ends = [r for r in records[1:] if r.get("end")]
        return cls(folder, commits[-1] if commits else None, ends[-1] if ends else None)

    def commit(self, rows: list[OutputRow], last_row: int) -> None:
        data = b"".join(_line(row) for row in rows)
        self._spool.write(data)
        self._spool.flush()
        os.fsync(self._spool.fileno())
        self._spool_bytes += len(data)
        self.rows += len(rows)
        self.last_row = last_row
        self.counts.update(row["status"] for row in rows)
        record = {"last_row": last_row, "rows": self.rows, "spool_bytes": self._spool_bytes, "counts": self.counts}
        self._append(record)

    def finish(self, blank_rows: int) -> None:
        self._append({"end": True, "blank_rows": blank_rows})
        self.finished, self.blank_rows = True, blank_rows

    def spooled_rows(self) -> Iterator[OutputRow]:
        with (self.folder / SPOOL).open("rb") as file:
            for line in file:
                yield json.loads(line)

    def close(self) -> None:
        self._spool.close()
        self._journal.close()

    def remove(self) -> None:
        self.close()
        shutil.rmtree(self.folder)

    def _append(self, record: dict[str, Any]) -> None:
        self._journal.write(_line(record))
        self._journal.flush()
        os.fsync(self._journal.fileno())


def _line(record: dict[str, Any]) -> bytes:
    return json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n"


def _whole_records(data: bytes) -> tuple[list[dict[str, Any]], int]:
    """The records of the journal's whole lines, and their size: a line cut by a kill is not one."""
    records, size = [], 0
    for line in data.splitlines(keepends=True):
        if not line.endswith(b"\n"):
            break
        try:
            records.append(json.loads(line))
        except ValueError:
            break
        size += len(line)
    return records, size


def _write_durably(path: Path, data: bytes) -> None:
    with path.open("wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())


def _fsync_folder(folder: Path) -> None:
    """So that the new files' names survive a power cut, not only their contents."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
