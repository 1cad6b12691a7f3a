"""POST/GET/DELETE /api/v1/uploads on a real warehouse (DuckDB, and PostgreSQL when set)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from corpus import (
    bad_checksum,
    bin_number,
    csv_bytes,
    many_iins_csv,
    person_iins,
    png_bytes,
    xls_bytes,
    xlsx_bytes,
)
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from upload_clients import Clients, wait_for_job

from dataquery.core.config import Settings

IINS = person_iins(30)
URL = "/api/v1/uploads"


def post(
    client: TestClient, content: bytes, name: str = "list.csv", **fields: str
) -> Any:  # httpx.Response
    return client.post(URL, files={"file": (name, content)}, data=fields)


def engine_of(client: TestClient) -> Engine:
    return client.app.state.engine  # type: ignore[attr-defined,no-any-return]


def table_rows(client: TestClient, table: str) -> list[tuple[Any, ...]]:
    with engine_of(client).connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(f'SELECT * FROM "{table}" ORDER BY 1'))]


def temp_files(settings: Settings) -> list[Path]:
    folder = settings.data_dir / "tmp" / "uploads"
    return sorted(folder.iterdir()) if folder.exists() else []


def sample_csv() -> bytes:
    rows = [["ИИН", "Сумма", "Сегмент"]]
    rows += [[IINS[0], "1500", "VIP"], [IINS[0], "10", "x"], [BIN := bin_number(), "1", "y"]]
    rows += [[bad_checksum(IINS[1]), "2", "z"], [IINS[2], "", "Массовый"]]
    assert BIN
    return csv_bytes(rows, ";", "cp1251")


def test_an_upload_becomes_a_dataset(as_analyst: TestClient, settings: Settings) -> None:
    response = post(as_analyst, sample_csv(), "Клиенты март.csv", purpose="suppression")
    assert response.status_code == 201, response.text
    report = response.json()
    assert report["filename"] == "Клиенты март.csv" and report["status"] == "ready"
    assert (report["rows_total"], report["rows_valid"], report["unique_iins"]) == (5, 3, 2)
    assert (report["rows_bin"], report["rows_bad_checksum"], report["rows_duplicate"]) == (1, 1, 1)
    upload_id = report["id"]
    assert report["dataset"] == f"upload_{upload_id}" and report["created_at"].endswith("Z")

    assert as_analyst.get(f"{URL}/{upload_id}").json() == report
    dataset = as_analyst.get(f"/api/v1/datasets/upload_{upload_id}").json()
    assert dataset["category"] == "upload" and dataset["owner"] == "anna"
    assert dataset["purpose"] == "suppression" and dataset["source"] == "Клиенты март.csv"
    assert dataset["row_count"] == 2
    assert [c["name"] for c in dataset["columns"]] == ["iin", "summa", "segment"]
    assert table_rows(as_analyst, f"upload_{upload_id}") == sorted(
        [(IINS[0], "1500", "VIP"), (IINS[2], None, "Массовый")]
    )
    assert temp_files(settings) == []


def test_excel_uploads_store_on_every_engine(as_analyst: TestClient) -> None:
    lost_zero = next(v for v in IINS if v.startswith("0"))
    sheet: list[list[object]] = [["ИИН", "Оффер"], [float(lost_zero), 1500.0], [IINS[1], 7.5]]
    for content, name in (
        (xlsx_bytes({"Лист1": sheet}), "a.xlsx"),
        (xls_bytes({"L": sheet}), "b.xls"),
    ):
        response = post(as_analyst, content, name)
        assert response.status_code == 201, response.text
        report = response.json()
        assert (report["rows_valid"], report["rows_normalized"]) == (2, 1)
        assert table_rows(as_analyst, report["dataset"]) == sorted(
            [(lost_zero, "1500"), (IINS[1], "7.5")]
        )


def test_strict_mode_rejects_the_whole_file(as_analyst: TestClient, settings: Settings) -> None:
    response = post(as_analyst, sample_csv(), mode="strict")
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "InvalidInput" and "strict mode: 2 of 5 rows" in body["detail"]
    assert body["report"]["status"] == "rejected" and body["report"]["id"] is None
    assert [e["row"] for e in body["report"]["errors"]] == [4, 5]
    assert as_analyst.get(URL).json() == {"items": [], "total": 0}
    assert as_analyst.get("/api/v1/datasets", params={"category": "upload"}).json()["total"] == 0
    assert temp_files(settings) == []


@pytest.mark.parametrize(
    ("content", "name", "status", "words"),
    [
        (b"", "empty.csv", 422, "the file is empty"),
        (png_bytes(), "photo.csv", 415, "PNG image"),
        (b"iin\n12345\nabc\n", "bad.csv", 422, "no valid IIN"),
        (b"PK\x03\x04" + b"\x00" * 40, "cut.xlsx", 415, "damaged zip"),
    ],
    ids=["empty", "png", "no-valid-iin", "damaged-zip"],
)
def test_bad_files_are_refused_with_a_clear_message(
    as_analyst: TestClient, settings: Settings, content: bytes, name: str, status: int, words: str
) -> None:
    response = post(as_analyst, content, name)
    assert response.status_code == status, response.text
    assert words in response.json()["detail"]
    assert temp_files(settings) == []


def test_bad_requests(as_analyst: TestClient) -> None:
    assert as_analyst.post(URL, json={"file": "x"}).status_code == 415
    no_file = as_analyst.post(URL, data={"mode": "skip"}, files={"other": ("a", b"1")})
    assert no_file.status_code == 422 and "file" in no_file.json()["detail"]
    assert post(as_analyst, IINS[0].encode(), mode="lenient").status_code == 422
    assert post(as_analyst, IINS[0].encode(), purpose="x").status_code == 422
    response = post(as_analyst, csv_bytes([["a", "b"], [IINS[0], IINS[1]]]), iin_column="c")
    assert response.status_code == 422 and response.json()["columns"] == ["a", "b"]


def test_too_large_is_refused_before_it_is_stored(
    clients_with: Callable[..., Clients], settings: Settings
) -> None:
    analyst = clients_with(upload_max_mb=1)["analyst"]
    big = b"iin\n" + (IINS[0].encode() + b"\n") * 100_000  # 1.3 MB
    response = post(analyst, big)
    assert response.status_code == 413 and "1 MB" in response.json()["detail"]
    # A body without Content-Length is counted as it arrives.
    chunks = iter([b"x" * 65536] * 40)
    streamed = analyst.post(
        URL,
        content=_multipart_stream(chunks),
        headers={"Content-Type": "multipart/form-data; boundary=BOUNDARY"},
    )
    assert streamed.status_code == 413
    assert temp_files(settings) == []


def _multipart_stream(chunks: Any) -> Any:
    yield b'--BOUNDARY\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n'
    yield from chunks
    yield b"\r\n--BOUNDARY--\r\n"


def test_who_sees_and_deletes_what(clients_with: Callable[..., Clients]) -> None:
    clients = clients_with()
    anna, boris, admin, user = (clients[r] for r in ("analyst", "analyst2", "admin", "user"))
    assert post(user, sample_csv()).status_code == 403
    assert post(clients["anonymous"], sample_csv()).status_code == 401
    mine = post(anna, sample_csv()).json()["id"]
    theirs = post(boris, csv_bytes([[IINS[5]]])).json()["id"]

    assert [u["id"] for u in anna.get(URL).json()["items"]] == [mine]
    assert {u["id"] for u in admin.get(URL).json()["items"]} == {mine, theirs}
    assert admin.get(URL, params={"limit": 1}).json()["total"] == 2
    assert [u["id"] for u in admin.get(URL, params={"owner": "boris"}).json()["items"]] == [theirs]
    assert anna.get(URL, params={"owner": "boris"}).json()["total"] == 1  # still her own
    assert len(admin.get(URL, params={"limit": 1, "offset": 1}).json()["items"]) == 1
    assert user.get(URL).json() == {"items": [], "total": 0}
    assert anna.get(f"{URL}/{theirs}").status_code == 404
    assert anna.delete(f"{URL}/{theirs}").status_code == 404
    assert user.delete(f"{URL}/{mine}").status_code == 403

    assert admin.get(f"{URL}/{mine}").status_code == 200
    assert admin.delete(f"{URL}/{theirs}").status_code == 204
    assert anna.delete(f"{URL}/{mine}").status_code == 204
    assert anna.get(f"{URL}/{mine}").status_code == 404
    assert admin.get(URL).json()["total"] == 0
    assert admin.get("/api/v1/datasets", params={"category": "upload"}).json()["total"] == 0
    tables = sa.inspect(engine_of(anna)).get_table_names()
    assert f"upload_{mine}" not in tables and f"upload_{theirs}" not in tables


def test_upload_and_delete_are_audited(clients_with: Callable[..., Clients]) -> None:
    clients = clients_with()
    anna, admin = clients["analyst"], clients["admin"]
    upload_id = post(anna, sample_csv(), "a.csv").json()["id"]
    anna.delete(f"{URL}/{upload_id}")
    post(anna, sample_csv(), mode="strict")
    rows = admin.get("/api/v1/audit", params={"target": upload_id}).json()["items"]
    by_action = {r["action"]: r for r in rows}
    created = by_action["uploads.create_upload"]
    assert created["username"] == "anna" and created["outcome"] == "success"
    assert created["summary"]["filename"] == "a.csv" and created["summary"]["unique_iins"] == 2
    deleted = by_action["uploads.delete_upload"]
    assert deleted["status_code"] == 204 and deleted["summary"]["owner"] == "anna"
    failed = admin.get(
        "/api/v1/audit", params={"action": "uploads.create_upload", "outcome": "failure"}
    ).json()["items"]
    assert [r["status_code"] for r in failed] == [422]


def test_large_files_are_processed_as_a_job(
    clients_with: Callable[..., Clients], settings: Settings
) -> None:
    clients = clients_with(upload_job_threshold_mb=0)
    anna, boris, admin = clients["analyst"], clients["analyst2"], clients["admin"]
    response = post(anna, sample_csv())
    assert response.status_code == 202, response.text
    queued = response.json()
    assert queued["status"] == "queued" and set(queued) == {"job_id", "status", "upload_id"}
    job = wait_for_job(anna, queued["job_id"])
    assert job["status"] == "succeeded" and job["progress"] == 1.0 and job["kind"] == "upload"
    audited = admin.get("/api/v1/audit", params={"action": "uploads.create_upload"}).json()
    assert [(r["status_code"], r["summary"]["job_id"]) for r in audited["items"]] == [
        (202, queued["job_id"])
    ]
    report = job["result"]
    assert report["id"] == queued["upload_id"] and report["job_id"] == queued["job_id"]
    assert anna.get(f"{URL}/{report['id']}").json() == report
    assert boris.get(f"/api/v1/jobs/{queued['job_id']}").status_code == 404
    assert admin.get(f"/api/v1/jobs/{queued['job_id']}").status_code == 200

    rejected = post(anna, sample_csv(), mode="strict").json()
    failed = wait_for_job(anna, rejected["job_id"])
    assert failed["status"] == "failed" and failed["error"].startswith("strict mode")
    assert failed["result"]["report"]["rows_bad_checksum"] == 1
    assert anna.get(f"{URL}/{rejected['upload_id']}").status_code == 404
    assert temp_files(settings) == []


@pytest.mark.timeout(120)
def test_two_million_rows(clients_with: Callable[..., Clients]) -> None:
    anna = clients_with()["analyst"]
    content, distinct = many_iins_csv(2_000_000)
    response = post(anna, content, "big.csv")
    assert response.status_code == 202
    job = wait_for_job(anna, response.json()["job_id"], timeout=100)
    assert job["status"] == "succeeded", job
    report = job["result"]
    assert report["rows_total"] == report["rows_valid"] == 2_000_000
    assert report["unique_iins"] == distinct
    assert report["rows_duplicate"] == 2_000_000 - distinct
    with engine_of(anna).connect() as conn:
        count = conn.execute(sa.text(f"SELECT COUNT(DISTINCT iin) FROM {report['dataset']}"))
        assert count.scalar_one() == distinct


_names = st.text(max_size=40)
_fields = st.fixed_dictionaries(
    {},
    optional={
        "mode": st.sampled_from(["skip", "strict", "", "x"]),
        "iin_column": st.text(max_size=10),
        "sheet": st.text(max_size=10),
        "purpose": st.sampled_from(["audience", "suppression", "?"]),
    },
)
_contents = st.one_of(
    st.binary(max_size=3000),
    st.lists(st.sampled_from([*IINS[:3], "", ";", ",", '"', "\t", "ИИН", "1e+11", "\r\n", "\n"]))
    .map(lambda parts: "".join(parts))
    .flatmap(
        lambda text: st.sampled_from(["utf-8", "cp1251", "utf-16"]).map(
            lambda enc: text.encode(enc, errors="replace")
        )
    ),
    st.just(png_bytes()),
    st.just(xlsx_bytes({"S": [["iin"], [IINS[0]]]})).flatmap(
        lambda data: st.integers(0, len(data)).map(lambda n: data[:n])
    ),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(content=_contents, name=_names, fields=_fields)
def test_no_upload_causes_a_500(
    as_analyst: TestClient, content: bytes, name: str, fields: dict[str, str]
) -> None:
    response = as_analyst.post(URL, files={"file": (name, content)}, data=fields)
    assert response.status_code in (201, 413, 415, 422), (response.status_code, response.text)
    body = response.json()
    if response.status_code == 201:
        assert body["rows_valid"] >= 1
    else:
        assert body["error"] and body["detail"]


def test_files_left_by_a_stopped_server_are_removed_on_start(
    clients_with: Callable[..., Clients], settings: Settings
) -> None:
    folder = settings.data_dir / "tmp" / "uploads"
    folder.mkdir(parents=True)
    (folder / "upload-abc.part").write_bytes(b"half a file")
    clients_with()
    assert temp_files(settings) == []
