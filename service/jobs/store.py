"""Bulk matching jobs on disk, so that they outlive the service: `<root>/<id>/` holds the uploaded
input, `job.json` (settings, state, progress, counts), and the run's folder and output; the
folders are the service user's alone (700, files 600). A deleted job's folder is first moved out
of sight (`<root>/.deleted/`), so that no reader sees half of it."""

from __future__ import annotations

import fcntl
import os
import shutil
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel

from bulk import BulkSettings
from bulk.types import OutputFormat
from common.errors import NotFound

JOB_FILE = "job.json"
PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600
INPUT_SUFFIXES = frozenset({".csv", ".tsv", ".tab", ".txt", ".jsonl", ".ndjson", ".xlsx", ".parquet"})
DELETED = ".deleted"


class JobState(StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"
    cancelled = "cancelled"


FINISHED = frozenset({JobState.done, JobState.failed, JobState.cancelled})


class Job(BaseModel):
    id: str
    filename: str  # as uploaded
    owner: str | None = None  # who submitted it (the API key's name)
    owner_key: str | None = None  # the id of that API key: only its holder (and admins) see the job
    settings: BulkSettings
    output_format: OutputFormat = "csv"
    state: JobState = JobState.queued
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    rows: int = 0  # rows in the output so far
    fraction: float = 0.0  # of the input read
    rows_per_second: float = 0.0
    counts: dict[str, int] = {}  # rows per status
    blank_rows: int = 0
    error: str | None = None  # why it failed
    cancel_requested: bool = False

    @property
    def input_name(self) -> str:
        """The upload's own suffix, when it is one a catalog has (the format may be read by name)."""
        suffix = Path(self.filename).suffix.lower()
        return "input" + (suffix if suffix in INPUT_SUFFIXES else "")

    @property
    def output_name(self) -> str:
        return f"result.{self.output_format}"

    @property
    def download_name(self) -> str:
        return f"{Path(self.filename).stem}.matched.{self.output_format}"


class JobStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()
        root.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
        root.chmod(PRIVATE_FOLDER)  # also a folder made before jobs were kept private

    def folder(self, job_id: str) -> Path:
        return self.root / job_id

    def create(
        self, upload: IO[bytes], filename: str, settings: BulkSettings, check: Callable[[Path], None], **fields: Any
    ) -> Job:
        """A new job, whose input `check` (given the file on disk) accepts. The job exists for the
        runner and for readers from its `job.json`, written last; whatever fails before leaves
        nothing behind."""
        job = Job(id=uuid.uuid4().hex, filename=filename, settings=settings, created_at=now(), **fields)
        folder = self.folder(job.id)
        folder.mkdir(mode=PRIVATE_FOLDER)
        try:
            with private_file(folder / job.input_name) as file:
                shutil.copyfileobj(upload, file, 1 << 20)
            check(folder / job.input_name)
            self._save(job)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return job

    def get(self, job_id: str) -> Job:
        path = self.folder(job_id) / JOB_FILE
        if not job_id.isalnum() or not path.is_file():
            raise NotFound(f"no job {job_id!r}")
        return Job.model_validate_json(path.read_bytes())

    def all(self) -> list[Job]:
        jobs = []
        for path in self.root.glob(f"*/{JOB_FILE}"):
            try:
                jobs.append(Job.model_validate_json(path.read_bytes()))
            except FileNotFoundError:  # deleted meanwhile
                continue
        return sorted(jobs, key=lambda j: j.created_at)

    def update(self, job_id: str, **changes: Any) -> Job:
        return self.transition(job_id, lambda job: changes)

    def transition(self, job_id: str, decide: Callable[[Job], dict[str, Any]]) -> Job:
        """Change the fields `decide` returns for the job as it is now: the runner and the API (in
        this or another server process) both change jobs, one at a time."""
        with self._lock, (self.root / "jobs.lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            job = self.get(job_id)
            changes = decide(job)
            if changes:
                job = job.model_copy(update=changes)
                self._save(job)
            return job

    def delete(self, job_id: str, check: Callable[[Job], None]) -> Job:
        """Delete the job and its files, if `check` (given the job as it is now) does not raise."""
        with self._lock, (self.root / "jobs.lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            job = self.get(job_id)
            check(job)
            trash = self.root / DELETED / f"{job_id}-{uuid.uuid4().hex[:8]}"
            trash.parent.mkdir(exist_ok=True)
            self.folder(job_id).replace(trash)
        shutil.rmtree(trash, ignore_errors=True)
        return job

    def _save(self, job: Job) -> None:
        path = self.folder(job.id) / JOB_FILE
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        with private_file(partial) as file:
            file.write(job.model_dump_json(indent=1).encode())
        partial.replace(path)


def private_file(path: Path) -> IO[bytes]:
    """A new file only its owner may read: uploaded catalogs are the submitters' business."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE), "wb")


def now() -> datetime:
    return datetime.now(UTC)
