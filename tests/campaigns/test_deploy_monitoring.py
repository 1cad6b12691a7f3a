"""A deploy shows on the monitoring side: the query log (kind, user, rows), the rows-deployed
counter, the deploy-threshold and control-share settings, and the daily figures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from campaign_data import draft_body, save_audience
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.engine import Engine

from dataquery.core.clock import bank_today


def _deployed_rows() -> float:
    from dataquery.core import metrics

    text = metrics.render()[0].decode()
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "dq_deployed_rows_total"
    )


def test_a_deploy_is_logged_counted_and_shown_daily(
    as_analyst: TestClient,
    as_admin: TestClient,
    engine: Engine,
    bank: list[str],
    create_draft: Callable[..., dict[str, Any]],
) -> None:
    before = _deployed_rows()
    # Contacts are dated by the campaign's start: today, so today's bar holds them.
    code = create_draft(save_audience(engine, bank[:500]), start_date=bank_today().isoformat())[
        "code"
    ]
    deployed = as_analyst.post(f"/api/v1/campaigns/{code}/deploy")
    assert deployed.status_code == 200, deployed.text
    tables = deployed.json()["tables"]
    assert _deployed_rows() - before == sum(tables.values())

    queries = as_analyst.get("/api/v1/monitoring/queries", params={"kind": "deploy.write"})
    [logged] = queries.json()
    assert logged["username"] == "anna" and logged["detail"] == code and logged["ok"] is True
    assert logged["rows"] == sum(tables.values()) and logged["duration_ms"] > 0
    assert "deploy.write" in as_analyst.get("/api/v1/monitoring/query-kinds").json()

    tiles = as_analyst.get("/api/v1/monitoring/tiles").json()
    assert tiles["campaigns_deployed_today"] == 1
    daily = as_analyst.get("/api/v1/monitoring/daily", params={"days": 3}).json()
    today = next(item for item in daily["items"] if item["day"] == bank_today().isoformat())
    assert sum(today["contacts"].values()) == tables["off_limit_campaigns_users"] > 0
    assert set(today["contacts"]) <= {"push", "sms"}


def test_deploy_threshold_and_control_share_settings_apply(
    as_analyst: TestClient,
    as_admin: TestClient,
    engine: Engine,
    bank: list[str],
) -> None:
    changed = as_admin.put(
        "/api/v1/admin/settings",
        json={"deploy_job_threshold_rows": 10, "default_control_share": 0.25},
    )
    assert changed.status_code == 200, changed.text
    body = draft_body(save_audience(engine, bank[:300]))
    del body["control_share"]
    draft = as_analyst.post("/api/v1/campaigns", json=body)
    assert draft.status_code == 201, draft.text
    assert draft.json()["control_share"] == 0.25
    # 300 members is above the threshold of 10: the deploy goes to a job.
    response = as_analyst.post(f"/api/v1/campaigns/{draft.json()['code']}/deploy")
    assert response.status_code == 202 and response.json()["job_id"]
