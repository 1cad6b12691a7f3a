"""Fixtures of the campaign tests: the demo bank, drafts (shared helpers: campaign_data.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from campaign_data import draft_body
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from dataquery.core.db import make_sessionmaker
from dataquery.datasets.catalog import STANDARD_BY_NAME
from dataquery.datasets.service import load_dataset


@pytest.fixture
def bank(engine: Engine, demo_files: Path) -> list[str]:
    """The demo bank's feature store, push opt-outs and global control, loaded; returns the
    feature store's IINs (in file order)."""
    import pyarrow.parquet as pq

    with make_sessionmaker(engine).begin() as db:
        for name in ("feature_store", "push_optouts", "global_control"):
            load_dataset(db, STANDARD_BY_NAME[name], demo_files / f"{name}.parquet")
    return pq.read_table(demo_files / "feature_store.parquet").column("iin").to_pylist()


@pytest.fixture
def create_draft(as_analyst: TestClient) -> Callable[..., dict[str, Any]]:
    def create(audience_id: str, client: TestClient | None = None, **changes: Any) -> Any:
        response = (client or as_analyst).post(
            "/api/v1/campaigns", json=draft_body(audience_id, **changes)
        )
        assert response.status_code == 201, response.text
        return response.json()

    return create
