"""Fixtures of the audience tests: `bank`, the synthetic bank loaded once per module and engine."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from audience_bank import ENGINE_PARAMS, Bank, load_bank

from dataquery.core.db import create_warehouse_engine


@pytest.fixture(scope="module", params=ENGINE_PARAMS)
def bank(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    duckdb_template: Path,
    demo_files: Path,
) -> Iterator[Bank]:
    """A warehouse with the synthetic bank loaded, shared by the module's tests (per engine)."""
    drop = None
    if request.param == "duckdb":
        path = tmp_path_factory.mktemp("bank") / "warehouse.duckdb"
        shutil.copy(duckdb_template, path)
        url = f"duckdb:///{path}"
    else:
        databases = request.getfixturevalue("postgres_databases")
        name, url = databases.new()
        drop = (databases, name)
    engine = create_warehouse_engine(url)
    data = load_bank(engine, demo_files)
    yield Bank(url, engine, data)
    engine.dispose()
    if drop is not None:
        drop[0].drop(drop[1])
