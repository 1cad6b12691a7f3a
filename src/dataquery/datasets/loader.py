"""Catalog tables from Parquet or Arrow: DuckDB reads the file (or the Arrow view) itself,
PostgreSQL gets COPY through the one bulk loader, `core.bulk`.

Never row by row. The load replaces the table inside the caller's transaction, so a failed
load leaves the previous data in place.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from dataquery.core.bulk import copy_batches, registered
from dataquery.core.errors import InvalidInput

_BATCH_ROWS = 200_000


def sql_type(arrow_type: pa.DataType) -> sa.types.TypeEngine[Any]:
    if pa.types.is_boolean(arrow_type):
        return sa.Boolean()
    if pa.types.is_integer(arrow_type):
        return sa.BigInteger() if arrow_type.bit_width > 32 else sa.Integer()
    if pa.types.is_floating(arrow_type):
        return sa.Float()
    if pa.types.is_decimal(arrow_type):
        return sa.Numeric(arrow_type.precision, arrow_type.scale)
    if pa.types.is_date(arrow_type):
        return sa.Date()
    if pa.types.is_timestamp(arrow_type):
        return sa.DateTime()
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return sa.Text()
    raise InvalidInput(
        f"unsupported column type {arrow_type}",
        code="dataset.unsupported_column_type",
        params={"type": str(arrow_type)},
    )


def read_parquet_schema(path: Path) -> pa.Schema:
    try:
        return pq.read_schema(path)
    except (pa.ArrowException, OSError) as exc:
        raise InvalidInput(
            f"{path.name} is not a readable Parquet file: {exc}",
            code="dataset.unreadable_parquet",
            params={"file": path.name},
        ) from exc


def describe_columns(schema: pa.Schema) -> list[dict[str, str]]:
    return [{"name": f.name, "type": str(f.type)} for f in schema]


def quoted(conn: Connection, identifier: str) -> str:
    return conn.dialect.identifier_preparer.quote(identifier)


def replace_table_from_parquet(conn: Connection, table_name: str, path: Path) -> int:
    """Replace `table_name` with the contents of `path`; returns the row count.

    A table the migrations own (e.g. mb11_global_control) keeps its definition and is refilled;
    any other table is recreated from the file's schema.
    """
    schema = read_parquet_schema(path)
    if "iin" not in schema.names:
        raise InvalidInput(
            f"{path.name} has no iin column",
            code="dataset.no_iin_column",
            params={"file": path.name},
        )
    table = quoted(conn, table_name)
    owned = sa.inspect(conn).has_table(table_name) and _is_migration_owned(table_name)
    if conn.dialect.name == "duckdb":
        if owned:
            conn.execute(sa.text(f"DELETE FROM {table}"))
            cols = ", ".join(quoted(conn, c) for c in schema.names)
            conn.execute(
                sa.text(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM read_parquet(:path)"),
                {"path": str(path)},
            )
        else:
            conn.execute(
                sa.text(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM read_parquet(:path)"),
                {"path": str(path)},
            )
    else:
        if owned:
            conn.execute(sa.text(f"DELETE FROM {table}"))
        else:
            conn.execute(sa.text(f"DROP TABLE IF EXISTS {table}"))
            target = sa.Table(
                table_name,
                sa.MetaData(),
                *(sa.Column(f.name, sql_type(f.type)) for f in schema),
            )
            target.create(conn)
        _copy_parquet(conn, table, path)
        if not owned:
            conn.execute(sa.text(f"CREATE INDEX ON {table} (iin)"))
            conn.execute(sa.text(f"ANALYZE {table}"))
    count = conn.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
    return int(count)


def _is_migration_owned(table_name: str) -> bool:
    from dataquery.models import Base

    return table_name in Base.metadata.tables


def _copy_parquet(conn: Connection, table: str, path: Path) -> None:
    """PostgreSQL: stream the file in batches through COPY ... FROM STDIN as CSV."""
    parquet = pq.ParquetFile(path)
    copy_batches(
        conn, table, parquet.schema_arrow.names, parquet.iter_batches(batch_size=_BATCH_ROWS)
    )


def create_table_from_arrow(
    conn: Connection,
    table_name: str,
    data: pa.Table,
    *,
    column_types: Mapping[str, sa.types.TypeEngine[Any]] | None = None,
    unique_index: str | None = None,
    compress_strings: bool = True,
) -> int:
    """Create `table_name` (it must not exist) holding `data`; returns the row count.

    DuckDB reads the Arrow table in place; PostgreSQL gets COPY in batches, then an index on
    `unique_index` (unique: the caller guarantees it) and ANALYZE. Runs in the caller's
    transaction, so a failure leaves nothing behind.

    `compress_strings=False` keeps DuckDB's string columns uncompressed: choosing and building
    the dictionary/FSST compression is most of the cost of a bulk load of text (about 2 of the
    3 CPU-seconds for two million rows of four text columns); the table is then 2–3× larger.
    """
    table = quoted(conn, table_name)
    overrides = column_types or {}
    target = sa.Table(
        table_name,
        sa.MetaData(),
        *(sa.Column(f.name, overrides.get(f.name) or sql_type(f.type)) for f in data.schema),
    )
    if conn.dialect.name == "duckdb":
        with registered(conn, data) as view:
            if compress_strings:
                select = f"SELECT * FROM {quoted(conn, view)}"
                conn.execute(sa.text(f"CREATE TABLE {table} AS {select}"))
            else:
                conn.execute(sa.text(_duckdb_uncompressed_ddl(conn, target)))
                conn.execute(sa.text(f"INSERT INTO {table} SELECT * FROM {quoted(conn, view)}"))
        return data.num_rows
    target.create(conn)
    copy_batches(conn, table, data.schema.names, data.to_batches(max_chunksize=_BATCH_ROWS))
    if unique_index is not None:
        conn.execute(sa.text(f"CREATE UNIQUE INDEX ON {table} ({quoted(conn, unique_index)})"))
    conn.execute(sa.text(f"ANALYZE {table}"))
    return data.num_rows


def _duckdb_uncompressed_ddl(conn: Connection, target: sa.Table) -> str:
    columns = []
    for column in target.columns:
        kind = column.type.compile(dialect=conn.dialect)
        text = isinstance(column.type, sa.String)
        suffix = " USING COMPRESSION uncompressed" if text else ""
        columns.append(f"{quoted(conn, column.name)} {kind}{suffix}")
    return f"CREATE TABLE {quoted(conn, target.name)} ({', '.join(columns)})"
