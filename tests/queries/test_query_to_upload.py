"""POST /api/v1/queries/to-upload ("use as audience source"): a result's distinct valid IINs
become an accepted upload of the analyst's, that the audience builder previews as a source."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from dataquery import iin
from dataquery.core.db import make_sessionmaker, utcnow
from dataquery.datasets.catalog import STANDARD_BY_NAME
from dataquery.datasets.loader import create_table_from_arrow, describe_columns
from dataquery.datasets.models import Dataset
from dataquery.datasets.service import load_dataset


def test_a_result_becomes_an_upload_the_audience_builder_uses(
    client: TestClient, as_analyst: TestClient, as_user: TestClient, demo_files: Path
) -> None:
    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    with make_sessionmaker(engine).begin() as db:
        load_dataset(db, STANDARD_BY_NAME["feature_store"], demo_files / "feature_store.parquet")
    customers = pq.read_table(demo_files / "feature_store.parquet", columns=["iin"])
    good = customers.column("iin").to_pylist()[:30]
    assert all(iin.is_valid(v) for v in good)
    values = good + good[:5] + ["123", None, "000000000000"]  # duplicates, junk, empty
    segment = ["a" if i % 3 else "b" for i in range(len(values))]
    data = pa.table({"iin": pa.array(values, pa.string()), "segment": pa.array(segment)})
    with make_sessionmaker(engine).begin() as db:
        create_table_from_arrow(db.connection(), "q_list", data)
        db.add(
            Dataset(
                name="q_list",
                category="analytics",
                table_name="q_list",
                row_count=len(values),
                columns=describe_columns(data.schema),
                created_at=utcnow(),
            )
        )
    spec = {
        "source": "q_list",
        "columns": [{"column": "iin"}],
        "filters": {
            "kind": "group",
            "filters": [
                {"kind": "condition", "column": {"column": "segment"}, "op": "=", "value": "a"}
            ],
        },
    }
    made = as_analyst.post("/api/v1/queries/to-upload", json={"spec": spec, "name": "из запроса"})
    assert made.status_code == 201, made.text
    body = made.json()
    kept = {v for v, s in zip(values, segment, strict=True) if s == "a" and v in good}
    assert body["unique_iins"] == len(kept)
    assert body["rows_total"] == segment.count("a")

    upload = as_analyst.get(f"/api/v1/uploads/{body['upload_id']}")
    assert upload.status_code == 200, upload.text
    assert upload.json()["purpose"] == "audience"
    preview = as_analyst.post(
        "/api/v1/audiences/preview",
        json={
            "spec": {
                "source": {"kind": "upload", "upload_id": body["upload_id"]},
                "filters": [],
            },
            "distributions": False,
            "reachability": False,
            "overlap": False,
        },
    )
    assert preview.status_code == 200, preview.text
    assert preview.json()["size"] == len(kept)

    # It is the analyst's: another user does not see it; a user may not make one.
    assert as_user.get(f"/api/v1/uploads/{body['upload_id']}").status_code == 404
    refused = as_user.post("/api/v1/queries/to-upload", json={"spec": spec, "name": "x"})
    assert refused.status_code == 403
    no_iin = {"source": "q_list", "columns": [{"column": "segment"}]}
    answer = as_analyst.post("/api/v1/queries/to-upload", json={"spec": no_iin, "name": "x"})
    assert answer.status_code == 422 and answer.json()["code"] == "query.no_iin_column"
