"""Deploy: all or nothing under a real failure, once under concurrency, as a job when large."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import sqlalchemy as sa
from campaign_data import popup_content, rows_of, save_audience
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from dataquery.audit.models import AuditEntry
from dataquery.auth.models import User
from dataquery.campaigns import deploy, service
from dataquery.core.db import make_sessionmaker
from dataquery.core.errors import Conflict

EMPTY = {
    "mb01_camp_dict": 1,
    "rb3_tr_campaign_dict": 0,
    "fd_rb2_campaigns_users": 0,
    "mb22_local_target": 0,
    "mb21_local_control": 0,
    "off_limit_campaigns_users": 0,
    "fd_rb2_pop_up_campaign": 0,
}


def _wait_for_job(client: TestClient, job_id: str, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/api/v1/jobs/{job_id}").json()
        if job["status"] in ("succeeded", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish")


def test_a_failure_midway_leaves_no_trace(
    as_analyst: TestClient,
    engine: Engine,
    bank: list[str],
    create_draft: Callable[..., dict[str, Any]],
) -> None:
    """A dirty feature store (one customer twice) breaks the delivery list's primary key after
    mb22 and mb21 are written: the whole deploy rolls back."""
    audience = bank[:2000]
    code = create_draft(
        save_audience(engine, audience),
        channels=["push", "popup"],
        popup=popup_content(),
        texts={"ru": {"title": "a", "body": "b"}, "kz": {"title": "a", "body": "b"}},
    )["code"]
    target = as_analyst.post(f"/api/v1/campaigns/{code}/deploy", params={"dry_run": True})
    assert target.json()["tables"]["mb22_local_target"] > 0
    duplicate = sa.text("INSERT INTO feature_store SELECT * FROM feature_store WHERE iin IN :iins")
    duplicate = duplicate.bindparams(sa.bindparam("iins", expanding=True))
    with engine.begin() as conn:
        conn.execute(duplicate, {"iins": audience[:50]})

    failed = as_analyst.post(f"/api/v1/campaigns/{code}/deploy")
    assert failed.status_code == 409, failed.text
    assert "nothing was written" in failed.json()["detail"]
    assert "fd_rb2_campaigns_users" in failed.json()["detail"].lower() or "key" in failed.text
    assert rows_of(engine, code) == EMPTY
    campaign = as_analyst.get(f"/api/v1/campaigns/{code}").json()
    assert campaign["status"] == "draft" and campaign["deployed_at"] is None

    # The same draft deploys once the data is clean.
    with engine.begin() as conn:
        conn.execute(
            sa.text("DELETE FROM feature_store WHERE iin IN :iins").bindparams(
                sa.bindparam("iins", expanding=True)
            ),
            {"iins": audience[:50]},
        )
        conn.execute(sa.text("INSERT INTO feature_store SELECT * FROM feature_store WHERE false"))
    # (the 50 customers are gone from the feature store now: they drop out of push)
    deployed = as_analyst.post(f"/api/v1/campaigns/{code}/deploy")
    assert deployed.status_code == 200, deployed.text
    reasons = deployed.json()["channels"]["push"]["reasons"]
    assert reasons["not_in_feature_store"] >= 40


def test_concurrent_deploys_write_once(
    engine: Engine,
    users: dict[str, str],
    bank: list[str],
    create_draft: Callable[..., dict[str, Any]],
) -> None:
    """Two deploys of one draft at the same moment, each in its own transaction (below the
    API's in-process guard): the warehouse lets exactly one through."""
    code = create_draft(save_audience(engine, bank[:3000]))["code"]
    factory = make_sessionmaker(engine)

    def attempt(_: int) -> str:
        with factory() as db:
            try:
                campaign = service.get_campaign(db, code)
                user = db.get(User, users["analyst"])
                assert user is not None
                deploy.deploy(db, campaign, user.username)
                db.commit()
                return "deployed"
            except Conflict:
                db.rollback()
                return "conflict"

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(attempt, range(2)))
    assert outcomes == ["conflict", "deployed"]
    rows = rows_of(engine, code)
    assert rows["mb22_local_target"] + rows["mb21_local_control"] == 3000


def test_large_deploys_run_as_a_job(
    as_analyst: TestClient,
    engine: Engine,
    bank: list[str],
    create_draft: Callable[..., dict[str, Any]],
) -> None:
    code = create_draft(save_audience(engine, bank[:4000]))["code"]
    started = as_analyst.post(f"/api/v1/campaigns/{code}/deploy", params={"background": True})
    assert started.status_code == 202, started.text
    accepted = started.json()
    assert accepted["code"] == code and accepted["members"] == 4000
    job = _wait_for_job(as_analyst, accepted["job_id"])
    assert job["status"] == "succeeded", job
    assert job["result"]["tables"] == {k: v for k, v in rows_of(engine, code).items()}
    campaign = as_analyst.get(f"/api/v1/campaigns/{code}").json()
    assert campaign["status"] == "deployed" and campaign["deploy_job_id"] == accepted["job_id"]
    again = as_analyst.post(f"/api/v1/campaigns/{code}/deploy", params={"background": True})
    assert again.status_code == 409
    with engine.connect() as conn:
        audited = conn.execute(
            sa.select(AuditEntry.outcome, AuditEntry.status_code).where(
                AuditEntry.target == f"code={code}", AuditEntry.action.contains("deploy")
            )
        ).all()
    # The request (202: accepted as a job), the job's own row when it finished, the refusal.
    assert sorted((tuple(row) for row in audited), key=str) == [
        ("failure", 409),
        ("success", 202),
        ("success", None),
    ]


def test_a_failed_job_leaves_no_trace(
    as_analyst: TestClient,
    engine: Engine,
    bank: list[str],
    create_draft: Callable[..., dict[str, Any]],
) -> None:
    audience = bank[:3000]
    code = create_draft(save_audience(engine, audience))["code"]
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO feature_store SELECT * FROM feature_store WHERE iin IN :iins"
            ).bindparams(sa.bindparam("iins", expanding=True)),
            {"iins": audience[:300]},
        )
    started = as_analyst.post(f"/api/v1/campaigns/{code}/deploy", params={"background": True})
    job = _wait_for_job(as_analyst, started.json()["job_id"])
    assert job["status"] == "failed" and "nothing was written" in job["error"]
    assert job["result"]["error"] == "Conflict"
    assert rows_of(engine, code) == EMPTY
    assert as_analyst.get(f"/api/v1/campaigns/{code}").json()["status"] == "draft"


@pytest.mark.parametrize("status", ["finished", "cancelled"])
def test_status_after_deploy(
    as_analyst: TestClient,
    engine: Engine,
    bank: list[str],
    create_draft: Callable[..., dict[str, Any]],
    status: str,
) -> None:
    code = create_draft(save_audience(engine, bank[:500]))["code"]
    assert as_analyst.post(f"/api/v1/campaigns/{code}/deploy").status_code == 200
    response = as_analyst.post(f"/api/v1/campaigns/{code}/status", json={"status": status})
    if status == "finished":  # it starts tomorrow: finishing is refused, cancelling is not
        assert response.status_code == 409 and "cancel it instead" in response.json()["detail"]
        return
    assert response.status_code == 200, response.text
    rows = rows_of(engine, code)
    assert rows["mb01_camp_dict"] == 1 and rows["mb22_local_target"] == 0
    assert rows["off_limit_campaigns_users"] == 0
    members = as_analyst.post(f"/api/v1/campaigns/{code}/members", json={"iins": bank[600:610]})
    assert members.status_code == 409
