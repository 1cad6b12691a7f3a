"""The one bulk loader: Arrow in and out of the warehouse, never row by row.

Used by campaigns (IIN sets: split, deploy, members, export) and datasets (catalog tables from
Parquet or Arrow, uploads).

DuckDB shares Arrow memory with the engine (a registered table is a zero-copy view on the same
connection, hence inside the caller's transaction); PostgreSQL streams CSV through COPY in both
directions; any other engine (Oracle) falls back to batched executemany.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import sqlalchemy as sa
from sqlalchemy.engine import Connection

BATCH_ROWS = 500_000
_LEFTOVER_VIEWS = "dq_leftover_arrow_views"

RowsWritten = Callable[[int], None]  # rows written so far


def compiled_sql(conn: Connection, statement: sa.ClauseElement) -> tuple[str, Any]:
    # render_postcompile: IN lists (expanding parameters) become plain parameters here, as the
    # raw driver call gets no chance to expand them.
    compiled = statement.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    if conn.dialect.positional:
        order = getattr(compiled, "positiontup", None) or ()
        return str(compiled), [compiled.params[name] for name in order]
    return str(compiled), compiled.params


def settled(conn: Connection) -> Any:
    """DuckDB: the raw connection, without a pending result. SQLAlchemy leaves a statement's
    result open after `.first()` or a DML (DuckDB cannot close a cursor), and DuckDB refuses
    `sql()` and friends on a connection with an unfinished result; dropping that result leaves
    the transaction as it is."""
    raw = conn.connection.driver_connection
    raw.abort()  # type: ignore[union-attr]
    leftovers = conn.connection.info.get(_LEFTOVER_VIEWS)
    while leftovers:
        with suppress(Exception):  # still inside the failed transaction: try again later
            raw.unregister(leftovers[-1])  # type: ignore[union-attr]
            leftovers.pop()
            continue
        break
    return raw


def fetch_arrow(conn: Connection, statement: sa.Select[Any], schema: pa.Schema) -> pa.Table:
    """The rows of `statement` as an Arrow table of `schema` (column names and types)."""
    if conn.dialect.name == "duckdb":
        sql, params = compiled_sql(conn, statement)
        raw = settled(conn)
        table = raw.sql(sql, params=params).to_arrow_table()
        return table.rename_columns(schema.names).cast(schema)
    if conn.dialect.name == "postgresql":
        sql, params = compiled_sql(conn, statement)
        buffer = io.BytesIO()
        dbapi = conn.connection.driver_connection
        with (
            dbapi.cursor() as cursor,  # type: ignore[union-attr]
            cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)", params) as copy,
        ):
            for chunk in copy:
                buffer.write(chunk)
        if buffer.tell() == 0:
            return schema.empty_table()
        buffer.seek(0)
        return pacsv.read_csv(
            buffer,
            read_options=pacsv.ReadOptions(column_names=schema.names),
            convert_options=pacsv.ConvertOptions(
                column_types=schema, strings_can_be_null=True, quoted_strings_can_be_null=False
            ),
        )
    rows = conn.execute(statement).all()
    columns: list[Any] = list(zip(*rows, strict=True)) if rows else [[] for _ in schema.names]
    return pa.Table.from_arrays(
        [pa.array(list(col), type=f.type) for col, f in zip(columns, schema, strict=True)],
        schema=schema,
    )


def insert_arrow(
    conn: Connection,
    table: sa.Table | sa.TableClause,
    data: pa.Table,
    progress: RowsWritten | None = None,
) -> int:
    """Append `data` (columns named as the table's) to `table`; returns the rows written."""
    columns = data.schema.names
    written = 0
    for start in range(0, max(data.num_rows, 1), BATCH_ROWS):
        batch = data.slice(start, BATCH_ROWS)
        if batch.num_rows == 0:
            break
        _insert_batch(conn, table, columns, batch)
        written += batch.num_rows
        if progress:
            progress(written)
    return written


def _insert_batch(
    conn: Connection, table: sa.Table | sa.TableClause, columns: list[str], batch: pa.Table
) -> None:
    quote = conn.dialect.identifier_preparer.quote
    column_list = ", ".join(quote(c) for c in columns)
    target = quote(table.name)
    if conn.dialect.name == "duckdb":
        with registered(conn, batch) as view:
            conn.execute(
                sa.text(f"INSERT INTO {target} ({column_list}) SELECT {column_list} FROM {view}")
            )
        return
    if conn.dialect.name == "postgresql":
        copy_batches(conn, target, columns, batch.to_batches())
        return
    conn.execute(sa.insert(table), batch.to_pylist())


def copy_batches(
    conn: Connection, table: str, names: list[str], batches: Iterable[pa.RecordBatch]
) -> None:
    """PostgreSQL: COPY `table` (already quoted) FROM STDIN as CSV, one batch at a time."""
    quote = conn.dialect.identifier_preparer.quote
    columns = ", ".join(quote(c) for c in names)
    options = pacsv.WriteOptions(include_header=False)
    statement = f"COPY {table} ({columns}) FROM STDIN (FORMAT csv)"
    dbapi = conn.connection.driver_connection
    with dbapi.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
        for batch in batches:
            buffer = io.BytesIO()
            pacsv.write_csv(batch, buffer, write_options=options)
            copy.write(buffer.getbuffer())


@contextmanager
def registered(conn: Connection, data: pa.Table) -> Iterator[str]:
    """DuckDB: `data` as a view on this connection for the duration of the block."""
    name = f"dq_arrow_{uuid.uuid4().hex[:12]}"
    raw = settled(conn)
    raw.register(name, data)
    try:
        yield name
    except BaseException:
        # A failed statement aborts a DuckDB transaction, and unregistering fails until the
        # rollback: the next use of this connection unregisters the view instead.
        conn.connection.info.setdefault(_LEFTOVER_VIEWS, []).append(name)
        raise
    settled(conn).unregister(name)


@contextmanager
def staged(conn: Connection, data: pa.Table) -> Iterator[sa.TableClause]:
    """`data` (string columns and booleans) as a table the warehouse can join, inside the
    caller's transaction, gone afterwards: a registered view on DuckDB, a temporary table
    elsewhere."""
    columns: list[sa.ColumnClause[Any]] = [sa.column(f.name) for f in data.schema]
    if conn.dialect.name == "duckdb":
        with registered(conn, data) as view:
            yield sa.table(view, *columns)
        return
    name = f"dq_stage_{uuid.uuid4().hex[:12]}"
    temp = sa.Table(
        name,
        sa.MetaData(),
        *(
            sa.Column(f.name, sa.Boolean() if pa.types.is_boolean(f.type) else sa.String(40))
            for f in data.schema
        ),
        prefixes=["TEMPORARY"],
        postgresql_on_commit="DROP",
    )
    temp.create(conn)
    insert_arrow(conn, temp, data)
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text(f"ANALYZE {name}"))
    # On failure the transaction's rollback (or ON COMMIT DROP) removes it; a DROP here would
    # fail in an aborted PostgreSQL transaction and hide the original error.
    yield sa.table(name, *columns)
    temp.drop(conn)
