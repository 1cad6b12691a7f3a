"""Mails about jobs through the app and a real SMTP server (aiosmtpd): the owner hears of a large
upload done or failed, of an export ready and of a deploy that ran as a job, in their language
and only when they want it; admins hear of every failed job."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from smtp_inbox import Inbox
from sqlalchemy.engine import Engine

from dataquery.campaigns import export
from dataquery.core.config import Settings
from dataquery.core.db import make_sessionmaker
from dataquery.datasets.catalog import STANDARD_BY_NAME
from dataquery.datasets.service import load_dataset
from dataquery.notifications.models import NotificationLog
from dataquery.notifications.service import save_preferences

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "campaigns"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "uploads"))
from campaign_data import draft_body, save_audience
from upload_clients import wait_for_job


@pytest.fixture
def settings(warehouse_url: str, tmp_path: Path, smtp: tuple[Inbox, int]) -> Settings:
    return Settings(
        warehouse_url=warehouse_url, data_dir=tmp_path / "var", web_dist=tmp_path / "none",
        scheduler_enabled=False, smtp_host="127.0.0.1", smtp_port=smtp[1],
        smtp_backoff_seconds=0, public_url="https://dq.bank.kz", upload_job_threshold_mb=0,
    )  # fmt: skip


def _mails(inbox: Inbox, count: int) -> list[tuple[list[str], Any]]:
    """The inbox once it holds `count` mails, and no more after a short grace."""
    deadline = time.monotonic() + 20
    while len(inbox.messages) < count:
        assert time.monotonic() < deadline, [m["Subject"] for _, m in inbox.messages]
        time.sleep(0.05)
    time.sleep(0.3)
    assert len(inbox.messages) == count, [m["Subject"] for _, m in inbox.messages]
    return list(inbox.messages)


def _addresses(engine: Engine, users: dict[str, str]) -> None:
    with make_sessionmaker(engine).begin() as db:
        for role, address in (("analyst", "anna@bank.kz"), ("admin", "adam@bank.kz")):
            db.execute(
                sa.text("UPDATE dq_users SET email = :a WHERE username = :name"),
                {"a": address, "name": users[role]},
            )
        save_preferences(db, users["analyst"], "kz", {})


def test_a_large_upload_mails_its_owner_and_a_failed_one_the_admins_too(
    as_analyst: TestClient,
    users: dict[str, str],
    engine: Engine,
    demo_files: Path,
    smtp: tuple[Inbox, int],
) -> None:
    inbox, _ = smtp
    _addresses(engine, users)
    iins = pq.read_table(demo_files / "feature_store.parquet").column("iin").to_pylist()[:30]
    content = ("iin\n" + "\n".join(iins) + "\n").encode()
    queued = as_analyst.post("/api/v1/uploads", files={"file": ("clients.csv", content)})
    assert queued.status_code == 202, queued.text
    assert wait_for_job(as_analyst, queued.json()["job_id"])["status"] == "succeeded"
    ((to, done),) = _mails(inbox, 1)
    assert to == ["anna@bank.kz"]
    assert done["Subject"] == "clients.csv файлы жүктелді: 30 ЖСН"  # her language: Kazakh
    plain = done.get_body(("plain",))
    assert plain is not None and "https://dq.bank.kz/uploads" in plain.get_content()
    assert done.get_body(("html",)) is not None

    # Strict mode and a bad check digit: the job fails; the owner and the admin hear of it.
    broken = iins[0][:11] + str((int(iins[0][11]) + 1) % 10)
    bad = ("iin\n" + "\n".join([*iins[1:5], broken]) + "\n").encode()
    queued = as_analyst.post(
        "/api/v1/uploads", files={"file": ("bad.csv", bad)}, data={"mode": "strict"}
    )
    assert wait_for_job(as_analyst, queued.json()["job_id"])["status"] == "failed"
    by_recipient = {tuple(to): msg for to, msg in _mails(inbox, 3)[1:]}
    assert by_recipient[("anna@bank.kz",)]["Subject"] == "bad.csv файлы жүктелмеді"
    admin = by_recipient[("adam@bank.kz",)]
    assert admin["Subject"] == "Задача upload завершилась ошибкой"
    admin_text = admin.get_body(("plain",))
    assert admin_text is not None and "anna" in admin_text.get_content()

    # Opted out of upload mails: a further upload job mails nobody, and the send log says
    # what went.
    with make_sessionmaker(engine).begin() as db:
        save_preferences(db, users["analyst"], "kz", {"upload_done": False})
    queued = as_analyst.post("/api/v1/uploads", files={"file": ("again.csv", content)})
    assert wait_for_job(as_analyst, queued.json()["job_id"])["status"] == "succeeded"
    _mails(inbox, 3)
    with make_sessionmaker(engine)() as db:
        logged = db.scalars(sa.select(NotificationLog.kind).order_by(NotificationLog.kind))
        assert list(logged) == ["job_failed", "upload_done", "upload_failed"]


def test_a_deploy_job_and_an_export_job_mail_the_owner(
    as_analyst: TestClient,
    users: dict[str, str],
    engine: Engine,
    demo_files: Path,
    smtp: tuple[Inbox, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inbox, _ = smtp
    _addresses(engine, users)
    with make_sessionmaker(engine).begin() as db:
        load_dataset(db, STANDARD_BY_NAME["feature_store"], demo_files / "feature_store.parquet")
        save_preferences(db, users["analyst"], "ru", {})
    iins = pq.read_table(demo_files / "feature_store.parquet").column("iin").to_pylist()[:200]
    code = as_analyst.post(
        "/api/v1/campaigns", json=draft_body(save_audience(engine, iins))
    ).json()["code"]
    started = as_analyst.post(f"/api/v1/campaigns/{code}/deploy", params={"background": True})
    assert started.status_code == 202, started.text
    job = wait_for_job(as_analyst, started.json()["job_id"])
    assert job["status"] == "succeeded", job
    ((to, deployed),) = _mails(inbox, 1)
    assert to == ["anna@bank.kz"]
    assert (
        deployed["Subject"]
        == f"Кампания {code} развёрнута: {job['result']['target']} в целевой группе"
    )
    plain = deployed.get_body(("plain",))
    assert plain is not None and f"https://dq.bank.kz/campaigns/{code}" in plain.get_content()

    monkeypatch.setattr(export, "XLSX_JOB_ROWS", 10)  # "large" for this small campaign
    queued = as_analyst.post(
        f"/api/v1/campaigns/{code}/export-link", json={"format": "xlsx", "group": "all"}
    )
    assert queued.status_code == 202, queued.text
    assert wait_for_job(as_analyst, queued.json()["job_id"])["status"] == "succeeded"
    ready = _mails(inbox, 2)[1][1]
    assert ready["Subject"] == f"Выгрузка {code}_all.xlsx готова"
    text = ready.get_body(("plain",))
    assert text is not None and "200" in text.get_content()


def test_a_query_export_job_mails_who_asked_for_it(
    as_user: TestClient,
    users: dict[str, str],
    engine: Engine,
    smtp: tuple[Inbox, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from dataquery.queries import export as query_export

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "queries"))
    from query_data import generate, load

    inbox, _ = smtp
    load(engine, generate(people=60))
    with make_sessionmaker(engine).begin() as db:
        db.execute(
            sa.text("UPDATE dq_users SET email = 'ulla@bank.kz' WHERE username = :name"),
            {"name": users["user"]},
        )
    monkeypatch.setattr(query_export, "JOB_ROWS", 10)  # "large" for this small table
    spec = {"source": "q_people", "columns": [{"column": "iin"}, {"column": "city"}]}
    queued = as_user.post("/api/v1/queries/export-link", json={"spec": spec, "format": "csv"})
    assert queued.status_code == 202, queued.text
    assert wait_for_job(as_user, queued.json()["job_id"])["status"] == "succeeded"
    ((to, ready),) = _mails(inbox, 1)
    assert to == ["ulla@bank.kz"]
    assert ready["Subject"] == "Выгрузка q_people.csv готова"  # no preference: Russian
    text = ready.get_body(("plain",))
    assert text is not None and "https://dq.bank.kz/query" in text.get_content()
