"""Two `dataquery serve` processes on two ports against one PostgreSQL database: a job submitted
on A is followed on B, and a job whose instance is killed (SIGKILL) mid-run is taken over by the
other once its lease expires, and applied exactly once."""

from __future__ import annotations

import os
import signal
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from dataquery import cluster as processes
from dataquery import iin
from dataquery.audit.models import AuditEntry
from dataquery.core.db import create_warehouse_engine, make_sessionmaker, utcnow
from dataquery.jobs.models import Job, JobEffect
from helpers import PASSWORDS, add_user

pytestmark = pytest.mark.postgres
INSTANCE = Path(__file__).with_name("cluster_instance.py")
LEASE_SECONDS = 2


def wait_for(check: Callable[[], Any], what: str, timeout: float = 180) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


class Instance:
    """`dataquery serve` with the test's slow job kind (cluster_instance.py)."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        port = processes.free_port()
        self.started = processes.start(log.stem, [sys.executable, str(INSTANCE), str(port)],
                                     env, port, log)  # fmt: skip
        self.process = self.started.popen
        self.client = httpx.Client(base_url=self.started.base, timeout=30)
        self.started.wait_ready(timeout=180)

    def stop(self) -> None:
        self.client.close()
        self.started.stop()


@pytest.fixture
def cluster(postgres_databases: Any, tmp_path: Path) -> Iterator[Callable[[], Instance]]:
    name, url = postgres_databases.new()  # migrated
    env = {
        **os.environ,
        "DQ_WAREHOUSE_URL": url,
        "DQ_DATA_DIR": str(tmp_path / "shared"),  # the instances' shared folder
        "DQ_WEB_DIST": str(tmp_path / "no-web-build"),
        "DQ_SECRET_KEY": "two-instances-share-this-secret-" + uuid.uuid4().hex,
        "DQ_SCHEDULER_ENABLED": "false",
        "DQ_SOURCES_SCHEDULER": "false",
        "DQ_JOB_LEASE_SECONDS": str(LEASE_SECONDS),
        "DQ_UPLOAD_JOB_THRESHOLD_MB": "0",  # every upload is a job
    }
    started: list[Instance] = []

    def start() -> Instance:
        instance = Instance(env, tmp_path / f"instance-{len(started)}.log")
        started.append(instance)
        return instance

    engine = create_warehouse_engine(url)
    add_user(engine, "anna", "analyst", PASSWORDS["analyst"])
    engine.dispose()
    start.url = url  # type: ignore[attr-defined]
    yield start
    for instance in started:
        instance.stop()
    postgres_databases.drop(name)


def sign_in(instance: Instance) -> dict[str, str]:
    body = {"username": "anna", "password": PASSWORDS["analyst"]}
    response = instance.client.post("/api/v1/auth/login", json=body)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_an_upload_job_submitted_on_one_instance_is_followed_on_the_other(
    cluster: Callable[[], Instance],
) -> None:
    a, b = cluster(), cluster()
    headers = sign_in(a)
    born = date(1985, 1, 1)
    made = (iin.make_iin(born + timedelta(days=n), "F", n) for n in range(200))
    iins = [i for i in made if i]
    content = ("IIN\n" + "\n".join(iins) + "\n").encode()
    response = a.client.post(
        "/api/v1/uploads", headers=headers, files={"file": ("list.csv", content, "text/csv")}
    )
    assert response.status_code == 202, response.text
    job_id = response.json()["job_id"]

    def finished() -> dict[str, Any] | None:
        job = b.client.get(f"/api/v1/jobs/{job_id}", headers=headers)
        assert job.status_code == 200, job.text
        body: dict[str, Any] = job.json()
        return body if body["status"] in ("succeeded", "failed") else None

    job = wait_for(finished, "the upload job")
    assert job["status"] == "succeeded", job
    assert job["result"]["unique_iins"] == len(iins)
    upload = b.client.get(f"/api/v1/uploads/{response.json()['upload_id']}", headers=headers)
    assert upload.status_code == 200 and upload.json()["unique_iins"] == len(iins)


def test_a_job_of_a_killed_instance_is_run_once_by_the_other(
    cluster: Callable[[], Instance], tmp_path: Path
) -> None:
    a = cluster()
    engine = create_warehouse_engine(cluster.url)  # type: ignore[attr-defined]
    factory = make_sessionmaker(engine)
    started, gate = tmp_path / "started", tmp_path / "gate"
    job_id = uuid.uuid4().hex
    with factory.begin() as db:
        db.add(
            Job(
                id=job_id,
                kind="test.slow",
                status="queued",
                progress=0.0,
                owner="anna",
                created_at=utcnow(),
                params={"started": str(started), "gate": str(gate), "target": job_id},
                attempt=0,
                max_attempts=3,
            )
        )

    def row() -> Job:
        with factory() as db:
            job = db.get(Job, job_id)
            assert job is not None
            return job

    wait_for(started.exists, "A to start the job")
    first = row()
    assert first.status == "running" and f":{a.process.pid}:" in (first.claimed_by or "")
    b = cluster()
    a.process.send_signal(signal.SIGKILL)  # mid-job: its transaction never commits
    a.process.wait()
    gate.touch()

    def done() -> Job | None:
        job = row()
        return job if job.status in ("succeeded", "failed") else None

    killed_at = time.monotonic()
    job = wait_for(done, "B to take the job over")
    assert time.monotonic() - killed_at < 10 * LEASE_SECONDS
    assert job.status == "succeeded", job.error
    assert job.attempt == 2 and f":{b.process.pid}:" in (job.claimed_by or "")
    assert job.result == {"target": job_id}
    headers = sign_in(b)
    followed = b.client.get(f"/api/v1/jobs/{job_id}", headers=headers).json()
    assert followed["status"] == "succeeded"
    with factory() as db:
        effects = db.scalar(
            sa.select(sa.func.count()).where(
                AuditEntry.action == "test.slow_effect", AuditEntry.target == job_id
            )
        )
        assert effects == 1  # applied exactly once
        assert db.get(JobEffect, job_id) is not None
    engine.dispose()
