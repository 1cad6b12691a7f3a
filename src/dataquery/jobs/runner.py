"""An in-process job runner: long work (uploads, deploys, exports) runs in a small thread pool.

`runner.submit(kind, owner, work)` records a `queued` job in `dq_jobs` and runs `work(progress)` on
one of two worker threads. The runner writes the job's status, stage, result or error in short
transactions of its own, so the UI can poll `GET /api/v1/jobs/{id}` while the work runs.

`runner.submit_in_session(kind, owner, work, audit=...)` is what a domain uses: the runner owns
the job's session, its commit, its audit row and its progress; `work(db, progress)` only flushes.
Routers get the runner through the `Runner` dependency, so no domain module touches FastAPI or
`app.state`.

`runner.on_finish(listener)` is told of every job that ended (`JobOutcome`, after its work's
commit or rollback, in the worker thread): mail and JIRA hang there, registered by the app, so
no domain's job needs to know of them. A listener that raises is logged and never fails the job.

Jobs live in this process: one the server did not finish (it stopped or crashed) is marked failed
when the next one starts, because nothing will ever finish it.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import Depends, FastAPI, Request
from sqlalchemy.orm import Session, sessionmaker

from dataquery.audit.models import AuditEntry
from dataquery.core import metrics
from dataquery.core.db import utcnow
from dataquery.core.errors import Conflict, DQError
from dataquery.core.handlers import domain_error_body
from dataquery.core.logging import get_logger
from dataquery.jobs.models import Job, encode_stage

log = get_logger(__name__)
_create_lock = threading.Lock()

MAX_WORKERS = 2
INTERRUPTED = "interrupted by a restart"
# Progress is written at most this often (seconds), plus at every message change.
_PROGRESS_INTERVAL = 0.25


class _JobFailed(Exception):
    """The work failed and the job row says so: for the metrics and listeners of `_run`
    (args: the job's result body and error)."""


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class ProgressReporter:
    """Given to the work: `progress("job.stage.read", 3, 10)` records the stage it is in and how
    much of it is done (the shared `core.progress.Progress` signature)."""

    def __init__(self, runner: JobRunner, job_id: str) -> None:
        self.job_id = job_id
        self._runner = runner
        self._last_write = 0.0
        self._last_code: str | None = None

    def __call__(self, stage_code: str, done: int | None = None, total: int | None = None) -> None:
        now = time.monotonic()
        if stage_code == self._last_code and now - self._last_write < _PROGRESS_INTERVAL:
            return
        self._last_write = now
        self._last_code = stage_code
        values: dict[str, Any] = {"message": encode_stage(stage_code, done, total)}
        if done is not None and total:
            values["progress"] = min(max(done / total, 0.0), 1.0)
        self._runner._update(self.job_id, **values)


@dataclass(frozen=True)
class JobOutcome:
    """A job that ended, for the `on_finish` listeners. `context` is what the submitter gave
    (e.g. the campaign code, the file name): kept in memory, not in dq_jobs."""

    job_id: str
    kind: str
    owner: str | None
    status: JobStatus
    result: Any = None
    error: str | None = None
    context: dict[str, Any] = field(default_factory=dict)


JobListener = Callable[[JobOutcome], None]
JobWork = Callable[[ProgressReporter], Any]
SessionWork = Callable[[Session, ProgressReporter], dict[str, Any]]


@dataclass(frozen=True)
class JobAudit:
    """The audit row a job leaves (the request that started it has its own, with the 202)."""

    username: str
    action: str
    target: str

    def entry(self, outcome: str, summary: dict[str, Any]) -> AuditEntry:
        return AuditEntry(
            id=str(uuid.uuid4()),
            occurred_at=utcnow(),
            username=self.username,
            action=self.action,
            target=self.target,
            outcome=outcome,
            summary=summary,
        )


class JobRunner:
    def __init__(self, factory: sessionmaker[Session], max_workers: int = MAX_WORKERS) -> None:
        self._factory = factory
        self._executor = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="dq-job")
        self._lock = threading.Lock()
        self._closed = False
        # Keys of work that runs once at a time in this process → the job holding it ("" while
        # it is being submitted).
        self._held: dict[str, str] = {}
        self._listeners: list[JobListener] = []

    def on_finish(self, listener: JobListener) -> None:
        """Call `listener(outcome)` when a job ends (succeeded or failed)."""
        self._listeners.append(listener)

    def submit(
        self,
        kind: str,
        owner: str | None,
        work: JobWork,
        context: dict[str, Any] | None = None,
    ) -> Job:
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
                self._executor.submit(self._run, job.id, work, kind, owner, context or {})
        return job

    def submit_in_session(
        self,
        kind: str,
        owner: str | None,
        work: SessionWork,
        *,
        audit: JobAudit | None = None,
        exclusive: str | None = None,
        busy: Callable[[str], DQError] | None = None,
        context: dict[str, Any] | None = None,
    ) -> Job:
        """Run `work(db, progress)` in a session of the job's own, committed when it returns.

        Its audit row is written in that same transaction on success, and in one of its own on
        failure; an audit row that cannot be written fails the job (who did what must never be
        lost silently). `exclusive`: a key held while the job is queued or running; another
        submit with it raises `busy(holding_job_id)` (default: a Conflict).
        """
        if exclusive is not None:
            self.hold(exclusive, busy)

        def run(progress: ProgressReporter) -> dict[str, Any]:
            try:
                with self._factory() as db:
                    try:
                        result = work(db, progress)
                        if audit is not None:
                            db.add(audit.entry("success", result))
                        db.commit()
                    except BaseException as exc:
                        db.rollback()
                        if audit is not None:
                            self._audit_failure(audit, exc)
                        raise
                return result
            finally:
                if exclusive is not None:
                    self.release(exclusive)

        try:
            job = self.submit(kind, owner, run, context)
        except BaseException:
            if exclusive is not None:
                self.release(exclusive)
            raise
        if exclusive is not None:
            with self._lock:
                # Unless the job already ended (and released it) and someone else holds it now.
                if self._held.get(exclusive) == "":
                    self._held[exclusive] = job.id
        return job

    def hold(self, key: str, busy: Callable[[str], DQError] | None = None) -> None:
        """Claim `key` for one piece of work at a time in this process, until `release(key)`."""
        with self._lock:
            if key in self._held:
                holder = self._held[key]
                raise (
                    busy(holder)
                    if busy
                    else Conflict(
                        f"{key} is running (job {holder})",
                        code="job.busy",
                        params={"key": key, "job_id": holder},
                    )
                )
            self._held[key] = ""

    def release(self, key: str) -> None:
        with self._lock:
            self._held.pop(key, None)

    def _audit_failure(self, audit: JobAudit, exc: BaseException) -> None:
        detail = getattr(exc, "detail", None) or _first_line(exc)
        with self._factory.begin() as db:
            db.add(audit.entry("failure", {"error": str(detail)[:500]}))

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

    def _run(
        self,
        job_id: str,
        work: JobWork,
        kind: str = "job",
        owner: str | None = None,
        context: dict[str, Any] | None = None,
    ) -> None:
        started = time.monotonic()
        status = JobStatus.FAILED
        outcome: dict[str, Any] = {}
        try:
            outcome["result"] = self._run_work(job_id, work)
            status = JobStatus.SUCCEEDED
        except _JobFailed as failed:
            outcome["result"], outcome["error"] = failed.args if failed.args else (None, None)
        finally:
            metrics.observe_job(kind, status.value, time.monotonic() - started)
        self._tell(JobOutcome(job_id, kind, owner, status, context=context or {}, **outcome))

    def _tell(self, outcome: JobOutcome) -> None:
        for listener in self._listeners:
            try:
                listener(outcome)
            except Exception:  # a listener (mail, JIRA) never fails the job it hears of
                log.exception("job listener failed", job_id=outcome.job_id, kind=outcome.kind)

    def _run_work(self, job_id: str, work: JobWork) -> Any:
        try:
            self._update(
                job_id,
                status=JobStatus.RUNNING.value,
                started_at=utcnow(),
                message=encode_stage(code="job.stage.start"),
            )
            result = work(ProgressReporter(self, job_id))
        except DQError as exc:
            body = domain_error_body(exc)
            self._finish(job_id, JobStatus.FAILED, error=exc.detail, result=body)
            raise _JobFailed(body, exc.detail) from exc
        except Exception as exc:
            log.exception("job failed", job_id=job_id)
            error = f"the job failed unexpectedly ({type(exc).__name__}); it has been logged"
            self._finish(job_id, JobStatus.FAILED, error=error)
            raise _JobFailed(None, error) from exc
        else:
            self._finish(job_id, JobStatus.SUCCEEDED, result=result)
            return result

    def _finish(
        self, job_id: str, status: JobStatus, *, error: str | None = None, result: Any = None
    ) -> None:
        values: dict[str, Any] = {
            "status": status.value,
            "finished_at": utcnow(),
            "error": error,
            "result": result,
            "message": encode_stage(
                code="job.stage.done" if status is JobStatus.SUCCEEDED else "job.stage.failed"
            ),
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


def _first_line(error: object) -> str:
    text = str(error).strip()
    return text.splitlines()[0][:300] if text else type(error).__name__


def get_runner(app: FastAPI) -> JobRunner:
    """The app's runner, created on first use (the jobs router's lifespan also creates it)."""
    with _create_lock:
        runner: JobRunner | None = getattr(app.state, "job_runner", None)
        if runner is None:
            runner = JobRunner(app.state.sessionmaker)
            for listener in getattr(app.state, "job_listeners", ()):  # set by create_app
                runner.on_finish(listener)
            app.state.job_runner = runner
        return runner


def request_runner(request: Request) -> JobRunner:
    return get_runner(request.app)


# What a router asks for to hand work to a job.
Runner = Annotated[JobRunner, Depends(request_runner)]


def submit(
    app: FastAPI, kind: str, owner: str | None, work: JobWork,
    context: dict[str, Any] | None = None,
) -> Job:  # fmt: skip
    """Queue `work` as a job of this app; returns the job as recorded (status `queued`)."""
    return get_runner(app).submit(kind, owner, work, context)
