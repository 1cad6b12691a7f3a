"""A shared, durable job queue over the warehouse: jobs are rows any instance may run.

A job is data: a `dq_jobs` row with a `kind` and JSON `params` (and, for an upload, its input file
in the shared DQ_DATA_DIR). `runner.enqueue(db, kind, owner, params, ...)` inserts it `queued` in
the caller's transaction and wakes this instance's workers after the commit; a handler registered
with `@job_handler(kind)` runs it as `handler(db, params, progress)` and only flushes.

Every instance (an app server, or `dataquery worker`) runs DQ_JOB_WORKERS worker threads. A worker
claims the oldest queued job (`SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL and Oracle; DuckDB is
one process, and the claim is the same conditional UPDATE), stamping it with this instance's id, a
new claim token, the attempt and a lease of DQ_JOB_LEASE_SECONDS that a heartbeat renews every
lease/4 while the job runs. Every worker loop also reaps: a running job whose lease expired (its
instance died) is queued again while it has attempts left, else failed with a clear error.

`runner.on_finish(listener)` is told of every job that ended (`JobOutcome`, after its work's
commit or rollback, in the thread that ran or reaped it): mail and JIRA hang there, registered by
the app, so no domain's job needs to know of them. A listener that raises is logged and never
fails the job.

Never twice: the handler's writes commit in one transaction with a `dq_job_effects` row keyed by
the job's id, so a second run of the same job (its instance only looked dead) fails on the key
and is rolled back; the job's status is then written only while its claim token still matches.
"""

from __future__ import annotations

import functools
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import Depends, FastAPI, Request
from sqlalchemy.orm import Session, sessionmaker

from dataquery.audit.models import AuditEntry
from dataquery.core import metrics
from dataquery.core.config import Settings, get_settings
from dataquery.core.db import utcnow
from dataquery.core.errors import Conflict, DQError
from dataquery.core.handlers import domain_error_body
from dataquery.core.logging import get_logger
from dataquery.jobs.models import Job, JobEffect, encode_stage

log = get_logger(__name__)
_create_lock = threading.Lock()

# Progress is written at most this often (seconds), plus at every message change.
_PROGRESS_INTERVAL = 0.25
# How often an idle worker looks for jobs queued by another instance (seconds).
POLL_SECONDS = 1.0


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


UNFINISHED = (JobStatus.QUEUED.value, JobStatus.RUNNING.value)


class ProgressReporter:
    """Given to the work: `progress("job.stage.read", 3, 10)` records the stage it is in and how
    much of it is done (the shared `core.progress.Progress` signature)."""

    def __init__(self, runner: JobRunner, job_id: str, token: str | None = None) -> None:
        self.job_id = job_id
        self._runner = runner
        self._token = token
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
        self._runner._update(self.job_id, self._token, **values)


@dataclass(frozen=True)
class JobOutcome:
    """A job that ended, for the `on_finish` listeners; `context` is the job's params (e.g. the
    campaign code, the file name)."""

    job_id: str
    kind: str
    owner: str | None
    status: JobStatus
    result: Any = None
    error: str | None = None
    context: dict[str, Any] = field(default_factory=dict)


JobListener = Callable[[JobOutcome], None]
Handler = Callable[[Session, dict[str, Any], ProgressReporter], dict[str, Any] | None]
_HANDLERS: dict[str, Handler] = {}


def job_handler(kind: str) -> Callable[[Handler], Handler]:
    """Register the function that runs jobs of `kind`: `handler(db, params, progress)`.

    It may run again after its instance died (or only looked dead): its writes go through `db`
    (committed by the runner with the job's effect row), and files it writes get new names."""

    def register(handler: Handler) -> Handler:
        _HANDLERS[kind] = handler
        return handler

    return register


def job_settings(db: Session) -> Settings:
    """The settings of the instance running the job (a handler's session carries them)."""
    settings = db.info.get("settings")
    return settings if isinstance(settings, Settings) else get_settings()


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


@dataclass(frozen=True)
class Claim:
    """A job this instance claimed: what its handler needs, and the token its writes carry."""

    job_id: str
    kind: str
    owner: str | None
    token: str
    attempt: int
    params: dict[str, Any]
    audit: JobAudit | None
    input_path: str | None


