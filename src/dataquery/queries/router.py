"""/api/v1/queries (schema, run, compiled SQL, saved queries) and /api/v1/viewer (pages and
column profiles of a table).

Every signed-in role reads: the catalog's datasets (uploads: their owner's), the bank's campaign
tables; admins also the app's own tables (`queries.sources`). Saving queries needs an analyst.
Running a query is audited (who took which rows out); compiling one to read its SQL is not.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import StreamingResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session

from dataquery.audit.service import AUDITED, NOT_AUDITED, audit_context
from dataquery.auth.deps import AnalystUser, AppSettings, CurrentUser
from dataquery.auth.models import User
from dataquery.core import metrics
from dataquery.core.db import DB
from dataquery.core.errors import NotAuthenticated
from dataquery.core.problems import Problems
from dataquery.core.progress import Progress
from dataquery.core.schemas import errors
from dataquery.datasets.access import Viewer
from dataquery.jobs.runner import Runner, job_handler, job_settings
from dataquery.queries import assistant, export, service, viewer
from dataquery.queries.schemas import (
    AssistantAnswer,
    AssistantRequest,
    AssistantStatus,
    ColumnProfile,
    CompiledSql,
    QueryExportLink,
    QueryExportQueued,
    QueryExportRequest,
    QueryRequest,
    QueryResult,
    SavedQueryCreate,
    SavedQueryOut,
    SourceOut,
    ToUploadOut,
    ToUploadRequest,
    ViewerFilters,
    ViewerPage,
)
from dataquery.queries.spec import Condition, QuerySpec
from dataquery.queries.to_upload import to_upload

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
    with metrics.track_query("query.run", user.username) as timer:
        result = service.run(db, Viewer.of(user), body.spec, _limits(settings))
        timer.rows = result.row_count
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


@router.get("/assistant")
def assistant_status(user: CurrentUser, settings: AppSettings) -> AssistantStatus:
    """Whether the SQL assistant is configured (the builder hides its box when not)."""
    return AssistantStatus(enabled=assistant.configured(settings))


@router.post("/assistant", responses=errors(503))
def ask_assistant(
    request: Request, db: DB, user: CurrentUser, settings: AppSettings, body: AssistantRequest
) -> AssistantAnswer:
    """A question (Russian, Kazakh or English) turned into a query spec by the chat model at
    DQ_LLM_URL, validated against the spec schema and the catalog you may read; a coded 422 with
    the reason when the answer does not validate; 404 when not configured, 503 when the model
    does not answer in DQ_LLM_TIMEOUT_SECONDS. Nothing runs. Audited without the question."""
    spec = assistant.ask(db, Viewer.of(user), settings, body.question, body.language)
    context = audit_context(request)
    context.target = f"source={spec.source}"
    context.summary = {"language": body.language}
    return AssistantAnswer(spec=spec.model_dump(mode="json", exclude_none=True))


@router.post(
    "/export-link",
    dependencies=[AUDITED],  # who took which rows out
    responses={202: {"model": QueryExportQueued}},
)
def export_link(
    request: Request,
    response: Response,
    db: DB,
    user: CurrentUser,
    settings: AppSettings,
    runner: Runner,
    body: QueryExportRequest,
) -> QueryExportLink | QueryExportQueued:
    """A link valid for two minutes that the browser downloads the result from (CSV, XLSX or
    Parquet; up to DQ_QUERY_EXPORT_MAX_ROWS rows). Above 100 000 rows a job writes the file
    first (202 with the job; its result is the link)."""
    viewer_ = Viewer.of(user)
    compiled = service.compile_for(db, viewer_, body.spec, settings.query_export_max_rows)
    engine = service.engine_of(db)
    rows = min(export.count_rows(engine, compiled), compiled.limit)
    fmt, username = body.format, user.username
    spec = body.spec.model_dump(mode="json", exclude_none=True)
    secret = settings.secret_key.get_secret_value()
    context = audit_context(request)
    context.target = f"source={body.spec.source}"
    context.summary = {"format": fmt, "rows": rows}

    if rows <= export.JOB_ROWS:
        return _link(secret, username, spec, fmt, rows)
    params = {
        "viewer": {"username": viewer_.username, "is_admin": viewer_.is_admin},
        "spec": spec,
        "format": fmt,
        "rows": rows,
        "max_rows": settings.query_export_max_rows,
        "page": "/query",  # for the mail that says it is ready
    }
    job = runner.enqueue(db, "query.export", username, params)
    response.status_code = status.HTTP_202_ACCEPTED
    return QueryExportQueued(job_id=job.id, rows=rows)


def _link(
    secret: str, username: str, spec: dict[str, Any], fmt: str, rows: int, file: str = ""
) -> QueryExportLink:
    token, expires = export.sign(secret, username, spec, fmt, file)
    url = f"/api/v1/queries/exports/{token}"
    filename = f"{spec['source']}.{fmt}"
    return QueryExportLink(url=url, expires_at=expires, filename=filename, rows=rows)


@job_handler("query.export")
def export_job(db: Session, params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """A large export's job: the file in DQ_DATA_DIR, and the link to it (its result)."""
    settings = job_settings(db)
    viewer_ = Viewer(**params["viewer"])
    spec, fmt, rows = params["spec"], params["format"], params["rows"]
    compiled = service.compile_for(db, viewer_, QuerySpec.model_validate(spec), params["max_rows"])
    name = f"{uuid.uuid4().hex}.{fmt}"
    folder = export.exports_dir(settings.data_dir)
    export.write_job_file(service.engine_of(db), compiled, fmt, folder / name, rows, progress)
    secret = settings.secret_key.get_secret_value()
    return _link(secret, viewer_.username, spec, fmt, rows, name).model_dump(mode="json")


