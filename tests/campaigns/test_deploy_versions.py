"""A campaign keeps the audience version it was built on: a newer version does not change what
it deploys (the old snapshot)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from campaign_data import save_audience
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from dataquery.core.clock import bank_today


def _iins(engine: Engine, query: str, **params: Any) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(sa.text(query), params).scalars())


def test_deploy_reads_the_version_the_campaign_was_built_on(
    as_analyst: TestClient,
    engine: Engine,
    bank: list[str],
    create_draft: Callable[..., dict[str, Any]],
) -> None:
    v1 = save_audience(engine, bank[:500])
    code = create_draft(v1)["code"]
    spec = {
        "reference_date": bank_today().isoformat(),
        "filters": [{"kind": "suppression", "list": "global_control"}],
        "limit": 800,
    }
    response = as_analyst.post(f"/api/v1/audiences/{v1}/versions", json={"spec": spec})
    assert response.status_code == 201, response.text
    v2 = response.json()
    assert v2["version"] == 2 and v2["family_id"] == v1
    members = "SELECT iin FROM dq_audience_members WHERE audience_id = :a"
    newer = _iins(engine, members, a=v2["id"])
    assert len(newer) == 800 and newer != set(bank[:500])

    campaign = as_analyst.get(f"/api/v1/campaigns/{code}").json()
    assert campaign["audience_id"] == v1
    deployed = as_analyst.post(f"/api/v1/campaigns/{code}/deploy")
    assert deployed.status_code == 200, deployed.text
    target = _iins(engine, "SELECT iin FROM mb22_local_target WHERE camp_cd = :c", c=code)
    control = _iins(engine, "SELECT iin FROM mb21_local_control WHERE camp_cd = :c", c=code)
    assert target and control
    assert target | control == set(bank[:500]) == _iins(engine, members, a=v1)
    assert not (target | control) <= newer

    versions = as_analyst.get(f"/api/v1/audiences/{v1}/versions").json()
    assert [(v["version"], v["used_by_campaigns"]) for v in versions] == [(1, 1), (2, 0)]
    assert as_analyst.delete(f"/api/v1/audiences/{v1}").status_code == 409
