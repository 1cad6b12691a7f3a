"""POST /api/v1/queries/export-link and the signed download: CSV, XLSX (IINs as text, bold
header, frozen row) and Parquet of a query's result, on DuckDB and PostgreSQL; a job with
progress above the row threshold; audited; forged links refused."""

from __future__ import annotations

import io
import time
import zipfile
from typing import Any

import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from python_calamine import CalamineWorkbook
from query_data import Tables, generate, load
from sqlalchemy.engine import Engine

from dataquery.queries import export

API = "/api/v1/queries"


def _engine(client: TestClient) -> Engine:
    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    return engine


@pytest.fixture
def tables(client: TestClient) -> Tables:
    data = generate(people=60)
    load(_engine(client), data)
    return data


SPEC: dict[str, Any] = {
    "source": "q_people",
    "columns": [{"column": "iin"}, {"column": "city"}, {"column": "n"}, {"column": "d"}],
    "filters": {
        "kind": "group",
        "filters": [{"kind": "condition", "column": {"column": "n"}, "op": "not_null"}],
    },
    "order_by": [{"field": "iin"}],
}


def _expected(tables: Tables) -> list[dict[str, Any]]:
    return sorted((r for r in tables.people if r["n"] is not None), key=lambda r: r["iin"])


def _download(client: TestClient, fmt: str) -> bytes:
    link = client.post(f"{API}/export-link", json={"spec": SPEC, "format": fmt})
    assert link.status_code == 200, link.text
    url = link.json()["url"]
    assert "Bearer" not in url
    answer = TestClient(client.app).get(url)  # no token: the link is the right
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-disposition"] == f'attachment; filename="q_people.{fmt}"'
    return answer.content


def test_csv_and_parquet_hold_the_result(as_user: TestClient, tables: Tables) -> None:
    want = _expected(tables)
    lines = _download(as_user, "csv").decode().splitlines()
    assert lines[0] == '"iin","city","n","d"'
    assert len(lines) == 1 + len(want)
    assert lines[1].startswith(f'"{want[0]["iin"]}"')  # text: leading zeros kept
    table = pq.read_table(io.BytesIO(_download(as_user, "parquet")))
    assert table.column_names == ["iin", "city", "n", "d"]
    assert table.column("iin").to_pylist() == [r["iin"] for r in want]
    assert table.column("n").to_pylist() == [float(r["n"]) for r in want]
    assert table.column("d").to_pylist() == [r["d"] for r in want]


def test_xlsx_has_text_iins_a_bold_frozen_header(as_user: TestClient, tables: Tables) -> None:
    want = _expected(tables)
    content = _download(as_user, "xlsx")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert rows[0] == ["iin", "city", "n", "d"]
    assert [r[0] for r in rows[1:]] == [r["iin"] for r in want]
    assert want[0]["iin"].startswith("0") and rows[1][0] == want[0]["iin"]
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
        styles = archive.read("xl/styles.xml").decode()
    assert 'state="frozen"' in sheet and 'ySplit="1"' in sheet
    assert "<b/>" in styles


def test_a_large_export_is_a_job_and_its_file_is_fetched_once(
    as_user: TestClient, tables: Tables, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export, "JOB_ROWS", 10)
    queued = as_user.post(f"{API}/export-link", json={"spec": SPEC, "format": "csv"})
    assert queued.status_code == 202, queued.text
    job_id = queued.json()["job_id"]
    assert queued.json()["rows"] == len(_expected(tables))
    for _ in range(200):
        job = as_user.get(f"/api/v1/jobs/{job_id}").json()
        if job["status"] in ("succeeded", "failed"):
            break
        time.sleep(0.05)
    assert job["status"] == "succeeded", job
    url = job["result"]["url"]
    anonymous = TestClient(as_user.app)
    first = anonymous.get(url)
    assert first.status_code == 200
    assert len(first.text.splitlines()) == 1 + len(_expected(tables))
    again = anonymous.get(url)
    assert again.status_code == 404 and again.json()["code"] == "query.export.file_gone"


def test_links_are_audited_and_cannot_be_forged(as_user: TestClient, tables: Tables) -> None:
    link = as_user.post(f"{API}/export-link", json={"spec": SPEC, "format": "csv"}).json()
    anonymous = TestClient(as_user.app)
    forged = anonymous.get(link["url"][:-3] + "abc")
    assert forged.status_code == 401 and forged.json()["code"] == "query.export.link_invalid"
    campaign_route = link["url"].replace("/queries/exports/", "/campaigns/exports/")
    assert anonymous.get(campaign_route).status_code == 401  # a link of another kind
    with _engine(as_user).connect() as conn:
        targets = conn.execute(
            sa.text("SELECT target FROM dq_audit_log WHERE action = :a"),
            {"a": "queries.export_link"},
        ).scalars()
        assert "source=q_people" in set(targets)
    hidden = {"spec": {"source": "dq_users"}, "format": "csv"}
    assert as_user.post(f"{API}/export-link", json=hidden).status_code == 422
