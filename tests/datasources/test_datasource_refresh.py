"""Data sources: a second PostgreSQL database and a DuckDB file as external sources, refreshed
into the catalog as jobs; credentials never come back; a failed refresh keeps the old data;
an Oracle URL is accepted and its SELECT compiles (Oracle is not run here)."""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.dialects import oracle
from sqlalchemy.engine import Engine, make_url

from dataquery.core.config import Settings
from dataquery.core.db import make_sessionmaker
from dataquery.datasets.catalog import STANDARD_BY_NAME
from dataquery.datasets.models import ListIndex
from dataquery.datasets.service import load_dataset
from dataquery.datasources import service
from dataquery.datasources.models import SourceDataset
from dataquery.main import create_app
from helpers import PASSWORDS, USERNAMES, add_user, login

POSTGRES_URL = os.environ.get("DQ_TEST_POSTGRES_URL")
PASSWORD = "s3cret-Pw-never-shown"


def _wait(client: TestClient, job_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job = client.get(f"/api/v1/jobs/{job_id}").json()
        if job["status"] in ("succeeded", "failed"):
            return job  # type: ignore[no-any-return]
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish")


def _refresh(client: TestClient, dataset: str) -> dict[str, Any]:
    response = client.post(f"/api/v1/data-sources/datasets/{dataset}/refresh")
    assert response.status_code == 202, response.text
    return _wait(client, response.json()["job_id"])


@pytest.fixture
def duck_admin(duckdb_url: str, tmp_path: Path) -> Iterator[TestClient]:
    """An admin's client of a DuckDB warehouse (the catalog the sources refresh into)."""
    settings = Settings(
        warehouse_url=duckdb_url, data_dir=tmp_path / "var", web_dist=tmp_path / "no-web"
    )
    with TestClient(create_app(settings)) as client:
        engine = client.app.state.engine  # type: ignore[attr-defined]
        add_user(engine, USERNAMES["admin"], "admin", PASSWORDS["admin"])
        client.headers.update(login(client, USERNAMES["admin"], PASSWORDS["admin"]))
        yield client
        engine.dispose()


@pytest.fixture
def source_postgres() -> Iterator[str]:
    """A second PostgreSQL database with a table of customers: the external source."""
    if not POSTGRES_URL:
        pytest.skip("DQ_TEST_POSTGRES_URL is not set")
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"dq_src_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    url = make_url(POSTGRES_URL).set(database=name)
    source = sa.create_engine(url)
    with source.begin() as conn:
        conn.execute(
            sa.text(
                "CREATE TABLE vip (iin VARCHAR(12), score NUMERIC(5, 2), flag BOOLEAN,"
                " added DATE, note TEXT)"
            )
        )
        conn.execute(
            sa.text("INSERT INTO vip VALUES (:i, :s, :f, :d, :n)"),
            [
                {"i": "061211600012", "s": 1.5, "f": True, "d": "2026-11-01", "n": "a"},
                {"i": "940140000385", "s": None, "f": False, "d": None, "n": None},
                {"i": "870412300457", "s": 99.99, "f": None, "d": "2026-12-01", "n": "c,d"},
            ],
        )
    source.dispose()
    # A password the source (trust authentication) does not need: it must never come back.
    yield url.set(password=PASSWORD).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


@pytest.mark.postgres
def test_postgres_source_refreshes_into_the_duckdb_catalog(
    duck_admin: TestClient, source_postgres: str
) -> None:
    created = duck_admin.post("/api/v1/data-sources", json={"name": "crm", "url": source_postgres})
    assert created.status_code == 201, created.text
    source = created.json()
    assert PASSWORD not in created.text and ":***@" in source["display_url"]
    assert source["dialect"] == "postgresql"

    tested = duck_admin.post(f"/api/v1/data-sources/{source['id']}/test")
    assert tested.status_code == 200 and tested.json()["ok"] is True, tested.text

    mapped = duck_admin.post(
        "/api/v1/data-sources/datasets",
        json={
            "dataset": "vip_clients",
            "source_id": source["id"],
            "category": "analytics",
            "source_table": "public.vip",
            "schedule": "0 6 * * *",
        },
    )
    assert mapped.status_code == 201, mapped.text
    job = _refresh(duck_admin, "vip_clients")
    assert job["status"] == "succeeded", job
    assert job["result"]["rows"] == 3

    dataset = duck_admin.get("/api/v1/datasets/vip_clients").json()
    assert dataset["row_count"] == 3 and dataset["category"] == "analytics"
    engine: Engine = duck_admin.app.state.engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT iin, score, flag, added, note FROM src_vip_clients ORDER BY iin")
        ).all()
    assert [r.iin for r in rows] == ["061211600012", "870412300457", "940140000385"]
    assert str(rows[0].score) == "1.50" and rows[0].flag is True and rows[2].note is None
    assert rows[1].note == "c,d"

    # The secret is stored encrypted, and nowhere in the API's answers or the audit log.
    with engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT secret FROM dq_data_sources")).scalar_one()
    assert PASSWORD not in stored
    listed = duck_admin.get("/api/v1/data-sources").text
    audit = duck_admin.get("/api/v1/audit", params={"limit": 200}).text
    assert PASSWORD not in listed and PASSWORD not in audit
    assert "source=crm" in audit and "data_sources.refresh_job" in audit

    mappings = duck_admin.get("/api/v1/data-sources/datasets").json()["items"]
    assert mappings[0]["row_count"] == 3 and mappings[0]["last_job_status"] == "succeeded"
    assert mappings[0]["refreshed_at"].endswith("Z")  # UTC, as every timestamp of the API

    # The source's table is gone: the refresh fails and the catalog keeps the old data.
    with sa.create_engine(source_postgres).begin() as conn:
        conn.execute(sa.text("DROP TABLE vip"))
    failed = _refresh(duck_admin, "vip_clients")
    assert failed["status"] == "failed"
    assert failed["result"]["code"] == "datasource.read_failed", failed
    assert PASSWORD not in json.dumps(failed)
    assert duck_admin.get("/api/v1/datasets/vip_clients").json()["row_count"] == 3
    with engine.connect() as conn:
        kept = conn.execute(sa.text("SELECT COUNT(*) FROM src_vip_clients")).scalar_one()
    assert kept == 3

    in_use = duck_admin.delete(f"/api/v1/data-sources/{source['id']}")
    assert in_use.status_code == 409 and in_use.json()["code"] == "datasource.in_use"


