"""Queries: the schema a caller may query, compile, run, and saved queries.

Every table a spec names is resolved for the caller (`sources.resolve_source`): what they may not
read is unknown to them (422), before any SQL is built.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from dataquery.core.clock import bank_today
from dataquery.core.db import utcnow
from dataquery.core.errors import NotFound
from dataquery.datasets.access import Viewer
from dataquery.queries import sources as src
from dataquery.queries.compiler import Compiled, compile_spec, table_names
from dataquery.queries.execute import plain_rows, run_read_only
from dataquery.queries.models import SavedQuery
from dataquery.queries.schemas import (
    CompiledSql,
    QueryColumn,
    QueryResult,
    SavedQueryCreate,
    SourceOut,
)
from dataquery.queries.spec import QuerySpec


@dataclass(frozen=True, slots=True)
class Limits:
    max_rows: int
    timeout_seconds: float


def engine_of(db: Session) -> Engine:
    bind = db.get_bind()
    assert isinstance(bind, Engine)
    return bind


def schema(db: Session, viewer: Viewer) -> list[SourceOut]:
    return [
        SourceOut(
            name=s.name,
            category=s.category,
            description=s.description,
            row_count=s.row_count,
            columns=[QueryColumn(name=c.name, kind=c.kind) for c in s.columns],
            key=list(s.key),
        )
        for s in src.readable_sources(db, viewer)
    ]


def compile_for(db: Session, viewer: Viewer, spec: QuerySpec, max_rows: int) -> Compiled:
    tables = {
        name: src.resolve_source(db, viewer, name, field) for name, field in table_names(spec)
    }
    return compile_spec(
        spec,
        tables,
        dialect=engine_of(db).dialect.name,
        reference_date=bank_today(),
        max_rows=max_rows,
    )


def run(db: Session, viewer: Viewer, spec: QuerySpec, limits: Limits) -> QueryResult:
    compiled = compile_for(db, viewer, spec, limits.max_rows)
    found = run_read_only(engine_of(db), compiled.statement, limits.timeout_seconds)
    rows = found.rows[: compiled.limit]
    return QueryResult(
        columns=[QueryColumn(name=c.name, kind=c.kind) for c in compiled.columns],
        rows=plain_rows(rows),
        row_count=len(rows),
        truncated=len(found.rows) > compiled.limit,
        limit=compiled.limit,
    )


def sql(db: Session, viewer: Viewer, spec: QuerySpec, max_rows: int) -> CompiledSql:
    compiled = compile_for(db, viewer, spec, max_rows)
    dialect = engine_of(db).dialect
    text = compiled.statement.compile(dialect=dialect)
    params = {k: v for k, v in text.params.items()}
    return CompiledSql(
        dialect=dialect.name,
        sql=str(text),
        params={
            k: v if isinstance(v, int | float | str | bool | list) else str(v)
            for k, v in params.items()
        },
    )


# --- saved queries ---------------------------------------------------------------------------


def _visible_saved(db: Session, viewer: Viewer, query_id: str) -> SavedQuery:
    saved = db.get(SavedQuery, query_id)
    if saved is None or not (viewer.is_admin or saved.shared or saved.owner == viewer.username):
        raise NotFound(
            f"saved query {query_id!r} not found",
            code="query.saved_not_found",
            params={"id": query_id},
        )
    return saved


def _own_saved(db: Session, viewer: Viewer, query_id: str) -> SavedQuery:
    """The saved query, to change: its owner's (or an admin's); a shared one others only read."""
    saved = _visible_saved(db, viewer, query_id)
    if not viewer.is_admin and saved.owner != viewer.username:
        raise NotFound(
            f"saved query {query_id!r} not found",
            code="query.saved_not_found",
            params={"id": query_id},
        )
    return saved


def list_saved(db: Session, viewer: Viewer) -> list[SavedQuery]:
    """Your saved queries and everyone's shared ones (admins: all), newest change first."""
    import sqlalchemy as sa

    query = sa.select(SavedQuery).order_by(SavedQuery.updated_at.desc(), SavedQuery.id)
    if not viewer.is_admin:
        query = query.where(sa.or_(SavedQuery.owner == viewer.username, SavedQuery.shared))
    return list(db.scalars(query))


def get_saved(db: Session, viewer: Viewer, query_id: str) -> SavedQuery:
    return _visible_saved(db, viewer, query_id)


def create_saved(db: Session, viewer: Viewer, body: SavedQueryCreate) -> SavedQuery:
    compile_for(db, viewer, body.spec, 1)  # only specs that compile for their owner are kept
    now = utcnow()
    saved = SavedQuery(
        id=str(uuid.uuid4()),
        name=body.name,
        description=body.description,
        owner=viewer.username,
        shared=body.shared,
        spec=body.spec.model_dump(mode="json", exclude_none=True),
        created_at=now,
        updated_at=now,
    )
    db.add(saved)
    db.flush()
    return saved


def update_saved(db: Session, viewer: Viewer, query_id: str, body: SavedQueryCreate) -> SavedQuery:
    saved = _own_saved(db, viewer, query_id)
    compile_for(db, viewer, body.spec, 1)
    saved.name = body.name
    saved.description = body.description
    saved.shared = body.shared
    saved.spec = body.spec.model_dump(mode="json", exclude_none=True)
    saved.updated_at = utcnow()
    db.flush()
    return saved


def delete_saved(db: Session, viewer: Viewer, query_id: str) -> SavedQuery:
    saved = _own_saved(db, viewer, query_id)
    db.delete(saved)
    db.flush()
    return saved
