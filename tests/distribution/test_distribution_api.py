"""/api/v1/distributions and the campaign's pool_share switch, through the app."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from dist_data import ACTIVE, DAY, build_bank
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from dataquery.audit.models import AuditEntry
from dataquery.core.db import make_sessionmaker
from helpers import USERNAMES


def test_an_admin_runs_a_day_dry_first_then_for_real_once(
    as_admin: TestClient, as_user: TestClient, engine: Engine, demo_files: Path, tmp_path: Path
) -> None:
    build_bank(engine, demo_files, tmp_path, size=300)
    assert as_user.post("/api/v1/distributions", json={"day": DAY.isoformat()}).status_code == 403

    dry = as_admin.post("/api/v1/distributions", json={"day": DAY.isoformat()})
    assert dry.status_code == 200, dry.text
    assert dry.json()["status"] == "dry_run" and dry.json()["run_id"] is None
    assert [c["code"] for c in dry.json()["campaigns"]] == ACTIVE

    done = as_admin.post("/api/v1/distributions", json={"day": DAY.isoformat(), "dry_run": False})
    assert done.json()["status"] == "done"
    assert done.json()["distributed"] == dry.json()["distributed"] > 0
    again = as_admin.post("/api/v1/distributions", json={"day": DAY.isoformat(), "dry_run": False})
    assert again.json()["status"] == "already_done"
    assert again.json()["run_id"] == done.json()["run_id"]

    history = as_user.get("/api/v1/distributions").json()
    assert [(r["day"], r["status"], r["trigger"]) for r in history["items"]] == [
        (DAY.isoformat(), "done", "manual")
    ]
    assert history["items"][0]["username"] == USERNAMES["admin"]
    assert history["scheduler_enabled"] is False and history["next_run_at"] is None
    with make_sessionmaker(engine)() as db:
        audited = db.scalars(
            sa.select(AuditEntry).where(AuditEntry.action.like("distributions.%"))
        ).all()
    assert sorted(a.summary["dry_run"] for a in audited if a.outcome == "success") == [
        False,
        False,
        True,
    ]


def test_bad_input_and_a_missing_pool_are_answered_with_codes(as_admin: TestClient) -> None:
    bad = as_admin.post("/api/v1/distributions", json={"day": "yesterday"})
    assert bad.status_code == 422
    missing = as_admin.post("/api/v1/distributions", json={"day": DAY.isoformat()})
    assert missing.status_code == 409
    assert missing.json()["code"] == "distribution.pool_missing"


def test_a_deployed_campaign_opts_out_of_the_pool(
    as_admin: TestClient, engine: Engine, demo_files: Path, tmp_path: Path
) -> None:
    build_bank(engine, demo_files, tmp_path, size=100)
    code = ACTIVE[0]
    assert as_admin.get(f"/api/v1/campaigns/{code}").json()["pool_share"] is True
    changed = as_admin.patch(f"/api/v1/campaigns/{code}", json={"pool_share": False})
    assert changed.status_code == 200, changed.text
    assert changed.json()["pool_share"] is False
    # Anything else still needs a draft.
    refused = as_admin.patch(f"/api/v1/campaigns/{code}", json={"name": "x", "pool_share": True})
    assert refused.status_code == 409
    dry = as_admin.post("/api/v1/distributions", json={"day": DAY.isoformat()}).json()
    assert [c["code"] for c in dry["campaigns"]] == ACTIVE[1:]