def test_duckdb_file_source_keeps_the_list_index_right(
    as_admin: TestClient, tmp_path: Path, demo_files: Path
) -> None:
    """A blacklist refreshed from a DuckDB file marks its members' bits in the feature store
    (on either warehouse engine)."""
    engine: Engine = as_admin.app.state.engine  # type: ignore[attr-defined]
    with make_sessionmaker(engine).begin() as db:
        load_dataset(db, STANDARD_BY_NAME["feature_store"], demo_files / "feature_store.parquet")
    iins = pq.read_table(demo_files / "feature_store.parquet", columns=["iin"]).column(0)
    members = [str(v) for v in iins.slice(0, 25).to_pylist()]

    file = tmp_path / "dssb.duckdb"
    with duckdb.connect(str(file)) as con:
        con.execute("CREATE TABLE blocked (iin VARCHAR, added_date DATE, reason VARCHAR)")
        con.executemany(
            "INSERT INTO blocked VALUES (?, DATE '2026-11-30', 'fraud')", [[i] for i in members]
        )
    source = as_admin.post(
        "/api/v1/data-sources", json={"name": "dssb", "url": f"duckdb:///{file}"}
    ).json()
    mapped = as_admin.post(
        "/api/v1/data-sources/datasets",
        json={
            "dataset": "acrm_blacklist",
            "source_id": source["id"],
            "category": "blacklist",
            "query": "SELECT iin, added_date, reason FROM blocked WHERE reason = 'fraud'",
        },
    )
    assert mapped.status_code == 201, mapped.text
    job = _refresh(as_admin, "acrm_blacklist")
    assert job["status"] == "succeeded", job

    with make_sessionmaker(engine)() as db:
        entry = db.get(ListIndex, "acrm_blacklist")
        assert entry is not None
        marked = db.execute(
            sa.text(
                "SELECT COUNT(*) FROM feature_store WHERE (COALESCE(dq_list_bits, 0) & :m) <> 0"
            ),
            {"m": 1 << entry.bit},
        ).scalar_one()
    assert marked == 25
    assert as_admin.get("/api/v1/datasets/acrm_blacklist").json()["row_count"] == 25


def test_oracle_url_is_accepted_and_its_select_compiles(as_admin: TestClient) -> None:
    url = f"oracle+oracledb://dssb_reader:{PASSWORD}@db.bank.example:1521/?service_name=DSSB"
    created = as_admin.post("/api/v1/data-sources", json={"name": "oracle_dssb", "url": url})
    assert created.status_code == 201, created.text
    assert PASSWORD not in created.text and created.json()["dialect"] == "oracle"
    tested = as_admin.post(f"/api/v1/data-sources/{created.json()['id']}/test").json()
    assert tested["ok"] is False and tested["code"] in (
        "datasource.driver_missing",
        "datasource.connection_failed",
    )
    assert PASSWORD not in json.dumps(tested)

    mapping = SourceDataset(dataset="x", source_table="DSSB.ACRM_BLACKLIST", query=None)
    sql = str(service.source_statement(mapping).compile(dialect=oracle.dialect()))
    assert sql.replace("\n", " ") == "SELECT * FROM DSSB.ACRM_BLACKLIST"

    bad = as_admin.post("/api/v1/data-sources", json={"name": "s", "url": "sqlite:///x.db"})
    assert bad.status_code == 422 and bad.json()["code"] == "datasource.unsupported_backend"
    junk = as_admin.post("/api/v1/data-sources", json={"name": "j", "url": "not a url"})
    assert junk.status_code == 422 and junk.json()["code"] == "datasource.bad_url"


