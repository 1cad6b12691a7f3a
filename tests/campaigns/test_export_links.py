"""Exports through a short-lived signed link: no bearer token in the URL, audited when made."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from campaign_data import save_audience
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from dataquery.audit.models import AuditEntry
from dataquery.campaigns import export
from dataquery.core.db import make_sessionmaker


def test_a_signed_link_downloads_without_a_token(
    as_analyst: TestClient,
    client: TestClient,
    engine: Engine,
    bank: list[str],
    users: dict[str, str],
    create_draft: Callable[..., dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code = create_draft(save_audience(engine, bank[:400]), control_share=0.2)["code"]
    assert as_analyst.post(f"/api/v1/campaigns/{code}/deploy").status_code == 200
    link = as_analyst.post(
        f"/api/v1/campaigns/{code}/export-link", json={"format": "csv", "group": "target"}
    )
    assert link.status_code == 200, link.text
    url = link.json()["url"]
    assert link.json()["filename"] == f"{code}_target.csv"
    assert "Bearer" not in url and code not in url  # the right is the signature, nothing else

    anonymous = TestClient(client.app)  # no Authorization header
    answer = anonymous.get(url)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-disposition"] == f'attachment; filename="{code}_target.csv"'
    assert answer.headers["cache-control"] == "no-store"
    rows = answer.text.splitlines()
    targets = as_analyst.get(f"/api/v1/campaigns/{code}").json()["target_count"]
    assert rows[0] == "iin,group" and len(rows) == 1 + targets

    # Forged, altered or expired links are 401 with a code.
    assert anonymous.get(url[:-3] + "abc").json()["code"] == "campaign.export.link_invalid"
    assert anonymous.get("/api/v1/campaigns/exports/nonsense").status_code == 401
    monkeypatch.setattr(export, "LINK_SECONDS", -5)
    expired = as_analyst.post(f"/api/v1/campaigns/{code}/export-link", json={}).json()["url"]
    answer = anonymous.get(expired)
    assert answer.status_code == 401 and answer.json()["code"] == "campaign.export.link_expired"

    with make_sessionmaker(engine)() as db:
        audited = db.execute(
            sa.select(AuditEntry.username, AuditEntry.summary).where(
                AuditEntry.target == f"code={code}", AuditEntry.action.contains("export")
            )
        ).all()
    assert [(row.username, row.summary["group"]) for row in audited][:1] == [
        (users["analyst"], "target")
    ]
