"""The campaign owner's mail about a deploy, through the app and a real SMTP server (aiosmtpd):
done after the commit, failed when nothing was written, none when they opted out."""

from __future__ import annotations

import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from smtp_inbox import Inbox
from sqlalchemy.engine import Engine

from dataquery.core.config import Settings
from dataquery.core.db import make_sessionmaker
from dataquery.datasets.catalog import STANDARD_BY_NAME
from dataquery.datasets.service import load_dataset
from dataquery.notifications.service import save_preferences

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "campaigns"))
from campaign_data import draft_body, save_audience


@pytest.fixture
def settings(warehouse_url: str, tmp_path: Path, smtp: tuple[Inbox, int]) -> Settings:
    return Settings(
        warehouse_url=warehouse_url, data_dir=tmp_path / "var", web_dist=tmp_path / "none",
        scheduler_enabled=False, smtp_host="127.0.0.1", smtp_port=smtp[1],
        smtp_backoff_seconds=0, public_url="https://dq.bank.kz",
    )  # fmt: skip


def _wait_for(inbox: Inbox, count: int) -> None:
    deadline = time.monotonic() + 20
    while len(inbox.messages) < count:
        assert time.monotonic() < deadline, f"{len(inbox.messages)} mails, expected {count}"
        time.sleep(0.05)


def test_the_owner_hears_of_a_deploy_in_their_language(
    as_analyst: TestClient,
    users: dict[str, str],
    engine: Engine,
    demo_files: Path,
    smtp: tuple[Inbox, int],
) -> None:
    inbox, _ = smtp
    with make_sessionmaker(engine).begin() as db:
        load_dataset(db, STANDARD_BY_NAME["feature_store"], demo_files / "feature_store.parquet")
        db.execute(
            sa.text("UPDATE dq_users SET email = 'anna@bank.kz' WHERE username = :name"),
            {"name": users["analyst"]},
        )
        save_preferences(db, users["analyst"], "kz", {})
    import pyarrow.parquet as pq

    iins = pq.read_table(demo_files / "feature_store.parquet").column("iin").to_pylist()[:200]
    code = as_analyst.post(
        "/api/v1/campaigns", json=draft_body(save_audience(engine, iins))
    ).json()["code"]
    deployed = as_analyst.post(f"/api/v1/campaigns/{code}/deploy")
    assert deployed.status_code == 200, deployed.text
    _wait_for(inbox, 1)
    to, msg = inbox.messages[0]
    assert to == ["anna@bank.kz"]
    assert msg["Subject"].startswith(f"{code} науқаны іске қосылды")
    plain = msg.get_body(("plain",))
    assert plain is not None and f"https://dq.bank.kz/campaigns/{code}" in plain.get_content()

    # A second deploy is refused (already deployed): nothing failed, no mail.
    assert as_analyst.post(f"/api/v1/campaigns/{code}/deploy").status_code == 409

    # Opted out of failure mails: a deploy that fails (start date passed) mails nobody; opted
    # in again, it does.
    past: dict[str, Any] = draft_body(save_audience(engine, iins))
    failing = as_analyst.post("/api/v1/campaigns", json=past).json()["code"]
    with engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE mb01_camp_dict SET start_date = start_date - :days WHERE camp_cd = :c"),
            {"days": timedelta(days=5), "c": failing},
        )
    with make_sessionmaker(engine).begin() as db:
        save_preferences(db, users["analyst"], "ru", {"deploy_failed": False})
    assert as_analyst.post(f"/api/v1/campaigns/{failing}/deploy").status_code == 422
    with make_sessionmaker(engine).begin() as db:
        save_preferences(db, users["analyst"], "ru", {})
    assert as_analyst.post(f"/api/v1/campaigns/{failing}/deploy").status_code == 422
    _wait_for(inbox, 2)
    time.sleep(0.3)
    assert len(inbox.messages) == 2
    assert inbox.messages[1][1]["Subject"] == f"Кампания {failing} не развёрнута"
