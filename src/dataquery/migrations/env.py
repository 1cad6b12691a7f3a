"""Alembic environment. Runs on DuckDB, PostgreSQL and Oracle from the same revisions."""

from __future__ import annotations

from alembic import context
from alembic.ddl.impl import DefaultImpl

from dataquery.core.db import create_warehouse_engine
from dataquery.models import Base


class DuckDBImpl(DefaultImpl):
    """Alembic ships no DuckDB implementation; the default DDL works for what we use."""

    __dialect__ = "duckdb"
    transactional_ddl = True


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_warehouse_engine(context.config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=Base.metadata,
        compare_type=True,
        version_table="dq_alembic_version",
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    context.configure(
        url=context.config.get_main_option("sqlalchemy.url"),
        target_metadata=Base.metadata,
        literal_binds=True,
        version_table="dq_alembic_version",
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
