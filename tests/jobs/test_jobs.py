"""The in-process job runner and GET /api/v1/jobs/{id}, on a real warehouse."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from dataquery.audit.models import AuditEntry
from dataquery.core.config import Settings
from dataquery.core.db import make_sessionmaker, utcnow
from dataquery.core.errors import Conflict, InvalidInput
from dataquery.jobs.models import Job
from dataquery.jobs.runner import INTERRUPTED, JobAudit, JobRunner, ProgressReporter, submit
from dataquery.main import create_app
from helpers import PASSWORDS, add_user, login


@pytest.fixture
def runner(engine: Engine) -> Iterator[JobRunner]:
    runner = JobRunner(make_sessionmaker(engine))
    yield runner
    runner.shutdown()


def job_row(engine: Engine, job_id: str) -> Job:
    with make_sessionmaker(engine)() as db:
        job = db.get(Job, job_id)
        assert job is not None
        return job


def wait_until(engine: Engine, job_id: str, *statuses: str, timeout: float = 30) -> Job:
    deadline = time.monotonic() + timeout
    while True:
        job = job_row(engine, job_id)
        if job.status in statuses:
            return job
        assert time.monotonic() < deadline, (job.status, job.stage)
        time.sleep(0.02)


def test_a_job_reports_progress_and_its_result(engine: Engine, runner: JobRunner) -> None:
    halfway, release = threading.Event(), threading.Event()

    def work(progress: ProgressReporter) -> dict[str, Any]:
        progress("job.stage.read", 1, 2)
        halfway.set()
        release.wait(10)
        return {"rows": 3, "when": utcnow()}

    job = runner.submit("test", "anna", work)
    assert (job.status, job.kind, job.owner) == ("queued", "test", "anna")
    assert halfway.wait(10)
    running = wait_until(engine, job.id, "running")
    assert running.progress == 0.5
    assert running.stage == {"code": "job.stage.read", "done": 1, "total": 2}
    assert running.started_at is not None and running.finished_at is None
    release.set()
    done = wait_until(engine, job.id, "succeeded")
    assert done.progress == 1.0 and done.result["rows"] == 3 and done.error is None
    assert done.finished_at is not None and done.finished_at >= done.started_at  # type: ignore[operator]


def test_failures_are_recorded_without_leaking_internals(engine: Engine, runner: JobRunner) -> None:
    def refused(progress: ProgressReporter) -> None:
        raise InvalidInput(
            "strict mode: 1 row is bad", code="upload.rejected", extra={"report": {"rows_total": 1}}
        )

    def crashed(progress: ProgressReporter) -> None:
        raise RuntimeError("password=hunter2 in a stack trace")

    first = wait_until(engine, runner.submit("t", "anna", refused).id, "failed")
    assert first.error == "strict mode: 1 row is bad"
    assert first.result == {
        "error": "InvalidInput",
        "code": "upload.rejected",
        "detail": "strict mode: 1 row is bad",
        "params": {},
        "errors": [],
        "report": {"rows_total": 1},
    }
    second = wait_until(engine, runner.submit("t", "anna", crashed).id, "failed")
    assert second.error is not None and "RuntimeError" in second.error
    assert "hunter2" not in second.error and second.result is None


def audit_rows(engine: Engine, action: str) -> list[AuditEntry]:
    with make_sessionmaker(engine)() as db:
        return list(db.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)))


def test_a_job_in_session_commits_its_work_with_its_audit_row(
    engine: Engine, runner: JobRunner
) -> None:
    def work(db: Session, progress: ProgressReporter) -> dict[str, Any]:
        db.add(Job(id="written", kind="t", status="succeeded", progress=1.0, created_at=utcnow()))
        return {"rows": 1}

    audit = JobAudit("anna", "test.job", "code=1")
    job = runner.submit_in_session("t", "anna", work, audit=audit)
    assert wait_until(engine, job.id, "succeeded").result == {"rows": 1}
    assert job_row(engine, "written").kind == "t"
    [row] = audit_rows(engine, "test.job")
    assert (row.outcome, row.username, row.target, row.summary) == (
        "success",
        "anna",
        "code=1",
        {"rows": 1},
    )


class BrokenAudit(JobAudit):
    def entry(self, outcome: str, summary: dict[str, Any]) -> AuditEntry:
        raise RuntimeError(f"the audit table is gone ({outcome})")


def test_an_audit_row_that_cannot_be_written_fails_the_job(
    engine: Engine, runner: JobRunner
) -> None:
    def work(db: Session, progress: ProgressReporter) -> dict[str, Any]:
        db.add(Job(id="lost", kind="t", status="succeeded", progress=1.0, created_at=utcnow()))
        return {"rows": 1}

    def failing(db: Session, progress: ProgressReporter) -> dict[str, Any]:
        raise InvalidInput("bad campaign")

    audit = BrokenAudit("anna", "test.broken", "code=1")
    job = runner.submit_in_session("t", "anna", work, audit=audit)
    assert wait_until(engine, job.id, "failed").error is not None
    with make_sessionmaker(engine)() as db:
        assert db.get(Job, "lost") is None  # the work was rolled back with the missing row
    # The work failed and its failure cannot be audited: the job fails, nothing is swallowed.
    second = runner.submit_in_session("t", "anna", failing, audit=audit)
    assert "RuntimeError" in (wait_until(engine, second.id, "failed").error or "")


def test_an_exclusive_key_is_held_until_its_job_ends(engine: Engine, runner: JobRunner) -> None:
    release = threading.Event()

    def work(db: Session, progress: ProgressReporter) -> dict[str, Any]:
        release.wait(10)
        return {}

    job = runner.submit_in_session("t", "anna", work, exclusive="k")
    with pytest.raises(Conflict) as busy:
        runner.submit_in_session("t", "anna", work, exclusive="k")
    assert job.id in busy.value.detail
    release.set()
    wait_until(engine, job.id, "succeeded")
    deadline = time.monotonic() + 10
    while True:  # released by the worker just after it finished the job
        try:
            runner.hold("k")
            break
        except Conflict:
            assert time.monotonic() < deadline
            time.sleep(0.02)


def test_two_jobs_run_at_once_and_the_rest_wait(engine: Engine, runner: JobRunner) -> None:
    release = threading.Event()
    started: list[str] = []

    def blocking(progress: ProgressReporter) -> None:
        started.append(progress.job_id)
        release.wait(10)

    jobs = [runner.submit("t", "anna", blocking) for _ in range(3)]
    wait_until(engine, jobs[0].id, "running")
    wait_until(engine, jobs[1].id, "running")
    time.sleep(0.2)
    assert job_row(engine, jobs[2].id).status == "queued" and len(started) == 2
    release.set()
    for job in jobs:
        wait_until(engine, job.id, "succeeded")


def test_shutdown_lets_running_jobs_finish_and_fails_queued_ones(engine: Engine) -> None:
    runner = JobRunner(make_sessionmaker(engine))
    release = threading.Event()
    jobs = [runner.submit("t", "anna", lambda p: release.wait(10)) for _ in range(3)]
    wait_until(engine, jobs[1].id, "running")
    stopper = threading.Thread(target=runner.shutdown)
    stopper.start()
    time.sleep(0.1)
    release.set()
    stopper.join(10)
    assert [job_row(engine, j.id).status for j in jobs] == ["succeeded", "succeeded", "failed"]
    assert "server stopped" in (job_row(engine, jobs[2].id).error or "")
    refused = runner.submit("t", "anna", lambda p: None)
    assert "shutting down" in (job_row(engine, refused.id).error or "")


def test_jobs_left_by_a_dead_process_fail_on_startup(engine: Engine, settings: Settings) -> None:
    with make_sessionmaker(engine).begin() as db:
        for job_id, status in (("r", "running"), ("q", "queued"), ("s", "succeeded")):
            db.add(Job(id=job_id, kind="t", status=status, progress=0.3, created_at=utcnow()))
    with TestClient(create_app(settings)):
        pass
    assert [job_row(engine, i).status for i in ("r", "q", "s")] == ["failed", "failed", "succeeded"]
    assert job_row(engine, "r").error == INTERRUPTED


def test_get_job_is_for_its_owner_and_admins(
    client: TestClient, users: dict[str, str], as_admin: TestClient, as_user: TestClient
) -> None:
    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    add_user(engine, "boris", "analyst", PASSWORDS["analyst"])
    anna = TestClient(client.app, headers=login(client, "anna", PASSWORDS["analyst"]))
    boris = TestClient(client.app, headers=login(client, "boris", PASSWORDS["analyst"]))

    job = submit(client.app, "export", "anna", lambda progress: {"file": "a.xlsx"})
    wait_until(engine, job.id, "succeeded")
    body = anna.get(f"/api/v1/jobs/{job.id}").json()
    assert {k: body[k] for k in ("id", "kind", "status", "progress", "result", "error")} == {
        "id": job.id,
        "kind": "export",
        "status": "succeeded",
        "progress": 1.0,
        "result": {"file": "a.xlsx"},
        "error": None,
    }
    assert body["created_at"].endswith("Z") and body["finished_at"]
    assert as_admin.get(f"/api/v1/jobs/{job.id}").status_code == 200
    for other in (boris, as_user):
        response = other.get(f"/api/v1/jobs/{job.id}")
        assert response.status_code == 404 and response.json()["error"] == "NotFound"
    assert anna.get("/api/v1/jobs/nope").status_code == 404