@router.get(
    "/exports/{token}",
    dependencies=[NOT_AUDITED],  # audited when the link was made
    response_class=StreamingResponse,
    responses={200: {"content": {t: {} for t in export.MEDIA_TYPES.values()}}, **errors(401)},
)
def download_export(db: DB, settings: AppSettings, token: str) -> Response:
    """The file of a link from `export-link`, compiled again for the user it was made for."""
    claims = export.read(settings.secret_key.get_secret_value(), token)
    user = db.get(User, str(claims["sub"]))
    if user is None or not user.enabled:
        raise NotAuthenticated(
            "the link's user may no longer sign in", code="query.export.link_invalid"
        )
    fmt = str(claims["format"])
    spec = QuerySpec.model_validate(claims["spec"])
    headers = {
        "Content-Disposition": f'attachment; filename="{spec.source}.{fmt}"',
        "Cache-Control": "no-store",
    }
    media = export.MEDIA_TYPES.get(fmt, export.MEDIA_TYPES["csv"])
    if claims.get("file"):
        path = export.job_file(settings.data_dir, str(claims["file"]))
        return StreamingResponse(export.stream_file(path), media_type=media, headers=headers)
    compiled = service.compile_for(db, Viewer.of(user), spec, settings.query_export_max_rows)
    body = export.stream(service.engine_of(db), compiled, fmt)
    return StreamingResponse(body, media_type=media, headers=headers)


@router.post("/to-upload", status_code=status.HTTP_201_CREATED)
def query_to_upload(
    request: Request, db: DB, user: AnalystUser, settings: AppSettings, body: ToUploadRequest
) -> ToUploadOut:
    """Use as audience source: the result's distinct valid IINs become an accepted upload
    (purpose audience), which the audience builder takes as a source."""
    upload = to_upload(
        db,
        Viewer.of(user),
        body.spec,
        body.name,
        settings.query_export_max_rows,
        settings.query_timeout_seconds,
    )
    context = audit_context(request)
    context.target = f"upload={upload.id}"
    context.summary = {"source": body.spec.source, "unique_iins": upload.unique_iins}
    return ToUploadOut(
        upload_id=upload.id,
        dataset=upload.dataset_name,
        rows_total=upload.rows_total,
        unique_iins=upload.unique_iins,
    )


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
    with metrics.track_query("viewer.page", user.username) as timer:
        page = viewer.page(db, Viewer.of(user), name, request, settings.query_timeout_seconds)
        timer.detail = name
    return page


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