def test_schedules_say_when_a_refresh_is_due(as_admin: TestClient, tmp_path: Path) -> None:
    file = tmp_path / "s.duckdb"
    duckdb.connect(str(file)).close()
    source = as_admin.post(
        "/api/v1/data-sources", json={"name": "s", "url": f"duckdb:///{file}"}
    ).json()
    body = {"dataset": "daily", "source_id": source["id"], "category": "analytics"}
    bad = as_admin.post(
        "/api/v1/data-sources/datasets",
        json={**body, "source_table": "t", "schedule": "every morning"},
    )
    assert bad.status_code == 422 and bad.json()["code"] == "datasource.bad_schedule"
    both = as_admin.post(
        "/api/v1/data-sources/datasets", json={**body, "source_table": "t", "query": "SELECT 1"}
    )
    assert both.status_code == 422 and both.json()["code"] == "datasource.table_or_query"
    made = as_admin.post(
        "/api/v1/data-sources/datasets",
        json={**body, "source_table": "t", "schedule": "0 6 * * *"},
    )
    assert made.status_code == 201, made.text

    engine: Engine = as_admin.app.state.engine  # type: ignore[attr-defined]
    with make_sessionmaker(engine).begin() as db:
        mapping = db.get_one(SourceDataset, "daily")
        mapping.created_at = datetime(2026, 12, 6, 0, 0)  # UTC; 06:00 in Almaty is 01:00 UTC
        db.flush()
        assert service.due_refreshes(db, datetime(2026, 12, 6, 0, 59)) == []
        assert service.due_refreshes(db, datetime(2026, 12, 6, 1, 0)) == ["daily"]
        mapping.last_started_at = datetime(2026, 12, 6, 1, 0, 5)
        db.flush()
        assert service.due_refreshes(db, datetime(2026, 12, 6, 23, 0)) == []
        assert service.due_refreshes(db, datetime(2026, 12, 7, 1, 0)) == ["daily"]

    # The scheduler's tick starts what is due, once.
    from dataquery.jobs.runner import get_runner

    with make_sessionmaker(engine).begin() as db:
        db.get_one(SourceDataset, "daily").last_started_at = None
        db.get_one(SourceDataset, "daily").created_at = datetime(2026, 1, 1)
    settings = as_admin.app.state.settings  # type: ignore[attr-defined]
    runner, factory = get_runner(as_admin.app), make_sessionmaker(engine)  # type: ignore[arg-type]
    assert service.run_due(runner, factory, settings) == ["daily"]
    assert service.run_due(runner, factory, settings) == []
    with make_sessionmaker(engine)() as db:
        job_id = db.get_one(SourceDataset, "daily").last_job_id
    assert job_id is not None
    _wait(as_admin, job_id)  # the source has no table t: it fails, and that is all


def test_an_admin_edits_a_source_and_a_mapping_schedule(
    as_admin: TestClient, tmp_path: Path
) -> None:
    file = tmp_path / "e.duckdb"
    duckdb.connect(str(file)).close()
    url = f"oracle+oracledb://dssb_reader:{PASSWORD}@db.bank.example:1521/?service_name=DSSB"
    source = as_admin.post("/api/v1/data-sources", json={"name": "old", "url": url}).json()
    other = f"postgresql+psycopg://reader:{PASSWORD}x@db2.bank.example/dwh"
    edited = as_admin.patch(
        f"/api/v1/data-sources/{source['id']}", json={"name": "dwh", "url": other}
    )
    assert edited.status_code == 200, edited.text
    assert PASSWORD not in edited.text
    assert edited.json()["name"] == "dwh" and edited.json()["dialect"] == "postgresql"
    assert "db2.bank.example" in edited.json()["display_url"]
    listed = as_admin.get("/api/v1/data-sources").text
    assert PASSWORD not in listed
    audit = as_admin.get("/api/v1/audit", params={"target": "source=dwh"}).text
    assert PASSWORD not in audit and "db2.bank.example" in audit
    as_admin.post("/api/v1/data-sources", json={"name": "taken", "url": f"duckdb:///{file}"})
    clash = as_admin.patch(f"/api/v1/data-sources/{source['id']}", json={"name": "taken"})
    assert clash.status_code == 409 and clash.json()["code"] == "datasource.duplicate"

    made = as_admin.post(
        "/api/v1/data-sources/datasets",
        json={"dataset": "edited", "source_id": source["id"], "category": "analytics",
              "source_table": "t"},
    )  # fmt: skip
    assert made.status_code == 201, made.text
    scheduled = as_admin.patch(
        "/api/v1/data-sources/datasets/edited", json={"schedule": "0 6 * * 1"}
    )
    assert scheduled.status_code == 200 and scheduled.json()["schedule"] == "0 6 * * 1"
    bad = as_admin.patch("/api/v1/data-sources/datasets/edited", json={"schedule": "daily"})
    assert bad.status_code == 422 and bad.json()["code"] == "datasource.bad_schedule"
    cleared = as_admin.patch("/api/v1/data-sources/datasets/edited", json={"schedule": ""})
    assert cleared.json()["schedule"] is None
    missing = as_admin.patch("/api/v1/data-sources/nope", json={"name": "x"})
    assert missing.status_code == 404
