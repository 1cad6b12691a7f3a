"""The warehouse engine's connections as the app opens them."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine


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
