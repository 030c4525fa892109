"""Durable progress of a run: `resume` continues after any interruption, kill -9 included, with no
row lost and none written twice.

A run's folder (`<output>.cpms-run/`) holds
- `ontology.json`: the snapshot the run matches against, written before anything else;
- `spool`: the output rows so far, in input order (`spool`: the output file itself for CSV and
  JSONL, JSONL for the others);
- `journal.jsonl`: a header saying what the run produces, then one commit per chunk (the last
  input row done, the rows and the spool's size after it, the counts so far, and for an engine
  whose workers read the input, where the input goes on), then an end record (with the blank rows
  skipped) once every row is in.

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

from bulk.types import OutputRow
from common.errors import InvalidInput

JOURNAL, SPOOL, SNAPSHOT = "journal.jsonl", "spool", "ontology.json"


def run_folder(output: Path) -> Path:
    return output.with_name(output.name + ".cpms-run")


class Journal:
    def __init__(
        self, folder: Path, spool_start: int, commit: dict[str, Any] | None, end: dict[str, Any] | None
    ) -> None:
        self.folder = folder
        self.last_row: int = commit["last_row"] if commit else 0  # input rows up to this one are in the spool
        self.rows: int = commit["rows"] if commit else 0
        self.counts: Counter[str] = Counter(commit["counts"] if commit else {})
        self.finished = end is not None
        self.blank_rows: int = end["blank_rows"] if end else 0
        self.position: dict[str, Any] | None = commit.get("position") if commit else None
        self._spool_bytes: int = commit["spool_bytes"] if commit else spool_start
        spool = folder / SPOOL
        self._spool: IO[bytes] | None = None if self.finished and not spool.exists() else spool.open("r+b")
        if self._spool is not None:  # else a finished run's spool was moved to the output already
            self._spool.truncate(self._spool_bytes)
            self._spool.seek(self._spool_bytes)
        self._journal: IO[bytes] = (folder / JOURNAL).open("ab")

    @property
    def snapshot(self) -> Path:
        return self.folder / SNAPSHOT

    @classmethod
    def start(
        cls, folder: Path, header: dict[str, Any], write_snapshot: Callable[[Path], None], spool_header: bytes
    ) -> Journal:
        """A new run in `folder`, replacing whatever was there; the spool starts with `spool_header`."""
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        partial = folder / (SNAPSHOT + ".partial")
        try:
            write_snapshot(partial)
        except BaseException:
            shutil.rmtree(folder)
            raise
        partial.replace(folder / SNAPSHOT)
        _write_durably(folder / SPOOL, spool_header)
        _write_durably(folder / JOURNAL, _line({**header, "spool_start": len(spool_header)}))
        _fsync_folder(folder)
        return cls(folder, len(spool_header), None, None)

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
        if "spool_start" not in records[0]:
            raise InvalidInput("cannot resume: the interrupted run was made by an older version; run without --resume")
        first = {k: v for k, v in records[0].items() if k != "spool_start"}
        if first != header:
            changed = sorted(k for k in header.keys() | first.keys() if header.get(k) != first.get(k))
            raise InvalidInput(
                f"cannot resume: the {', '.join(changed)} differ from the interrupted run's; run without --resume"
            )
        with path.open("r+b") as file:
            file.truncate(size)
        commits = [r for r in records[1:] if "last_row" in r]
        ends = [r for r in records[1:] if r.get("end")]
        return cls(folder, records[0]["spool_start"], commits[-1] if commits else None, ends[-1] if ends else None)

    def commit(
        self, lines: bytes, rows: int, last_row: int, counts: Counter[str], position: dict[str, Any] | None = None
    ) -> None:
        """`rows` more rows, encoded in `lines`, up to input row `last_row`; `position`: where an
        engine reading the input itself goes on after them."""
        assert self._spool is not None
        self._spool.write(lines)
        self._spool.flush()
        os.fsync(self._spool.fileno())
        self._spool_bytes += len(lines)
        self.rows += rows
        self.last_row, self.position = last_row, position
        self.counts.update(counts)
        record = {"last_row": last_row, "rows": self.rows, "spool_bytes": self._spool_bytes, "counts": self.counts}
        self._append({**record, "position": position} if position else record)

    def finish(self, blank_rows: int) -> None:
        self._append({"end": True, "blank_rows": blank_rows})
        self.finished, self.blank_rows = True, blank_rows

    def spooled_rows(self) -> Iterator[OutputRow]:
        """The rows of a JSONL spool."""
        with (self.folder / SPOOL).open("rb") as file:
            for line in file:
                yield json.loads(line)

    def move_spool(self, target: Path) -> None:
        """The spool becomes `target` (done already if a run was stopped right after)."""
        self.close()
        if (self.folder / SPOOL).exists():
            (self.folder / SPOOL).replace(target)

    def close(self) -> None:
        if self._spool is not None:
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
