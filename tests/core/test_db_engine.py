"""The warehouse engine's connections as the app opens them."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from dataquery.core.config import Settings
from dataquery.core.db import create_warehouse_engine
from dataquery.main import create_app


def test_postgresql_connections_do_not_jit_compile(engine: Engine) -> None:
    """PostgreSQL's JIT spent seconds compiling an audience's CASE expressions before running
    them in half a second; every connection of the pool has it off, also after a transaction
    was rolled back."""
    if engine.dialect.name != "postgresql":
        pytest.skip("a PostgreSQL setting")
    for _ in range(2):
        with engine.connect() as conn:
            assert conn.scalar(sa.text("SHOW jit")) == "off"
            conn.rollback()
    with engine.connect() as first, engine.connect() as second:
        assert first.scalar(sa.text("SHOW jit")) == second.scalar(sa.text("SHOW jit")) == "off"


def test_the_app_sets_postgresql_parallel_workers_when_configured(
    warehouse_url: str, tmp_path: Path
) -> None:
    """DQ_WAREHOUSE_PARALLEL_WORKERS reaches every connection of the app's pool; unset, the
    server's own setting stays."""
    if not warehouse_url.startswith("postgresql"):
        pytest.skip("a PostgreSQL setting")
    server = create_warehouse_engine(warehouse_url)
    with server.connect() as conn:
        default = conn.scalar(sa.text("SHOW max_parallel_workers_per_gather"))
    server.dispose()
    assert default != "0"  # else the test below could not fail
    for configured, expected in ((0, "0"), (None, default)):
        settings = Settings(
            warehouse_url=warehouse_url,
            data_dir=tmp_path,
            web_dist=tmp_path / "no-web",
            warehouse_parallel_workers=configured,
        )
        app = create_app(settings)
        with app.state.engine.connect() as first, app.state.engine.connect() as second:
            for conn in (first, second):
                assert conn.scalar(sa.text("SHOW max_parallel_workers_per_gather")) == expected
                assert conn.scalar(sa.text("SHOW jit")) == "off"
        app.state.engine.dispose()


def test_statements_that_differ_in_values_compile_once(engine: Engine) -> None:
    """SQLAlchemy's compiled cache, on DuckDB too (duckdb_engine turns it off): the same
    statement shape with other bound values reuses the compiled SQL; a new shape adds one."""
    values = sa.select(sa.literal(1).label("n")).cte("numbers_cte")
    cache: dict[object, object] = {}
    with engine.connect() as conn:
        conn = conn.execution_options(compiled_cache=cache)
        for low in (1, 5, 9):
            query = sa.select(sa.func.count()).select_from(values).where(values.c.n >= low)
            assert conn.scalar(query) == (1 if low <= 1 else 0)
        assert len(cache) == 1
        conn.scalar(sa.select(sa.func.count()).select_from(values).where(values.c.n < 3))
        assert len(cache) == 2
