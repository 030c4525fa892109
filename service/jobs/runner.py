"""Bulk matching jobs in the service: submitted, run in the background, cancelled, downloaded.

One runner thread runs queued jobs one at a time, in the order they came, each with `workers`
local processes. A job matches against a snapshot of one scheme taken when it starts (from
`CPMS_ONTOLOGY_SNAPSHOT` if set, else from the live store) and kept with it. A service that stops
or dies leaves its running job resumable: the next start queues it again and it goes on where its
journal ends (see bulk/journal.py). A finished job is deleted with its files when its
submitter asks, or `retention_days` after it finished.
"""

from __future__ import annotations

import fcntl
import logging
import queue
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel, ConfigDict, ValidationError

from bulk import BulkSettings, Progress, run_bulk
from bulk.columns import parse_overrides
from bulk.run import check_input
from bulk.settings import invalid_settings
from bulk.snapshots import copy_scheme, scheme_codes
from bulk.types import OutputFormat
from common.errors import CpmsError, InvalidInput, NotFound, Unavailable
from common.settings import Settings, load_settings
from ontology.exporting import list_schemes
from ontology.store import Store
from service.auth import Principal
from service.jobs.ontology_snapshot import export_scheme
from service.jobs.review import Review
from service.jobs.store import FINISHED, Job, JobState, JobStore, now

log = logging.getLogger("cpms.jobs")
POLL_SECONDS = 2.0  # how often the runner looks on disk for jobs another server process took
SWEEP_SECONDS = 60.0  # how often finished jobs past their retention are deleted


class JobConflict(CpmsError):
    """The job is not in a state that allows this (a result before it is done, a cancel after)."""

    code = "CONFLICT"
    http_status = 409


@dataclass(frozen=True)
class JobsConfig:
    root: Path  # $CPMS_HOME/jobs
    max_upload_bytes: int
    workers: int  # local processes per job; 0 matches in the service's process
    snapshot: Path | None  # an ontology export to match against instead of the live store
    retention_days: float  # a finished job is deleted this long after it finished; 0 keeps it

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> JobsConfig:
        """The jobs section of `settings` (default: from the environment), kept under `$CPMS_HOME/jobs`."""
        settings = settings or load_settings()
        jobs = settings.jobs
        return cls(
            root=settings.home / "jobs",
            max_upload_bytes=jobs.max_upload_bytes,
            workers=jobs.job_workers,
            snapshot=jobs.ontology_snapshot,
            retention_days=jobs.job_retention_days,
        )

    def expires_at(self, job: Job) -> datetime | None:
        """When a finished job is deleted; None while it runs, or when jobs are kept."""
        if job.finished_at is None or job.state not in FINISHED or self.retention_days <= 0:
            return None
        return job.finished_at + timedelta(days=self.retention_days)


