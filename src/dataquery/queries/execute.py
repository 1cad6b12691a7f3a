"""Run a compiled SELECT read-only, with a time limit, on a connection of its own.

- PostgreSQL: the connection's transaction is `READ ONLY` with a `statement_timeout`, so even a
  statement that tried to write would be refused by the server.
- DuckDB has no read-only transaction on a read-write file: the statement is a SELECT built by
  the compiler (never text from the user), and a timer interrupts it at the time limit.
- Other engines (Oracle): the statement is compiled for them; the time limit is not enforced.

Its own connection: a request's transaction has already read (who is signed in), and
PostgreSQL accepts `SET TRANSACTION READ ONLY` only as a transaction's first statement.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from dataquery.core.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class Rows:
    keys: tuple[str, ...]
    rows: list[tuple[Any, ...]]


def timed_out(seconds: float) -> InvalidInput:
    return InvalidInput(
        f"the query ran longer than {seconds:g} s and was stopped",
        code="query.timeout",
        params={"seconds": seconds},
    )


def run_read_only(engine: Engine, statement: sa.Executable, timeout_seconds: float) -> Rows:
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            # An integer we computed, not user text: SET takes no bound parameters.
            conn.exec_driver_sql(f"SET LOCAL statement_timeout = {int(timeout_seconds * 1000)}")
            try:
                result = conn.execute(statement)
                return Rows(tuple(result.keys()), [tuple(r) for r in result])
            except sa.exc.OperationalError as exc:
                if "statement timeout" in str(exc.orig):
                    raise timed_out(timeout_seconds) from None
                raise
            finally:
                conn.rollback()
        if conn.dialect.name == "duckdb":
            raw: Any = conn.connection.dbapi_connection
            fired = threading.Event()

            def interrupt() -> None:
                fired.set()
                raw.interrupt()

            timer = threading.Timer(timeout_seconds, interrupt)
            timer.start()
            try:
                result = conn.execute(statement)
                return Rows(tuple(result.keys()), [tuple(r) for r in result])
            except sa.exc.DBAPIError:
                if fired.is_set():
                    raise timed_out(timeout_seconds) from None
                raise
            finally:
                timer.cancel()
                conn.rollback()
        result = conn.execute(statement)
        try:
            return Rows(tuple(result.keys()), [tuple(r) for r in result])
        finally:
            conn.rollback()


def plain(value: Any) -> Any:
    """A warehouse value as JSON: dates as ISO text, decimals as numbers."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return None
    return value


def plain_rows(rows: Sequence[tuple[Any, ...]]) -> list[list[Any]]:
    return [[plain(v) for v in row] for row in rows]
