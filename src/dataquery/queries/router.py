"""/api/v1/queries (schema, run, compiled SQL, saved queries) and /api/v1/viewer (pages and
column profiles of a table).

Every signed-in role reads: the catalog's datasets (uploads: their owner's), the bank's campaign
tables; admins also the app's own tables (`queries.sources`). Saving queries needs an analyst.
Running a query is audited (who took which rows out); compiling one to read its SQL is not.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status
from pydantic import ValidationError

from dataquery.audit.service import NOT_AUDITED, audit_context
from dataquery.auth.deps import AnalystUser, AppSettings, CurrentUser
from dataquery.core.db import DB
from dataquery.core.problems import Problems
from dataquery.core.schemas import errors
from dataquery.datasets.access import Viewer
from dataquery.queries import service, viewer
from dataquery.queries.schemas import (
    ColumnProfile,
    CompiledSql,
    QueryRequest,
    QueryResult,
    SavedQueryCreate,
    SavedQueryOut,
    SourceOut,
    ViewerFilters,
    ViewerPage,
)
from dataquery.queries.spec import Condition

router = APIRouter(prefix="/queries", tags=["queries"], responses=errors(401, 403, 404, 422))
viewer_router = APIRouter(prefix="/viewer", tags=["viewer"], responses=errors(401, 403, 404, 422))


def _limits(settings: AppSettings) -> service.Limits:
    return service.Limits(settings.query_max_rows, settings.query_timeout_seconds)


@router.get("/schema")
def query_schema(db: DB, user: CurrentUser) -> list[SourceOut]:
    """The tables you may query, with their columns and kinds (the builder's schema tree)."""
    return service.schema(db, Viewer.of(user))


@router.post("/run")
def run_query(
    request: Request, db: DB, user: CurrentUser, settings: AppSettings, body: QueryRequest
) -> QueryResult:
    """Compile the spec and run it read-only; at most DQ_QUERY_MAX_ROWS rows (`truncated` says
    when more matched), stopped after DQ_QUERY_TIMEOUT_SECONDS."""
    result = service.run(db, Viewer.of(user), body.spec, _limits(settings))
    context = audit_context(request)
    context.target = f"source={body.spec.source}"
    context.summary = {"rows": result.row_count, "joins": [j.table for j in body.spec.joins]}
    return result


@router.post("/sql", dependencies=[NOT_AUDITED])
def compiled_sql(
    db: DB, user: CurrentUser, settings: AppSettings, body: QueryRequest
) -> CompiledSql:
    """The SQL the spec compiles to on this warehouse, to show (values as parameters)."""
    return service.sql(db, Viewer.of(user), body.spec, settings.query_max_rows)


@router.get("/saved")
def list_saved_queries(db: DB, user: CurrentUser) -> list[SavedQueryOut]:
    """Your saved queries and the shared ones of others (admins: all)."""
    return [SavedQueryOut.model_validate(s) for s in service.list_saved(db, Viewer.of(user))]


@router.post("/saved", status_code=status.HTTP_201_CREATED)
def create_saved_query(
    request: Request, db: DB, user: AnalystUser, body: SavedQueryCreate
) -> SavedQueryOut:
    saved = service.create_saved(db, Viewer.of(user), body)
    context = audit_context(request)
    context.target = f"saved_query={saved.id}"
    context.summary = {"name": saved.name, "shared": saved.shared}
    return SavedQueryOut.model_validate(saved)


@router.get("/saved/{query_id}")
def get_saved_query(db: DB, user: CurrentUser, query_id: str) -> SavedQueryOut:
    return SavedQueryOut.model_validate(service.get_saved(db, Viewer.of(user), query_id))


@router.put("/saved/{query_id}")
def update_saved_query(
    request: Request, db: DB, user: AnalystUser, query_id: str, body: SavedQueryCreate
) -> SavedQueryOut:
    """Change a saved query (its owner or an admin)."""
    saved = service.update_saved(db, Viewer.of(user), query_id, body)
    context = audit_context(request)
    context.target = f"saved_query={saved.id}"
    context.summary = {"name": saved.name, "shared": saved.shared}
    return SavedQueryOut.model_validate(saved)


@router.delete("/saved/{query_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_saved_query(request: Request, db: DB, user: AnalystUser, query_id: str) -> Response:
    """Delete a saved query (its owner or an admin)."""
    saved = service.delete_saved(db, Viewer.of(user), query_id)
    context = audit_context(request)
    context.target = f"saved_query={saved.id}"
    context.summary = {"name": saved.name}
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _filters(text: str | None) -> tuple[Condition, ...]:
    if not text:
        return ()
    try:
        return tuple(ViewerFilters.model_validate_json(f'{{"filters": {text}}}').filters)
    except ValidationError as exc:
        problems = Problems()
        problems.add_validation_errors(exc.errors(), strip=("filters",))
        problems.raise_if_any(code="viewer.bad_filters")
        raise  # pragma: no cover  (raise_if_any raised)


FiltersParam = Annotated[
    str | None,
    Query(
        max_length=20_000,
        description='JSON list of conditions, e.g. [{"column": {"column": "gender"}, '
        '"op": "=", "value": "F"}] (AND)',
    ),
]


@viewer_router.get("/{name}/rows")
def viewer_rows(
    db: DB,
    user: CurrentUser,
    settings: AppSettings,
    name: str,
    sort: Annotated[str | None, Query(max_length=63)] = None,
    desc: bool = False,
    after: Annotated[str | None, Query(max_length=4000, description="next_cursor")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    q: Annotated[str | None, Query(max_length=200, description="Search text columns")] = None,
    filters: FiltersParam = None,
    count: Annotated[bool, Query(description="Also count the matching rows")] = False,
) -> ViewerPage:
    """One page of a table in (sort, key) order, keyset-paginated: pass `next_cursor` as
    `after` for the next one."""
    request = viewer.PageRequest(
        sort=sort,
        desc=desc,
        after=after,
        limit=min(limit, settings.viewer_page_max),
        search=q,
        filters=_filters(filters),
        count=count,
    )
    return viewer.page(db, Viewer.of(user), name, request, settings.query_timeout_seconds)


@viewer_router.get("/{name}/profile/{column}")
def viewer_profile(
    db: DB,
    user: CurrentUser,
    settings: AppSettings,
    name: str,
    column: str,
    filters: FiltersParam = None,
) -> ColumnProfile:
    """A column's type, nulls, distinct values, min/max and top values or histogram."""
    return viewer.profile(
        db, Viewer.of(user), name, column, _filters(filters), settings.query_timeout_seconds
    )
