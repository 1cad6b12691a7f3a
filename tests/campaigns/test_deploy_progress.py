"""A deploy reports its stages with the rows written so far, so the progress bar moves."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from campaign_data import save_audience
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from dataquery.campaigns import deploy, service
from dataquery.core.db import make_sessionmaker


def test_stages_count_rows_up_to_everything_written(
    as_analyst: TestClient,
    engine: Engine,
    bank: list[str],
    create_draft: Callable[..., dict[str, Any]],
) -> None:
    code = create_draft(save_audience(engine, bank[:1200]), control_share=0.25)["code"]
    seen: list[tuple[str, int | None, int | None]] = []

    def record(stage_code: str, done: int | None = None, total: int | None = None) -> None:
        seen.append((stage_code, done, total))

    with make_sessionmaker(engine).begin() as db:
        report = deploy.deploy(db, service.get_campaign(db, code), "analyst", record)
    stages = [stage for stage, _, _ in seen]
    assert stages == list(deploy.STAGES)
    rows = [(done, total) for stage, done, total in seen if stage != "job.stage.split"]
    assert all(done is not None and total is not None and done <= total for done, total in rows)
    dones = [done or 0 for done, _ in rows]
    assert dones == sorted(dones) and dones[0] == 0
    written = sum(report.tables.values())
    assert rows[-1] == (written, written)
    # Each stage starts where the tables before it end.
    by_stage = dict(zip(stages[1:], dones, strict=True))
    assert by_stage["job.stage.write_control"] == report.target
    assert by_stage["job.stage.write_deliveries"] == report.target + report.control
    assert (
        by_stage["job.stage.write_contacts"]
        == report.target + report.control + report.tables["fd_rb2_campaigns_users"]
    )
