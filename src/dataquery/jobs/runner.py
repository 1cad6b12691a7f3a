"""An in-process job runner: long work (uploads, deploys, exports) runs in a small thread pool.

`submit(app, kind, owner, work)` records a `queued` job in `dq_jobs` and runs `work(progress)` on
one of two worker threads. The runner writes the job's status, progress, message, result or error
in short transactions of its own, so the UI can poll `GET /api/v1/jobs/{id}` while the work runs.

Jobs live in this process: one the server did not finish (it stopped or crashed) is marked failed
when the next one starts, because nothing will ever finish it.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from dataquery.core.db import utcnow
from dataquery.core.errors import DQError
from dataquery.core.handlers import domain_error_body
from dataquery.core.logging import get_logger
from dataquery.jobs.models import Job

log = get_logger(__name__)
_create_lock = threading.Lock()

MAX_WORKERS = 2
INTERRUPTED = "interrupted by a restart"
# Progress is written at most this often (seconds), plus at every message change.
_PROGRESS_INTERVAL = 0.25
_MESSAGE_LENGTH = 500


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class ProgressReporter:
    """Given to the work: `progress(0.4, "validating")` records how far it got (0–1)."""

    def __init__(self, runner: JobRunner, job_id: str) -> None:
        self.job_id = job_id
        self._runner = runner
        self._last_write = 0.0
        self._last: tuple[float, str | None] = (0.0, None)

    def __call__(self, fraction: float, message: str | None = None) -> None:
        fraction = min(max(float(fraction), 0.0), 1.0)
        now = time.monotonic()
        if message == self._last[1] and now - self._last_write < _PROGRESS_INTERVAL:
            return
        self._last_write = now
        self._last = (fraction, message)
        self._runner._update(self.job_id, progress=fraction, message=_clip(message))


JobWork = Callable[[ProgressReporter], Any]


class JobRunner:
    def __init__(self, factory: sessionmaker[Session], max_workers: int = MAX_WORKERS) -> None:
        self._factory = factory
        self._executor = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="dq-job")
        self._lock = threading.Lock()
        self._closed = False

    def submit(self, kind: str, owner: str | None, work: JobWork) -> Job:
        job = Job(
            id=uuid.uuid4().hex,
            kind=kind,
            status=JobStatus.QUEUED.value,
            progress=0.0,
            owner=owner,
            created_at=utcnow(),
        )
        with self._factory.begin() as db:
            db.add(job)
        with self._lock:
            if self._closed:
                self._finish(job.id, JobStatus.FAILED, error="the server is shutting down")
            else:
                self._executor.submit(self._run, job.id, work)
        return job

    def recover_interrupted(self) -> int:
        """Mark jobs a previous process left queued or running as failed; returns how many."""
        with self._factory.begin() as db:
            result = db.execute(
                sa.update(Job)
                .where(Job.status.in_([JobStatus.QUEUED.value, JobStatus.RUNNING.value]))
                .values(status=JobStatus.FAILED.value, error=INTERRUPTED, finished_at=utcnow())
            )
        count = int(getattr(result, "rowcount", 0) or 0)
        if count:
            log.warning("jobs interrupted by a restart", count=count)
        return count

    def shutdown(self) -> None:
        """Let running jobs finish; jobs still queued are marked failed."""
        with self._lock:
            self._closed = True
        self._executor.shutdown(wait=True, cancel_futures=True)
        try:
            self._fail_queued()
        except Exception:  # the warehouse may be gone; the next start marks them anyway
            log.exception("could not mark queued jobs as failed")

    def _fail_queued(self) -> None:
        with self._factory.begin() as db:
            db.execute(
                sa.update(Job)
                .where(Job.status == JobStatus.QUEUED.value)
                .values(
                    status=JobStatus.FAILED.value,
                    error="cancelled: the server stopped",
                    finished_at=utcnow(),
                )
            )

    # --- inside the worker thread ----------------------------------------------------------

    def _run(self, job_id: str, work: JobWork) -> None:
        try:
            self._update(
                job_id, status=JobStatus.RUNNING.value, started_at=utcnow(), message="started"
            )
            result = work(ProgressReporter(self, job_id))
        except DQError as exc:
            body = domain_error_body(exc)
            self._finish(job_id, JobStatus.FAILED, error=exc.detail, result=body)
        except Exception as exc:
            log.exception("job failed", job_id=job_id)
            self._finish(
                job_id,
                JobStatus.FAILED,
                error=f"the job failed unexpectedly ({type(exc).__name__}); it has been logged",
            )
        else:
            self._finish(job_id, JobStatus.SUCCEEDED, result=result)

    def _finish(
        self, job_id: str, status: JobStatus, *, error: str | None = None, result: Any = None
    ) -> None:
        values: dict[str, Any] = {
            "status": status.value,
            "finished_at": utcnow(),
            "error": error,
            "result": result,
            "message": "done" if status is JobStatus.SUCCEEDED else "failed",
        }
        if status is JobStatus.SUCCEEDED:
            values["progress"] = 1.0
        self._update(job_id, **values)

    def _update(self, job_id: str, **values: Any) -> None:
        try:
            with self._factory.begin() as db:
                job = db.get(Job, job_id)
                if job is not None:
                    for name, value in values.items():
                        setattr(job, name, value)
        except Exception:  # a failed progress write must not kill the work
            log.exception("could not record job state", job_id=job_id)


def _clip(message: str | None) -> str | None:
    return None if message is None else message[:_MESSAGE_LENGTH]


def get_runner(app: FastAPI) -> JobRunner:
    """The app's runner, created on first use (the jobs router's lifespan also creates it)."""
    with _create_lock:
        runner: JobRunner | None = getattr(app.state, "job_runner", None)
        if runner is None:
            runner = JobRunner(app.state.sessionmaker)
            app.state.job_runner = runner
        return runner


def submit(app: FastAPI, kind: str, owner: str | None, work: JobWork) -> Job:
    """Queue `work` as a job of this app; returns the job as recorded (status `queued`)."""
    return get_runner(app).submit(kind, owner, work)
