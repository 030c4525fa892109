"""The review queue of a finished bulk job: its `review` and `no_match` rows, decided by people one
at a time, and a reviewed copy of the result with those decisions in it.

Kept in the job's folder (`review/`), so that it is shared by every server process and outlives
restarts:

- `queue.jsonl`: the rows to review, taken once from the job's result;
- `decisions.jsonl`: one line per decided row, appended and fsynced before the decision is
  reported; a row's first decision is its decision (a second one for the same row changes
  nothing and is reported as already made), so a decision is never lost nor applied twice;
- `leases.json`: which reviewer holds which row, until when. A row is handed to one reviewer at
  a time; a lease that runs out frees the row.

Every change happens under the folder's lock (a thread lock and an flock, for other processes).
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from bulk.outputs import read_output, write_rows
from bulk.types import OutputFormat
from common.errors import CpmsError, InvalidInput

REVIEW_STATUSES = ("review", "no_match")
LEASE_SECONDS = 300.0
MAX_CHOICE = 5  # candidates a reviewer picks from by key
_THREAD_LOCKS: dict[Path, threading.Lock] = {}
_THREAD_LOCKS_GUARD = threading.Lock()


class RowTaken(CpmsError):
    """Another reviewer holds the row."""

    code = "CONFLICT"
    http_status = 409


@dataclass(frozen=True)
class Reviewer:
    id: str  # holds leases: one API key, however many browser tabs
    name: str  # named in the reviewed output


class ReviewRow(BaseModel):
    row: int
    status: str
    input: str
    text: str
    score: float | None
    candidates: list[dict[str, Any]]
    values: dict[str, Any]


class Decision(BaseModel):
    row: int
    choice: int | None  # 1-based candidate, None: no candidate fits
    code: str | None
    label: str | None
    score: float | None
    reviewer: str
    at: str


class Review:
    def __init__(self, job_folder: Path, result: Path, output_format: OutputFormat) -> None:
        self.folder = job_folder / "review"
        self.result = result
        self.output_format = output_format

    # -- reading

    def rows(self) -> list[ReviewRow]:
        self._ensure_queue()
        with (self.folder / "queue.jsonl").open(encoding="utf-8") as file:
            return [ReviewRow.model_validate_json(text) for text in file if text.strip()]

    def decisions(self) -> dict[int, Decision]:
        path = self.folder / "decisions.jsonl"
        if not path.exists():
            return {}
        decided: dict[int, Decision] = {}
        with path.open(encoding="utf-8") as file:
            for text in file:
                if not text.endswith("\n"):
                    break  # cut by a crash; truncated before the next append
                decision = Decision.model_validate_json(text)
                decided.setdefault(decision.row, decision)
        return decided

    def progress(self) -> tuple[int, int]:
        """Rows decided, rows to review."""
        return len(self.decisions()), len(self.rows())

    # -- handing out rows

    def next_row(self, reviewer: Reviewer, after: int = 0) -> ReviewRow | None:
        """The first undecided row after `after` (then from the start) that no other reviewer
        holds, leased to `reviewer`; the reviewer's other leases are given up."""
        with self._locked():
            rows, decided, leases = self.rows(), self.decisions(), self._leases()
            leases = {row: lease for row, lease in leases.items() if lease[0] != reviewer.id}
            free = [r for r in rows if r.row not in decided and r.row not in leases]
            chosen = next((r for r in free if r.row > after), free[0] if free else None)
            if chosen is not None:
                leases[chosen.row] = (reviewer.id, time.time() + LEASE_SECONDS)
            self._save_leases(leases)
            return chosen

    def row(self, number: int) -> ReviewRow:
        found = next((r for r in self.rows() if r.row == number), None)
        if found is None:
            raise InvalidInput(f"row {number} is not in this job's review queue", field="row")
        return found

    # -- deciding

    def decide(self, number: int, choice: int | None, reviewer: Reviewer) -> tuple[Decision, bool]:
        """Record the decision on row `number`; (the row's decision, whether it is new). A row
        another reviewer holds is refused."""
        with self._locked():
            decided = self.decisions()
            if number in decided:
                return decided[number], False
            leases = self._leases()
            holder = leases.get(number)
            if holder is not None and holder[0] != reviewer.id:
                raise RowTaken(f"row {number} is being reviewed by someone else", row=number)
            decision = self._decision(self.row(number), choice, reviewer)
            self._append([decision])
            leases.pop(number, None)
            self._save_leases(leases)
            return decision, True

    def accept_above(self, min_score: float, reviewer: Reviewer, limit: int = 500) -> list[Decision]:
        """Up to `limit` undecided rows no other reviewer holds whose top candidate scores at
        least `min_score`: decided for that candidate, in one durable append."""
        with self._locked():
            decided, leases = self.decisions(), self._leases()
            chosen = [
                self._decision(r, 1, reviewer)
                for r in self.rows()
                if r.row not in decided
                and r.candidates
                and r.candidates[0]["score"] >= min_score
                and (r.row not in leases or leases[r.row][0] == reviewer.id)
            ][:limit]
            self._append(chosen)
            self._save_leases({row: lease for row, lease in leases.items() if lease[0] != reviewer.id})
            return chosen

    def reviewed_rows(self) -> Iterator[dict[str, Any]]:
        """The job's result with the decisions in it: a picked candidate becomes the row's code
        (status `confirmed`), a row with no fitting candidate becomes `no_match`; the reason names
        the reviewer."""
        decided = self.decisions()
        return (_reviewed(row, decided.get(row["row"])) for row in read_output(self.result))

    def write_reviewed(self, target: Path) -> None:
        """The reviewed rows (`reviewed_rows`) as a file in the job's output format."""
        write_rows(target, self.output_format, self.reviewed_rows())

    # -- internals

    @staticmethod
    def _decision(row: ReviewRow, choice: int | None, reviewer: Reviewer) -> Decision:
        if choice is not None and not 1 <= choice <= min(len(row.candidates), MAX_CHOICE):
            raise InvalidInput(f"row {row.row} has no candidate {choice}", field="choice")
        picked = row.candidates[choice - 1] if choice is not None else {}
        return Decision(
            row=row.row, choice=choice, code=picked.get("code"), label=picked.get("label"),
            score=picked.get("score"), reviewer=reviewer.name, at=datetime.now(UTC).isoformat(timespec="seconds"),
        )  # fmt: skip

    def _ensure_queue(self) -> None:
        path = self.folder / "queue.jsonl"
        if path.exists():
            return
        with self._locked():
            if path.exists():
                return
            partial = path.with_suffix(".partial")
            with partial.open("w", encoding="utf-8") as file:
                for row in read_output(self.result):
                    if row["status"] in REVIEW_STATUSES:
                        file.write(ReviewRow.model_validate(row).model_dump_json() + "\n")
                file.flush()
                os.fsync(file.fileno())
            partial.replace(path)

    def _append(self, decisions: list[Decision]) -> None:
        if not decisions:
            return
        path = self.folder / "decisions.jsonl"
        with path.open("ab+") as file:
            file.seek(0, os.SEEK_END)
            size = file.tell()
            if size:  # a line cut by a crash is dropped before the next one is written
                file.seek(0)
                data = file.read()
                whole = data.rfind(b"\n") + 1
                if whole != size:
                    file.truncate(whole)
            file.write(b"".join(d.model_dump_json().encode() + b"\n" for d in decisions))
            file.flush()
            os.fsync(file.fileno())

    def _leases(self) -> dict[int, tuple[str, float]]:
        path = self.folder / "leases.json"
        if not path.exists():
            return {}
        now = time.time()
        raw = json.loads(path.read_text(encoding="utf-8"))
        return {int(row): (who, until) for row, (who, until) in raw.items() if until > now}

    def _save_leases(self, leases: dict[int, tuple[str, float]]) -> None:
        path = self.folder / "leases.json"
        partial = path.with_suffix(".partial")
        partial.write_text(json.dumps({str(k): list(v) for k, v in leases.items()}), encoding="utf-8")
        partial.replace(path)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.folder.mkdir(exist_ok=True)
        with _THREAD_LOCKS_GUARD:
            thread_lock = _THREAD_LOCKS.setdefault(self.folder, threading.Lock())
        if getattr(_HELD, "folder", None) == self.folder:
            yield  # already held by this thread (rows() inside decide())
            return
        with thread_lock, (self.folder / "lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            _HELD.folder = self.folder
            try:
                yield
            finally:
                _HELD.folder = None


_HELD = threading.local()


def _reviewed(row: dict[str, Any], decision: Decision | None) -> dict[str, Any]:
    if decision is None:
        return row
    if decision.choice is None:
        return {**row, "status": "no_match", "reason": f"reviewed by {decision.reviewer}: no candidate fits",
                "code": "", "label": "", "score": None}  # fmt: skip
    return {**row, "status": "confirmed", "reason": f"reviewed by {decision.reviewer}: candidate {decision.choice}",
            "code": decision.code, "label": decision.label, "score": decision.score}  # fmt: skip
