"""The warehouse: one SQLAlchemy engine, one transaction per request.

The same metadata serves DuckDB (embedded default), PostgreSQL (server) and Oracle (the bank's).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import sqlalchemy as sa
from duckdb_engine import Dialect as DuckDBDialect
from fastapi import Depends, FastAPI, Request
from sqlalchemy.engine import Dialect, Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class JSONText(sa.TypeDecorator[Any]):
    """JSON kept as text: the same column on DuckDB, PostgreSQL and Oracle."""

    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else json.dumps(value, ensure_ascii=False, default=str)

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        return None if value is None else json.loads(value)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def naive_utc(moment: datetime) -> datetime:
    """Timestamps are stored as naive UTC; convert an aware one first."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


# IINs are 12-character strings everywhere: leading zeros matter.
IIN = sa.String(12)


class CachingDuckDBDialect(DuckDBDialect):
    """duckdb_engine's dialect with SQLAlchemy's compiled-statement cache on. It compiles with
    PostgreSQL's compiler, which caches; duckdb_engine turned the cache off only to silence
    SQLAlchemy's warning until someone tested it. Compiling a 20-step audience preview costs
    about 20 ms, and an analyst who changes a step's values (ages, amounts, dates, top N: bound
    parameters) previews the same statement shape again."""

    supports_statement_cache = True


sa.dialects.registry.register("duckdb.dataquery", __name__, "CachingDuckDBDialect")
# Compiled statements kept per engine (SQLAlchemy's LRU, pruned at 1.5 times this; its default
# is 500). A 20-step preview's takes about 2 MB, so the cache stays under about 150 MB.
COMPILED_CACHE_SIZE = 50


def create_warehouse_engine(
    url: str, pool: dict[str, float] | None = None, parallel_workers: int | None = None
) -> Engine:
    """`pool`: pool_size, max_overflow and pool_timeout (the server's, from the settings);
    `parallel_workers`: PostgreSQL's parallel workers per query (None: the server's)."""
    parsed = make_url(url)
    in_memory = parsed.database in (None, "", ":memory:")
    if parsed.get_backend_name() == "duckdb" and parsed.database and not in_memory:
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    if in_memory:  # a single-connection pool (SingletonThreadPool) takes no sizes
        pool = None
    duckdb = parsed.get_backend_name() == "duckdb"
    # hide_parameters: a failed statement's message (logged, maybe shown) never carries the
    # values bound to it: password hashes, IINs, tokens.
    engine = sa.create_engine(
        parsed.set(drivername="duckdb+dataquery") if duckdb else parsed,
        pool_pre_ping=not duckdb,
        hide_parameters=True,
        query_cache_size=COMPILED_CACHE_SIZE,
        **(pool or {}),
    )
    if engine.dialect.name == "postgresql":
        statements = ["SET jit = off"]
        if parallel_workers is not None:
            statements.append(f"SET max_parallel_workers_per_gather = {int(parallel_workers)}")
        sa.event.listen(engine, "connect", _session_settings(statements))
    return engine


def _session_settings(statements: list[str]) -> Callable[[Any, Any], None]:
    """Run on each new PostgreSQL connection. JIT is off: PostgreSQL compiles a costly
    statement with LLVM first, and an audience's long CASE expressions over a million rows took
    5 s to compile and 0.5 s to run. Parallel workers as configured: a 1 M-customer preview
    takes 0.5 s of three processes (0.93 s of CPU) or 0.7 s of one (0.70 s); with 50 analysts
    on 2 cores one each served more (bench/load.py)."""

    def apply(dbapi_connection: Any, _record: Any) -> None:
        with dbapi_connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        dbapi_connection.commit()

    return apply


class WarehouseLocked(RuntimeError):
    """Another process holds the DuckDB file: a second server must not start on it."""


def hold_embedded_warehouse(engine: Engine) -> sa.Connection | None:
    """On DuckDB, open the file for the whole life of the server and keep it open.

    A DuckDB file has one writing process. Holding a connection from the start makes a second
    server on the same file fail at once with a clear message, instead of answering 500s, and
    keeps the lock from passing to a CLI command between two requests.
    """
    if engine.dialect.name != "duckdb" or engine.url.database in (None, "", ":memory:"):
        return None
    try:
        return engine.connect()
    except sa.exc.DBAPIError as exc:
        if "lock" not in str(exc.orig).lower():
            raise
        raise WarehouseLocked(
            f"the warehouse file {engine.url.database} is in use by another process "
            "(a running server or CLI command); stop it first, or use PostgreSQL to run "
            "several instances"
        ) from None


@dataclass(frozen=True)
class TransactionHook:
    """Work that rides on a request's transaction, registered by a higher layer (the audit row)
    so that this module needs to import none: `before_commit` adds rows to the session,
    `after_commit` learns that they landed."""

    before_commit: Callable[[Request, Session], None]
    after_commit: Callable[[Request], None]


def install_transaction_hook(app: FastAPI, hook: TransactionHook) -> None:
    hooks: list[TransactionHook] = getattr(app.state, "transaction_hooks", [])
    app.state.transaction_hooks = [*hooks, hook]


def get_db(request: Request) -> Iterator[Session]:
    """The request's transaction: committed when the endpoint returns, rolled back on error.

    The installed hooks (a mutating request's audit row) write in this same transaction.
    """
    hooks: list[TransactionHook] = getattr(request.app.state, "transaction_hooks", [])
    session: Session = request.app.state.sessionmaker()
    try:
        yield session
        for hook in hooks:
            hook.before_commit(request, session)
        session.commit()
        for hook in hooks:
            hook.after_commit(request)
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


# scope="function": the commit happens before the response is sent, so a failed commit is
# reported to the client instead of after a 200.
DB = Annotated[Session, Depends(get_db, scope="function")]


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)
