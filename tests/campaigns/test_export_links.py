"""Exports through a short-lived signed link: no bearer token in the URL, audited when made."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from campaign_data import save_audience
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from dataquery.audit.models import AuditEntry
from dataquery.campaigns import export
from dataquery.core.config import Settings
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


def test_a_large_xlsx_is_written_by_a_job_then_fetched_once(
    as_analyst: TestClient,
    client: TestClient,
    engine: Engine,
    bank: list[str],
    settings: Settings,
    create_draft: Callable[..., dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from python_calamine import CalamineWorkbook

    code = create_draft(save_audience(engine, bank[:300]), control_share=0.2)["code"]
    assert as_analyst.post(f"/api/v1/campaigns/{code}/deploy").status_code == 200
    monkeypatch.setattr(export, "XLSX_JOB_ROWS", 10)  # "large" for this small campaign
    queued = as_analyst.post(
        f"/api/v1/campaigns/{code}/export-link", json={"format": "xlsx", "group": "all"}
    )
    assert queued.status_code == 202, queued.text
    assert queued.json()["rows"] == 300
    job_url = f"/api/v1/jobs/{queued.json()['job_id']}"
    for _ in range(600):
        job = as_analyst.get(job_url).json()
        if job["status"] in ("succeeded", "failed"):
            break
        time.sleep(0.05)
    assert job["status"] == "succeeded", job
    assert job["progress"] == 1.0
    link = job["result"]
    assert link["filename"] == f"{code}_all.xlsx"

    anonymous = TestClient(client.app)
    answer = anonymous.get(link["url"])
    assert answer.status_code == 200, answer.text
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(answer.content))
    sheet = workbook.get_sheet_by_index(0).to_python()
    assert sheet[0] == ["iin", "group"] and len(sheet) == 301
    # Fetched once: the file is gone, and nothing is left in the exports folder.
    again = anonymous.get(link["url"])
    assert again.status_code == 404 and again.json()["code"] == "campaign.export.file_gone"
    assert not list((settings.data_dir / "exports").glob("*"))
