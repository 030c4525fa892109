"""Registrations of bulk jobs' results, run in threads of their own: 100,000 rows take minutes,
longer than a request may run. Each one's record is kept beside its job (`registration.json`),
so that its outcome outlives the request that started it and a restart of the service.

A registration is all or nothing (ontology/registry/products.py). One that a stop or a crash
interrupted is found at the next start, by its record (still `running`, written by a process that
is gone): what it staged is removed, the firm is free at once, and the record says to register
again.
"""

from __future__ import annotations

import logging
import os
import threading
import uuid
from concurrent.futures import Future
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel

from common.errors import CpmsError
from ontology.editing import Edit
from ontology.registry.products import RegistrationRefused, RowRefusal, abandon_registration
from ontology.store import Store
from service.auth import Principal
from service.jobs.runner import JobConflict, Jobs
from service.jobs.store import now, private_file
from service.registry.registration import RegistrationOptions, register_job

log = logging.getLogger("cpms.registry")
RECORD = "registration.json"
PROCESS = uuid.uuid4().hex
"""This run of the service process: a record of a pid can be of an earlier process of that pid."""
THREADS = 2
"""Registrations running at once; more wait their turn (a small one is not held behind a large
one while a thread is free)."""


class RegistrationFailed(CpmsError):
    """A registration that ended in an error, as its record tells it."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


class RegistrationState(StrEnum):
    running = "running"
    done = "done"
    refused = "refused"  # rows at fault, each named; nothing registered
    failed = "failed"  # an error (the store, a conflict, a stop); nothing registered


class JobRegistrationRecord(BaseModel):
    job_id: str
    id: str  # what its staged products are tagged with
    firm: str
    by: str
    state: RegistrationState
    started_at: datetime
    finished_at: datetime | None = None
    pid: int  # the service process that runs it
    process: str  # and which run of it (PROCESS)
    created: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    skipped: list[int] = []
    refused: list[RowRefusal] = []
    error: str | None = None
    error_code: str | None = None


class JobRegistrations:
    def __init__(self, store: Store, jobs: Jobs) -> None:
        self.store = store
        self.jobs = jobs
        self._slots = threading.BoundedSemaphore(THREADS)
        self._lock = threading.RLock()  # start and _current both take it, start through _current
        self._running: dict[str, Future[JobRegistrationRecord]] = {}

    def start(
        self, job_id: str, viewer: Principal, firm: str, options: RegistrationOptions, edit: Edit
    ) -> Future[JobRegistrationRecord]:
        """Register the job's reviewed rows as `firm`'s drafts, in the background; refused with
        CONFLICT while the job's rows are being registered."""
        self.jobs.review(job_id, viewer)  # the caller's finished job, or NotFound / CONFLICT now
        with self._lock:
            current = None if job_id in self._running else self._current(job_id)
            if job_id in self._running or (current and current.state is RegistrationState.running):
                raise JobConflict(
                    f"任务 {job_id} 的行正在登记中 / the rows of job {job_id} are being registered: ask "
                    "jobRegistration for the outcome"
                )
            record = JobRegistrationRecord(job_id=job_id, id=uuid.uuid4().hex, firm=firm, by=viewer.name,
                                           state=RegistrationState.running, started_at=now(), pid=os.getpid(),
                                           process=PROCESS)  # fmt: skip
            self._save(record)
            future: Future[JobRegistrationRecord] = Future()
            self._running[job_id] = future
        work = threading.Thread(
            target=self._run, args=(record, viewer, options, edit, future), name="cpms-registration", daemon=True
        )
        work.start()
        return future

    def get(self, job_id: str, viewer: Principal) -> JobRegistrationRecord | None:
        """The job's last registration, if it had one (the job must be the viewer's)."""
        self.jobs.get(job_id, viewer)
        return self._current(job_id)

    def recover(self) -> None:
        """At the start of the service: the registrations a stop or crash interrupted recovered
        (a store that is down leaves them to the first look at each)."""
        for job in self.jobs.all():
            try:
                self._current(job.id)
            except CpmsError as exc:
                log.warning("registration of job %s not recovered yet: %s", job.id, exc.message)

    def _current(self, job_id: str) -> JobRegistrationRecord | None:
        """The job's record; an interrupted one first recovered: what it staged removed, the firm
        free again, the record failed."""
        record = self._read(job_id)
        if record is None or record.state is not RegistrationState.running or self._alive(record):
            return record
        with self._lock:  # read again: a registration of this process may have ended meanwhile
            record = self._read(job_id)
            if record is None or record.state is not RegistrationState.running or self._alive(record):
                return record
            abandon_registration(self.store, record.firm, record.id)
            record = record.model_copy(update={
                "state": RegistrationState.failed, "finished_at": now(), "error_code": "INTERRUPTED",
                "error": "登记因服务停止而中断，未登记任何产品，请重新登记 / the registration was interrupted when "
                "the service stopped; nothing was registered: register again",
            })  # fmt: skip
            self._save(record)
        log.warning("registration of job %s was interrupted; what it staged is removed", job_id)
        return record

    def _run(
        self,
        record: JobRegistrationRecord,
        viewer: Principal,
        options: RegistrationOptions,
        edit: Edit,
        future: Future[JobRegistrationRecord],
    ) -> None:
        with self._slots:
            try:
                done = register_job(self.store, self.jobs, record.job_id, viewer, record.firm, options, edit, record.id)
                registration = done.registration
                outcome = {"state": RegistrationState.done, "created": registration.created,
                           "updated": registration.updated, "unchanged": registration.unchanged,
                           "skipped": done.skipped}  # fmt: skip
            except RegistrationRefused as exc:
                outcome = {"state": RegistrationState.refused, "refused": exc.refusals, "error": exc.message,
                           "error_code": exc.code}  # fmt: skip
            except CpmsError as exc:
                outcome = {"state": RegistrationState.failed, "error": exc.message, "error_code": exc.code}
            except Exception:
                log.exception("registration of job %s failed", record.job_id)
                failed = "登记失败，未登记任何产品 / the registration failed; nothing was registered"
                outcome = {"state": RegistrationState.failed, "error_code": "INTERNAL", "error": failed}
        finished = record.model_copy(update={**outcome, "finished_at": now()})
        with self._lock:
            try:
                self._save(finished)
            except OSError as exc:  # the job was deleted meanwhile
                log.warning("registration of job %s ended %s; its record was not kept: %s", record.job_id,
                            finished.state.value, exc)  # fmt: skip
            finally:
                del self._running[record.job_id]
        future.set_result(finished)

    def _read(self, job_id: str) -> JobRegistrationRecord | None:
        path = self.jobs.store.folder(job_id) / RECORD
        try:
            return JobRegistrationRecord.model_validate_json(path.read_bytes())
        except FileNotFoundError:
            return None

    def _save(self, record: JobRegistrationRecord) -> None:
        path = self.jobs.store.folder(record.job_id) / RECORD
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        with private_file(partial) as file:
            file.write(record.model_dump_json().encode())
        partial.replace(path)

    def _alive(self, record: JobRegistrationRecord) -> bool:
        """Whether the process that runs `record` still runs it."""
        if record.process == PROCESS:
            return record.job_id in self._running
        return _process_alive(record.pid)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True
