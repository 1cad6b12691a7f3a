from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.parquet as pq
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from dataquery.core.db import make_sessionmaker
from dataquery.datasets.catalog import STANDARD_BY_NAME, STANDARD_DATASETS
from dataquery.datasets.service import load_dataset


def _load_all(engine: Engine, demo_dir: Path) -> None:
    with make_sessionmaker(engine).begin() as db:
        for spec in STANDARD_DATASETS:
            load_dataset(db, spec, demo_dir / f"{spec.name}.parquet")


def test_catalog_lists_every_loaded_dataset_with_its_rows(
    as_user: TestClient, engine: Engine, demo_files: Path
) -> None:
    client = as_user
    assert client.get("/api/v1/datasets").json() == {"items": [], "total": 0}
    _load_all(engine, demo_files)
    body = client.get("/api/v1/datasets").json()
    assert body["total"] == len(STANDARD_DATASETS)
    by_name = {d["name"]: d for d in body["items"]}
    for spec in STANDARD_DATASETS:
        entry = by_name[spec.name]
        path = demo_files / f"{spec.name}.parquet"
        assert entry["row_count"] == pq.ParquetFile(path).metadata.num_rows > 0
        assert entry["category"] == spec.category.value
        assert entry["refreshed_at"] is not None
        assert [c["name"] for c in entry["columns"]] == pq.read_schema(path).names
        with engine.connect() as conn:
            table = conn.dialect.identifier_preparer.quote(spec.table_name)
            count = conn.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
        assert count == entry["row_count"]
    blacklists = client.get("/api/v1/datasets", params={"category": "blacklist"}).json()
    assert {d["name"] for d in blacklists["items"]} >= {"global_control", "acrm_blacklist"}


def test_global_control_fills_the_bank_table(engine: Engine, demo_files: Path) -> None:
    _load_all(engine, demo_files)
    expected = pq.read_table(demo_files / "global_control.parquet").column("iin").to_pylist()
    with engine.connect() as conn:
        loaded = conn.execute(sa.text("SELECT iin FROM mb11_global_control")).scalars().all()
    assert sorted(loaded) == sorted(expected)
    assert all(len(iin) == 12 for iin in loaded)


def test_refresh_reloads_from_the_source_file(
    as_admin: TestClient, engine: Engine, demo_files: Path, tmp_path: Path
) -> None:
    client = as_admin
    source = tmp_path / "bloggers.parquet"
    shutil.copy(demo_files / "bloggers.parquet", source)
    with make_sessionmaker(engine).begin() as db:
        load_dataset(db, STANDARD_BY_NAME["bloggers"], source)
    before = client.get("/api/v1/datasets/bloggers").json()

    table = pq.read_table(source)
    pq.write_table(table.slice(0, 3), source)
    response = client.post("/api/v1/datasets/bloggers/refresh")
    assert response.status_code == 200
    after = response.json()
    assert after["row_count"] == 3 != before["row_count"]
    assert after["refreshed_at"] > before["refreshed_at"]


def test_failed_refresh_keeps_the_previous_data(
    as_admin: TestClient, engine: Engine, demo_files: Path, tmp_path: Path
) -> None:
    client = as_admin
    source = tmp_path / "employees.parquet"
    shutil.copy(demo_files / "employees.parquet", source)
    with make_sessionmaker(engine).begin() as db:
        load_dataset(db, STANDARD_BY_NAME["employees"], source)
    rows = client.get("/api/v1/datasets/employees").json()["row_count"]
    source.write_bytes(b"not parquet at all")
    response = client.post("/api/v1/datasets/employees/refresh")
    assert response.status_code == 422
    assert client.get("/api/v1/datasets/employees").json()["row_count"] == rows
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT COUNT(*) FROM employees")).scalar_one() == rows


def test_unknown_dataset_is_404(as_admin: TestClient) -> None:
    for response in (
        as_admin.get("/api/v1/datasets/nope"),
        as_admin.post("/api/v1/datasets/nope/refresh"),
    ):
        assert response.status_code == 404
        assert response.json()["error"] == "NotFound"


def test_only_admins_refresh(as_analyst: TestClient, engine: Engine, demo_files: Path) -> None:
    _load_all(engine, demo_files)
    response = as_analyst.post("/api/v1/datasets/bloggers/refresh")
    assert response.status_code == 403
    assert response.json()["error"] == "PermissionDenied"