def instance_id() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class JobRunner:
    def __init__(
        self,
        factory: sessionmaker[Session],
        settings: Settings | None = None,
        *,
        workers: int | None = None,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        self._factory = factory
        self.settings = settings or get_settings()
        self.workers = self.settings.job_workers if workers is None else workers
        self.lease = timedelta(seconds=self.settings.job_lease_seconds)
        self.instance = instance_id()
        self._now = now
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._running: dict[str, str] = {}  # job id -> claim token, for the heartbeat
        self._last_reap = 0.0
        # Keys of work that runs once at a time, held in this process by work done in a
        # request (a small deploy); queued jobs hold theirs in `dq_jobs.exclusive_key`.
        self._held: set[str] = set()
        self._listeners: list[JobListener] = []

    def on_finish(self, listener: JobListener) -> None:
        """Call `listener(outcome)` when a job ends (succeeded or failed)."""
        self._listeners.append(listener)

    def _tell(self, outcome: JobOutcome) -> None:
        for listener in self._listeners:
            try:
                listener(outcome)
            except Exception:  # a listener (mail, JIRA) never fails the job it hears of
                log.exception("job listener failed", job_id=outcome.job_id, kind=outcome.kind)

    @property
    def _dialect(self) -> str:
        bind = self._factory.kw.get("bind")
        return bind.dialect.name if bind is not None else ""

    # --- submitting ----------------------------------------------------------------------

    def enqueue(
        self,
        db: Session,
        kind: str,
        owner: str | None,
        params: dict[str, Any],
        *,
        audit: JobAudit | None = None,
        exclusive: str | None = None,
        busy: Callable[[str], DQError] | None = None,
        input_path: Path | None = None,
    ) -> Job:
        """Record a `queued` job in `db`'s transaction; any instance's worker runs it once that
        commits (this one's is woken then). `exclusive`: another unfinished job with that key
        (or work holding it in this process) raises `busy(holding_job_id)`."""
        if kind not in _HANDLERS:
            raise LookupError(f"no job handler for {kind!r}")
        if exclusive is not None:
            holder = db.scalar(
                sa.select(Job.id).where(Job.exclusive_key == exclusive, Job.status.in_(UNFINISHED))
            )
            with self._lock:
                held = exclusive in self._held
            if holder is not None or held:
                raise _busy(exclusive, holder or "", busy)
        job = Job(
            id=uuid.uuid4().hex,
            kind=kind,
            status=JobStatus.QUEUED.value,
            progress=0.0,
            owner=owner,
            created_at=utcnow(),
            params=params,
            audit=asdict(audit) if audit else None,
            exclusive_key=exclusive,
            input_path=self._relative(input_path) if input_path else None,
            attempt=0,
            max_attempts=self.settings.job_max_attempts,
        )
        db.add(job)
        db.flush()
        sa.event.listen(db, "after_commit", lambda _session: self.wake(), once=True)
        return job

    def submit(self, kind: str, owner: str | None, params: dict[str, Any], **options: Any) -> Job:
        """`enqueue` in a transaction of its own (the scheduler, the CLI, tests)."""
        with self._factory.begin() as db:
            job = self.enqueue(db, kind, owner, params, **options)
        return job

    def hold(self, key: str, busy: Callable[[str], DQError] | None = None) -> None:
        """Claim `key` for work done in a request in this process, until `release(key)`."""
        with self._lock:
            if key in self._held:
                raise _busy(key, "", busy)
            self._held.add(key)

    def release(self, key: str) -> None:
        with self._lock:
            self._held.discard(key)

    def wake(self) -> None:
        self._wake.set()

    # --- the worker loop -----------------------------------------------------------------

    def start(self) -> None:
        """Start the workers and the heartbeat (none when DQ_JOB_WORKERS is 0)."""
        if self.workers <= 0 or self._threads:
            return
        if self._dialect == "duckdb":
            self._expire_orphans()
        self._stop.clear()
        for number in range(self.workers):
            self._spawn(self._work_loop, f"dq-job-{number}")
        self._spawn(self._heartbeat_loop, "dq-job-heartbeat")
        log.info("job workers started", instance=self.instance, workers=self.workers)

    def _spawn(self, target: Callable[[], None], name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def shutdown(self) -> None:
        """Let running jobs finish; queued ones stay queued for another instance or restart."""
        self._stop.set()
        self._wake.set()
        for thread in self._threads:
            thread.join()
        self._threads.clear()

    def _work_loop(self) -> None:
        while not self._stop.is_set():
            claim = None
            try:
                if time.monotonic() - self._last_reap >= self.lease.total_seconds() / 4:
                    self._last_reap = time.monotonic()
                    self.reap()
                claim = self.claim()
            except Exception:  # the warehouse may be down: try again at the next poll
                log.exception("job claim failed")
            if claim is not None:
                self.execute(claim)
                continue
            self._wake.wait(POLL_SECONDS)
            self._wake.clear()

    def _heartbeat_loop(self) -> None:
        while not self._stop.wait(self.lease.total_seconds() / 4):
            try:
                self.heartbeat()
            except Exception:
                log.exception("job heartbeat failed")

    def run_pending(self) -> int:
        """Reap, then claim and run jobs until none is queued; returns how many ran (the CLI's
        `--once`, and tests that drive a runner step by step)."""
        self.reap()
        count = 0
        while (claim := self.claim()) is not None:
            self.execute(claim)
            count += 1
        return count

    # --- claim, heartbeat, reap ----------------------------------------------------------

    def claim(self) -> Claim | None:
        """Take the oldest queued job for this instance, or None when there is none."""
        now = self._now()
        with self._factory.begin() as db:
            query = sa.select(Job.id).where(Job.status == JobStatus.QUEUED.value)
            query = query.order_by(Job.created_at, Job.id)
            if self._dialect in ("postgresql", "oracle"):
                # Oracle refuses FETCH FIRST with FOR UPDATE; its cursor locks the rows it
                # fetches, so reading one row locks one.
                if self._dialect == "postgresql":
                    query = query.limit(1)
                query = query.with_for_update(skip_locked=True)
            else:
                query = query.limit(1)
            job_id = db.execute(query).scalars().first()
            if job_id is None:
                return None
            token = uuid.uuid4().hex
            claimed = db.execute(
                sa.update(Job)
                .where(Job.id == job_id, Job.status == JobStatus.QUEUED.value)
                .values(
                    status=JobStatus.RUNNING.value,
                    claimed_by=self.instance,
                    claim_token=token,
                    attempt=Job.attempt + 1,
                    lease_until=now + self.lease,
                    started_at=now,
                    message=encode_stage(code="job.stage.start"),
                )
                .execution_options(synchronize_session=False)
            )
            if _rowcount(claimed) != 1:
                return None  # another worker took it between the two statements
            job = db.get(Job, job_id, populate_existing=True)
            assert job is not None
            with self._lock:
                self._running[job.id] = token
            return Claim(
                job_id=job.id,
                kind=job.kind,
                owner=job.owner,
                token=token,
                attempt=job.attempt,
                params=dict(job.params or {}),
                audit=JobAudit(**job.audit) if job.audit else None,
                input_path=job.input_path,
            )

    def heartbeat(self) -> int:
        """Extend the lease of the jobs this instance runs; returns how many."""
        with self._lock:
            running = dict(self._running)
        extended = 0
        for job_id, token in running.items():
            with self._factory.begin() as db:
                result = db.execute(
                    sa.update(Job)
                    .where(
                        Job.id == job_id,
                        Job.claim_token == token,
                        Job.status == JobStatus.RUNNING.value,
                    )
                    .values(lease_until=self._now() + self.lease)
                )
            extended += _rowcount(result)
        return extended

    def reap(self) -> int:
        """Re-queue (or fail, when out of attempts) running jobs whose lease expired."""
        now = self._now()
        with self._factory.begin() as db:
            expired = db.execute(
                sa.select(Job.id, Job.attempt, Job.max_attempts, Job.claimed_by).where(
                    Job.status == JobStatus.RUNNING.value, Job.lease_until < now
                )
            ).all()
        reaped = 0
        for job_id, attempt, max_attempts, claimed_by in expired:
            retry = attempt < max_attempts
            effect = self._effect(job_id)
            values: dict[str, Any] = (
                # Its work committed, and its instance died before saying so.
                {
                    "status": JobStatus.SUCCEEDED.value,
                    "result": effect.result,
                    "progress": 1.0,
                    "finished_at": now,
                    "message": encode_stage(code="job.stage.done"),
                }
                if effect is not None
                else {"status": JobStatus.QUEUED.value, "message": None, "started_at": None}
                if retry
                else {
                    "status": JobStatus.FAILED.value,
                    "finished_at": now,
                    "message": encode_stage(code="job.stage.failed"),
                    "error": (
                        f"the server running the job stopped (tried {attempt} times); "
                        "start it again"
                    ),
                }
            )
            with self._factory.begin() as db:
                result = db.execute(
                    sa.update(Job)
                    .where(
                        Job.id == job_id,
                        Job.status == JobStatus.RUNNING.value,
                        Job.lease_until < now,
                    )
                    .values(claimed_by=None, claim_token=None, lease_until=None, **values)
                )
                if _rowcount(result) != 1:
                    continue
                job = db.get(Job, job_id, populate_existing=True)
                retry = retry and effect is None
                failed = not retry and effect is None
                if failed and job is not None and job.audit:
                    db.add(JobAudit(**job.audit).entry("failure", {"error": values["error"]}))
                input_path = job.input_path if job is not None else None
                told = None if retry or job is None else JobOutcome(
                    job.id, job.kind, job.owner, JobStatus(job.status), job.result, job.error,
                    dict(job.params or {}),
                )  # fmt: skip
            if told is not None:
                self._tell(told)
            reaped += 1
            log.warning("job lease expired", job_id=job_id, claimed_by=claimed_by, requeued=retry)
            if not retry:
                self._remove_input(input_path)
        return reaped

    def _expire_orphans(self) -> None:
        """DuckDB is one process: a job still running when it starts belongs to a dead one."""
        with self._factory.begin() as db:
            db.execute(
                sa.update(Job)
                .where(Job.status == JobStatus.RUNNING.value)
                .values(lease_until=self._now() - timedelta(seconds=1))
            )

    # --- running a job -------------------------------------------------------------------

    def execute(self, claim: Claim) -> None:
        started = time.monotonic()
        outcome: JobOutcome | None = None
        try:
            outcome = self._execute(claim)
        finally:
            with self._lock:
                self._running.pop(claim.job_id, None)
            status = outcome.status if outcome else JobStatus.FAILED
            metrics.observe_job(claim.kind, status.value, time.monotonic() - started)
        if outcome is not None:
            self._tell(outcome)

    def _execute(self, claim: Claim) -> JobOutcome | None:
        """Run the claimed job; what to tell the listeners (None: another run applied it)."""
        ended = functools.partial(JobOutcome, claim.job_id, claim.kind, claim.owner)
        progress = ProgressReporter(self, claim.job_id, claim.token)
        handler = _HANDLERS.get(claim.kind)
        try:
            if handler is None:
                raise LookupError(f"no job handler for {claim.kind!r} in this instance")
            with self._factory() as db:
                db.info["settings"] = self.settings
                try:
                    result = handler(db, claim.params, progress) or {}
                    db.add(JobEffect(job_id=claim.job_id, claim_token=claim.token, result=result))
                    if claim.audit is not None:
                        db.add(claim.audit.entry("success", result))
                    db.commit()
                except BaseException:
                    db.rollback()
                    raise
        except Exception as exc:
            effect = self._effect(claim.job_id)
            if effect is not None:
                # Another run of this job committed its work first: record that run's result.
                log.warning("job already applied by another run", job_id=claim.job_id)
                self._finish(claim, JobStatus.SUCCEEDED, result=effect.result)
                return None
            body: Any = None
            if isinstance(exc, DQError):
                body, detail = domain_error_body(exc), exc.detail
            else:
                log.exception("job failed", job_id=claim.job_id)
                detail = f"the job failed unexpectedly ({type(exc).__name__}); it has been logged"
            self._finish(claim, JobStatus.FAILED, error=detail, result=body)
            if claim.audit is not None:
                self._audit_failure(claim.audit, exc, detail)
            return ended(JobStatus.FAILED, body, detail, claim.params)
        self._finish(claim, JobStatus.SUCCEEDED, result=result)
        return ended(JobStatus.SUCCEEDED, result, None, claim.params)

    def _effect(self, job_id: str) -> JobEffect | None:
        try:
            with self._factory() as db:
                return db.get(JobEffect, job_id)
        except Exception:
            log.exception("could not read the job's effect", job_id=job_id)
            return None

    def _audit_failure(self, audit: JobAudit, exc: BaseException, detail: object) -> None:
        try:
            with self._factory.begin() as db:
                db.add(audit.entry("failure", {"error": str(detail)[:500]}))
        except Exception:
            log.exception("could not write a job's failure audit row", exc_info=exc)

    def _finish(
        self, claim: Claim, status: JobStatus, *, error: str | None = None, result: Any = None
    ) -> None:
        values: dict[str, Any] = {
            "status": status.value,
            "finished_at": self._now(),
            "error": error,
            "result": result,
            "lease_until": None,
            "message": encode_stage(
                code="job.stage.done" if status is JobStatus.SUCCEEDED else "job.stage.failed"
            ),
        }
        if status is JobStatus.SUCCEEDED:
            values["progress"] = 1.0
        # A write can lose a race (DuckDB's optimistic writes against the heartbeat): try again,
        # else the lease runs out and the reaper's next run finds the effect row.
        for _ in range(3):
            if self._update(claim.job_id, claim.token, **values):
                self._remove_input(claim.input_path)
                return
            if self._token_of(claim.job_id) != claim.token:
                break
        log.warning("job claim lost before it ended", job_id=claim.job_id)

    def _token_of(self, job_id: str) -> str | None:
        try:
            with self._factory() as db:
                return db.scalar(sa.select(Job.claim_token).where(Job.id == job_id))
        except Exception:
            log.exception("could not read the job's claim", job_id=job_id)
            return None

    def _update(self, job_id: str, token: str | None, **values: Any) -> bool:
        """Write the job's state while `token` still holds its claim; False when it does not."""
        try:
            with self._factory.begin() as db:
                query = sa.update(Job).where(Job.id == job_id)
                if token is not None:
                    query = query.where(Job.claim_token == token)
                result = db.execute(query.values(**values))
            return _rowcount(result) == 1
        except Exception:  # a failed progress write must not kill the work
            log.exception("could not record job state", job_id=job_id)
            return False

    def _relative(self, path: Path) -> str:
        try:
            return str(path.resolve().relative_to(self.settings.data_dir.resolve()))
        except ValueError:
            return str(path)

    def input_file(self, relative: str) -> Path:
        """A job's input file, from the path recorded with it (relative to DQ_DATA_DIR)."""
        return self.settings.data_dir / relative

    def _remove_input(self, relative: str | None) -> None:
        if relative:
            self.input_file(relative).unlink(missing_ok=True)


def _busy(key: str, holder: str, busy: Callable[[str], DQError] | None) -> DQError:
    if busy is not None:
        return busy(holder)
    return Conflict(
        f"{key} is running (job {holder})", code="job.busy", params={"key": key, "job_id": holder}
    )


def _rowcount(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def unfinished_inputs(db: Session) -> set[str]:
    """Input files (relative to DQ_DATA_DIR) of jobs still queued or running on any instance."""
    paths = db.scalars(
        sa.select(Job.input_path).where(Job.status.in_(UNFINISHED), Job.input_path.is_not(None))
    )
    return {path for path in paths if path}


def get_runner(app: FastAPI) -> JobRunner:
    """The app's runner, created on first use (the jobs router's lifespan starts its workers)."""
    with _create_lock:
        runner: JobRunner | None = getattr(app.state, "job_runner", None)
        if runner is None:
            runner = JobRunner(app.state.sessionmaker, app.state.settings)
            for listener in getattr(app.state, "job_listeners", ()):  # set by create_app
                runner.on_finish(listener)
            app.state.job_runner = runner
        return runner


def request_runner(request: Request) -> JobRunner:
    return get_runner(request.app)


# What a router asks for to hand work to a job.
Runner = Annotated[JobRunner, Depends(request_runner)]