class JobOptions(BaseModel):
    """What a submitter chooses; how jobs run is the service's choice."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    scheme: str = "CPMS"
    kind: str | None = None
    limit: int | None = None  # candidates per row
    columns: list[str] = []  # FIELD=HEADER
    encoding: str | None = None
    sheet: str | None = None
    chunk_size: int | None = None
    output_format: OutputFormat = "csv"


MAX_FILENAME_CHARS = 255


def check_filename(filename: str) -> None:
    """The uploaded file's name is shown and offered back for download: printable, and not longer
    than file systems take one name."""
    if not filename.strip() or len(filename) > MAX_FILENAME_CHARS:
        raise InvalidInput(
            f"the file name must be 1 to {MAX_FILENAME_CHARS} characters; got {len(filename)}", field="filename"
        )
    if any(not c.isprintable() for c in filename):
        raise InvalidInput("the file name holds control characters", field="filename")


def job_view(job: Job, expires_at: datetime | None = None) -> dict[str, Any]:
    """A job as the API shows it (JSON over HTTP, `MatchJob` in GraphQL)."""
    return {
        "id": job.id, "filename": job.filename, "owner": job.owner, "state": job.state.value,
        "progress": job.fraction, "rows": job.rows, "rows_per_second": job.rows_per_second, "counts": job.counts,
        "blank_rows": job.blank_rows, "error": job.error, "output_format": job.output_format,
        "created_at": job.created_at.isoformat(), "started_at": job.started_at and job.started_at.isoformat(),
        "finished_at": job.finished_at and job.finished_at.isoformat(), "settings": job.settings.output_settings(),
        "result_url": f"/jobs/{job.id}/result" if job.state is JobState.done else None,
        "expires_at": expires_at and expires_at.isoformat(),
    }  # fmt: skip


def _visible(job: Job, viewer: Principal) -> bool:
    return viewer.can("admin") or (job.owner_key is not None and job.owner_key == viewer.key_id)


class Jobs:
    def __init__(self, config: JobsConfig, store: Store | None = None) -> None:
        self.config = config
        self.store = JobStore(config.root)
        self._ontology_store = store
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._cancelled: set[str] = set()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._work, name="cpms-jobs", daemon=True)
        self._sweeper = threading.Thread(target=self._sweep_regularly, name="cpms-jobs-retention", daemon=True)
        self._runner_lock: IO[str] | None = None

    def start(self) -> None:
        """Queue what a stopped or killed service left unfinished, then run jobs. With several
        server processes only the one holding the runner lock runs jobs; the others take uploads,
        which the runner finds on disk."""
        self._runner_lock = (self.config.root / "runner.lock").open("a")
        try:
            fcntl.flock(self._runner_lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._runner_lock.close()
            self._runner_lock = None
            return
        for job in self.store.all():
            if job.state not in FINISHED and job.cancel_requested:
                self.store.update(job.id, state=JobState.cancelled, finished_at=now())
            elif job.state not in FINISHED:
                self.store.update(job.id, state=JobState.queued)
                self._queue.put(job.id)
        self._thread.start()
        self._sweeper.start()

    def stop(self, timeout: float = 5.0) -> None:
        """The running job stops after its current chunk and stays resumable. A chunk that takes
        longer than `timeout` is left to the process's exit (the threads are daemons); the job
        resumes from its journal, as after a kill."""
        if self._runner_lock is None:
            return
        self._stopping.set()
        self._queue.put(None)
        deadline = time.monotonic() + timeout
        self._thread.join(timeout)
        self._sweeper.join(max(0.0, deadline - time.monotonic()))
        self._runner_lock.close()

    def submit(
        self, upload: IO[bytes], filename: str, options: Mapping[str, Any], owner: Principal | None = None
    ) -> Job:
        """Every option, the file's name and its content are checked before the job exists; a
        refused submission leaves nothing on disk."""
        check_filename(filename)
        settings, output_format = self._settings(options)
        self._check_scheme(settings.scheme)
        job = self.store.create(
            upload, filename, settings, lambda path: check_input(path, settings), output_format=output_format,
            owner=owner and owner.name, owner_key=owner and owner.key_id,
        )  # fmt: skip
        self._queue.put(job.id)
        return job

    def get(self, job_id: str, viewer: Principal | None = None) -> Job:
        """The job, if `viewer` (None: the service itself) may see it: its owner, or an admin.
        Others are told there is no such job, not that it is someone else's."""
        job = self.store.get(job_id)
        if viewer is not None and not _visible(job, viewer):
            raise NotFound(f"no job {job_id!r}")
        return job

    def all(self, viewer: Principal | None = None) -> list[Job]:
        return [job for job in self.store.all() if viewer is None or _visible(job, viewer)]

    def cancel(self, job_id: str, viewer: Principal | None = None) -> Job:
        self.get(job_id, viewer)

        def decide(job: Job) -> dict[str, Any]:
            if job.state in FINISHED:
                raise JobConflict(f"job {job_id} is already {job.state.value}")
            self._cancelled.add(job_id)
            if job.state is JobState.queued:
                return {"state": JobState.cancelled, "cancel_requested": True, "finished_at": now()}
            return {"cancel_requested": True}  # the runner stops it after the current chunk

        return self.store.transition(job_id, decide)

    def delete(self, job_id: str, viewer: Principal | None = None) -> Job:
        """A finished or queued job, with its input, output and run; a running one must be
        cancelled first."""
        self.get(job_id, viewer)

        def check(job: Job) -> None:
            if job.state is JobState.running:
                raise JobConflict(f"job {job_id} is running; cancel it, then delete it")

        return self.store.delete(job_id, check)

    def view(self, job: Job) -> dict[str, Any]:
        return job_view(job, self.config.expires_at(job))

    def sweep(self, at: datetime | None = None) -> list[str]:
        """Delete the finished jobs past their retention; their ids."""
        at = at or now()
        expired = [j.id for j in self.store.all() if (e := self.config.expires_at(j)) is not None and e <= at]
        for job_id in expired:
            try:
                self.store.delete(job_id, lambda job: None)
            except NotFound:  # deleted meanwhile
                continue
            log.info("job %s deleted: finished over %s days ago", job_id, self.config.retention_days)
        return expired

    def result(self, job_id: str, viewer: Principal | None = None) -> tuple[Path, str]:
        """The output file and the name to download it as."""
        job = self.get(job_id, viewer)
        if job.state is not JobState.done:
            raise JobConflict(f"job {job_id} is {job.state.value}; its result is there when it is done")
        return self.store.folder(job_id) / job.output_name, job.download_name

    def review(self, job_id: str, viewer: Principal | None = None) -> Review:
        """The review queue of a finished job (service/jobs/review.py)."""
        path, _ = self.result(job_id, viewer)
        return Review(self.store.folder(job_id), path, self.store.get(job_id).output_format)

    def _settings(self, options: Mapping[str, Any]) -> tuple[BulkSettings, OutputFormat]:
        try:
            chosen = JobOptions.model_validate({k: v for k, v in options.items() if v is not None})
            values = chosen.model_dump(exclude={"columns", "limit", "output_format"}, exclude_none=True)
            if chosen.columns:
                values["columns"] = parse_overrides(chosen.columns)
            if chosen.limit is not None:
                values["match"] = {"limit": chosen.limit}
            return BulkSettings.model_validate({**values, "workers": self.config.workers}), chosen.output_format
        except ValidationError as exc:
            raise invalid_settings(exc) from None

    def _check_scheme(self, scheme: str) -> None:
        if self.config.snapshot is not None:
            codes = scheme_codes(self.config.snapshot)
        elif self._ontology_store is not None:
            try:
                codes = [s["code"] for s in list_schemes(self._ontology_store)]
            except Unavailable:  # the job waits for Neo4j, queued; an unknown scheme fails it then
                return
        else:
            return  # found out when the job starts
        if scheme not in codes:
            raise InvalidInput(f"no scheme {scheme!r} to match against (have: {', '.join(codes)})", field="scheme")

    def _write_snapshot(self, scheme: str, target: Path) -> None:
        if self.config.snapshot is not None:
            copy_scheme(self.config.snapshot, scheme, target)
        elif self._ontology_store is not None:
            export_scheme(self._ontology_store, scheme, target)
        else:
            raise CpmsError("jobs have no ontology: set CPMS_ONTOLOGY_SNAPSHOT or run with the store")

    def _sweep_regularly(self) -> None:
        while True:
            try:
                self.sweep()
            except Exception:  # a failed sweep must not end the sweeps; the next one tries again
                log.exception("deleting expired jobs failed")
            if self._stopping.wait(SWEEP_SECONDS):
                return

    def _work(self) -> None:
        while not self._stopping.is_set():
            try:
                job_id = self._queue.get(timeout=POLL_SECONDS)
            except queue.Empty:  # uploads taken by another server process wait on disk
                job_id = next((j.id for j in self.store.all() if j.state is JobState.queued), None)
            if job_id is not None:
                self._run(job_id)

    def _run(self, job_id: str) -> None:
        def start(job: Job) -> dict[str, Any]:
            if job.state is not JobState.queued:
                return {}
            return {"state": JobState.running, "started_at": job.started_at or now()}

        try:
            job = self.store.transition(job_id, start)
        except NotFound:
            return  # deleted while queued
        if job.state is not JobState.running:
            return  # cancelled while queued
        folder = self.store.folder(job_id)
        settings = job.settings.model_copy(update={"workers": self.config.workers})
        try:
            summary = run_bulk(
                folder / job.input_name,
                folder / job.output_name,
                settings,
                lambda target: self._write_snapshot(settings.scheme, target),
                resume=True,
                progress=lambda p: self._progress(job_id, p),
                should_stop=lambda: self._stopping.is_set() or self._cancel_requested(job_id),
            )
        except Unavailable as exc:  # Neo4j is down: the job waits for it, queued, and is tried again
            log.warning("job %s waits for the store: %s", job_id, exc.message)
            self.store.update(job_id, state=JobState.queued)
            if not self._stopping.wait(POLL_SECONDS):
                self._queue.put(job_id)
            return
        except CpmsError as exc:
            self.store.update(job_id, state=JobState.failed, error=exc.message, finished_at=now())
            return
        except Exception as exc:
            log.exception("job %s failed", job_id)
            error = f"internal error ({type(exc).__name__})"
            self.store.update(job_id, state=JobState.failed, error=error, finished_at=now())
            return
        if summary.complete:
            self.store.update(
                job_id, state=JobState.done, rows=summary.rows, counts=summary.counts, blank_rows=summary.blank_rows,
                fraction=1.0, finished_at=now(),
            )  # fmt: skip
        elif self._cancel_requested(job_id):
            self.store.update(job_id, state=JobState.cancelled, finished_at=now())
        # else the service is stopping: the job stays `running`, and the next start resumes it

    def _cancel_requested(self, job_id: str) -> bool:
        """Asked here, or in another server process (the flag is on disk)."""
        return job_id in self._cancelled or self.store.get(job_id).cancel_requested

    def _progress(self, job_id: str, progress: Progress) -> None:
        self.store.update(
            job_id, rows=progress.rows, fraction=progress.fraction, rows_per_second=progress.rows_per_second,
            counts=progress.counts,
        )  # fmt: skip
