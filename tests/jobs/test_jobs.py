"""The shared job queue (claim, lease, heartbeat, reap, never twice) and GET /api/v1/jobs/{id},
on a real warehouse (DuckDB and PostgreSQL). Runners are driven step by step (`claim`,
`execute`, `reap`) and a second runner's clock is set ahead, so no test waits for a lease."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
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
from dataquery.jobs.models import Job, JobEffect
from dataquery.jobs.runner import JobAudit, JobRunner, ProgressReporter, job_handler
from helpers import PASSWORDS, add_user, login

EFFECT = "test.job_effect"


@job_handler("test.effect")
def _effect(db: Session, params: dict[str, Any], progress: ProgressReporter) -> dict[str, Any]:
    """Writes one row per run: how many rows there are is how many times the job applied."""
    progress("job.stage.read", 1, 2)
    db.add(JobAudit("t", EFFECT, params["target"]).entry("success", {}))
    db.flush()
    return {"target": params["target"]}


@job_handler("test.refused")
def _refused(db: Session, params: dict[str, Any], progress: ProgressReporter) -> None:
    raise InvalidInput("the file has no IIN column", code="upload.no_iin_column")


@job_handler("test.crashed")
def _crashed(db: Session, params: dict[str, Any], progress: ProgressReporter) -> None:
    raise RuntimeError("secret internals /srv/data")


def later(seconds: float) -> Callable[[], datetime]:
    return lambda: utcnow() + timedelta(seconds=seconds)


@pytest.fixture
def runners(engine: Engine, settings: Settings) -> Iterator[Callable[..., JobRunner]]:
    made: list[JobRunner] = []

    def make(**options: Any) -> JobRunner:
        runner = JobRunner(make_sessionmaker(engine), settings, **options)
        made.append(runner)
        return runner

    yield make
    for runner in made:
        runner.shutdown()


def job_row(engine: Engine, job_id: str) -> Job:
    with make_sessionmaker(engine)() as db:
        job = db.get(Job, job_id)
        assert job is not None
        return job


def effects(engine: Engine, target: str) -> int:
    with engine.connect() as conn:
        query = sa.select(sa.func.count()).where(
            AuditEntry.action == EFFECT, AuditEntry.target == target
        )
        return int(conn.execute(query).scalar_one())


def wait_until(engine: Engine, job_id: str, *statuses: str, timeout: float = 30) -> Job:
    deadline = time.monotonic() + timeout
    while True:
        job = job_row(engine, job_id)
        if job.status in statuses:
            return job
        assert time.monotonic() < deadline, (job.status, job.stage)
        time.sleep(0.02)


def test_a_job_is_data_run_by_its_handler(
    engine: Engine, runners: Callable[..., JobRunner]
) -> None:
    runner = runners()
    job = runner.submit(
        "test.effect", "anna", {"target": "a"}, audit=JobAudit("anna", "test.job", "t=a")
    )
    assert job_row(engine, job.id).status == "queued"
    assert runner.run_pending() == 1
    done = job_row(engine, job.id)
    assert (done.status, done.progress, done.result, done.error) == (
        "succeeded",
        1.0,
        {"target": "a"},
        None,
    )
    assert done.attempt == 1 and done.claimed_by == runner.instance and done.lease_until is None
    assert done.stage == {"code": "job.stage.done", "done": None, "total": None}
    assert effects(engine, "a") == 1
    with make_sessionmaker(engine)() as db:
        audit = db.scalars(sa.select(AuditEntry).where(AuditEntry.action == "test.job")).all()
    assert [(a.outcome, a.summary) for a in audit] == [("success", {"target": "a"})]
    with pytest.raises(LookupError):
        runner.submit("no.such.kind", "anna", {})


def test_failures_are_recorded_without_leaking_internals(
    engine: Engine, runners: Callable[..., JobRunner]
) -> None:
    runner = runners()
    refused = runner.submit("test.refused", "anna", {}, audit=JobAudit("anna", "test.job", "r"))
    crashed = runner.submit("test.crashed", "anna", {})
    assert runner.run_pending() == 2
    first = job_row(engine, refused.id)
    assert first.status == "failed" and first.error == "the file has no IIN column"
    assert first.result["code"] == "upload.no_iin_column"
    second = job_row(engine, crashed.id)
    assert second.status == "failed" and "RuntimeError" in (second.error or "")
    assert "/srv" not in (second.error or "")
    with make_sessionmaker(engine)() as db:
        audit = db.scalars(sa.select(AuditEntry).where(AuditEntry.action == "test.job")).all()
    assert [a.outcome for a in audit] == ["failure"]


def test_a_queued_job_is_claimed_by_one_worker(
    engine: Engine, runners: Callable[..., JobRunner]
) -> None:
    first, second = runners(), runners()
    job = first.submit("test.effect", "anna", {"target": "c"})
    claim = second.claim()
    assert claim is not None and claim.job_id == job.id and claim.attempt == 1
    assert first.claim() is None  # nothing left to claim
    row = job_row(engine, job.id)
    assert (row.status, row.claimed_by, row.claim_token) == (
        "running",
        second.instance,
        claim.token,
    )
    assert row.lease_until is not None and row.lease_until > utcnow()
    second.execute(claim)
    assert job_row(engine, job.id).status == "succeeded" and effects(engine, "c") == 1


def test_the_heartbeat_extends_the_lease_of_running_jobs(
    engine: Engine, runners: Callable[..., JobRunner]
) -> None:
    runner = runners(now=later(0))
    job = runner.submit("test.effect", "anna", {"target": "h"})
    claim = runner.claim()
    assert claim is not None
    before = job_row(engine, job.id).lease_until
    assert before is not None
    runner._now = later(30)  # half a lease on
    assert runner.heartbeat() == 1
    after = job_row(engine, job.id).lease_until
    assert after is not None and after >= before + timedelta(seconds=29)
    # Not reaped while the lease holds; reaped once it has passed.
    assert runners(now=later(60)).reap() == 0
    assert runners(now=later(200)).reap() == 1


@pytest.mark.parametrize("stale_first", [False, True])
def test_a_job_whose_instance_looked_dead_is_applied_once(
    engine: Engine, runners: Callable[..., JobRunner], stale_first: bool
) -> None:
    """A claims and stalls past its lease; B's reaper re-queues the job and B runs it. A then
    wakes and finishes too (before or after B): the effect is there once, the job succeeded."""
    a, b = runners(), runners(now=later(120))
    job = a.submit("test.effect", "anna", {"target": "x"})
    stale = a.claim()
    assert stale is not None
    assert b.reap() == 1
    requeued = job_row(engine, job.id)
    assert (requeued.status, requeued.claim_token, requeued.attempt) == ("queued", None, 1)
    fresh = b.claim()
    assert fresh is not None and fresh.attempt == 2 and fresh.token != stale.token
    for claim, runner in ((stale, a), (fresh, b)) if stale_first else ((fresh, b), (stale, a)):
        runner.execute(claim)
    done = job_row(engine, job.id)
    assert done.status == "succeeded" and done.result == {"target": "x"}
    assert done.claim_token == fresh.token  # only the current claim writes the job's state
    assert effects(engine, "x") == 1
    with make_sessionmaker(engine)() as db:
        effect = db.get(JobEffect, job.id)
    assert effect is not None


def test_a_job_out_of_attempts_fails_clearly(
    engine: Engine, runners: Callable[..., JobRunner], settings: Settings, tmp_path: Any
) -> None:
    a = runners()
    upload = settings.data_dir / "tmp" / "uploads" / "upload-x.part"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"IIN\n")
    job = a.submit(
        "test.effect",
        "anna",
        {"target": "f"},
        audit=JobAudit("anna", "test.job", "f"),
        input_path=upload,
    )
    assert job_row(engine, job.id).input_path == "tmp/uploads/upload-x.part"
    for attempt in range(1, settings.job_max_attempts + 1):
        claim = a.claim()
        assert claim is not None and claim.attempt == attempt
        assert runners(now=later(120 * attempt)).reap() == 1
    failed = job_row(engine, job.id)
    assert failed.status == "failed" and failed.finished_at is not None
    assert failed.error == "the server running the job stopped (tried 3 times); start it again"
    assert effects(engine, "f") == 0 and not upload.exists()
    with make_sessionmaker(engine)() as db:
        audit = db.scalars(sa.select(AuditEntry).where(AuditEntry.action == "test.job")).all()
    assert [a.outcome for a in audit] == ["failure"]


def test_an_exclusive_key_is_held_across_instances_until_its_job_ends(
    runners: Callable[..., JobRunner],
) -> None:
    a, b = runners(), runners()
    a.submit("test.effect", "anna", {"target": "k"}, exclusive="k")
    with pytest.raises(Conflict) as caught:
        b.submit("test.effect", "anna", {"target": "k"}, exclusive="k")
    assert caught.value.code == "job.busy"
    assert b.run_pending() == 1
    b.submit("test.effect", "anna", {"target": "k"}, exclusive="k")  # free again


def test_a_job_enqueued_in_a_transaction_starts_after_its_commit(
    engine: Engine, runners: Callable[..., JobRunner]
) -> None:
    runner = runners()
    factory = make_sessionmaker(engine)
    with factory() as db:
        runner.enqueue(db, "test.effect", "anna", {"target": "rolled"})
        db.rollback()
    runner.start()
    with factory() as db:
        job = runner.enqueue(db, "test.effect", "anna", {"target": "t"})
        db.commit()
    wait_until(engine, job.id, "succeeded")
    with factory() as db:
        assert db.scalar(sa.select(sa.func.count()).select_from(Job)) == 1
    assert effects(engine, "t") == 1


def test_duckdb_requeues_jobs_a_dead_process_left_running(
    engine: Engine, runners: Callable[..., JobRunner]
) -> None:
    if engine.dialect.name != "duckdb":
        pytest.skip("DuckDB is one process: what runs at start is orphaned")
    first = runners()
    job = first.submit("test.effect", "anna", {"target": "o"})
    assert first.claim() is not None  # and the process dies here
    runner = runners()
    runner.start()
    wait_until(engine, job.id, "succeeded")
    assert job_row(engine, job.id).attempt == 2 and effects(engine, "o") == 1


@job_handler("test.export")
def _export(db: Session, params: dict[str, Any], progress: ProgressReporter) -> dict[str, Any]:
    return {"file": "a.xlsx"}


def test_get_job_is_for_its_owner_and_admins(
    client: TestClient, users: dict[str, str], as_admin: TestClient, as_user: TestClient
) -> None:
    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    add_user(engine, "boris", "analyst", PASSWORDS["analyst"])
    anna = TestClient(client.app, headers=login(client, "anna", PASSWORDS["analyst"]))
    boris = TestClient(client.app, headers=login(client, "boris", PASSWORDS["analyst"]))

    job = client.app.state.job_runner.submit("test.export", "anna", {})  # type: ignore[attr-defined]
    wait_until(engine, job.id, "succeeded")
    body = anna.get(f"/api/v1/jobs/{job.id}").json()
    assert {k: body[k] for k in ("id", "kind", "status", "progress", "result", "error")} == {
        "id": job.id,
        "kind": "test.export",
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


def test_a_job_whose_work_committed_before_its_instance_died_is_succeeded_by_the_reaper(
    engine: Engine, runners: Callable[..., JobRunner]
) -> None:
    a = runners()
    job = a.submit("test.effect", "anna", {"target": "d"})
    claim = a.claim()
    assert claim is not None
    with make_sessionmaker(engine).begin() as db:  # its transaction committed, then it died
        db.add(JobEffect(job_id=job.id, claim_token=claim.token, result={"target": "d"}))
    assert runners(now=later(120)).reap() == 1
    done = job_row(engine, job.id)
    assert (done.status, done.result, done.progress) == ("succeeded", {"target": "d"}, 1.0)
