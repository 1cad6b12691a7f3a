"""POST/GET /api/v1/uploads, GET/DELETE /api/v1/uploads/{id}."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, Literal, cast

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from dataquery.appsettings.deps import Effective
from dataquery.audit.service import audit_context
from dataquery.auth.deps import AnalystUser, CurrentUser
from dataquery.auth.models import User
from dataquery.auth.roles import Role
from dataquery.core import metrics
from dataquery.core.config import Settings
from dataquery.core.db import DB
from dataquery.core.errors import InvalidInput, PayloadTooLarge, UnsupportedMediaType
from dataquery.core.logging import get_logger
from dataquery.core.schemas import ErrorBody, ItemList, errors
from dataquery.jobs.runner import Runner, unfinished_inputs
from dataquery.uploads import service
from dataquery.uploads.limits import UploadLimits
from dataquery.uploads.receive import FILE_FIELD, receive_upload
from dataquery.uploads.schemas import UploadQueued, UploadRejected, UploadReport, UploadSummary

log = get_logger(__name__)


def _temp_folder(settings: Settings) -> Path:
    return settings.data_dir / "tmp" / "uploads"


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # Files a stopped server was still receiving: DQ_DATA_DIR is shared, so the input files of
    # jobs still queued or running (on any instance) stay for the job that runs them.
    try:
        await run_in_threadpool(_remove_leftovers, app)
    except Exception:  # the warehouse may be down: the app still starts and reports it
        log.exception("could not remove leftover upload files")
    yield


def _remove_leftovers(app: FastAPI) -> None:
    data_dir = app.state.settings.data_dir
    with app.state.sessionmaker() as db:
        kept = unfinished_inputs(db)
    for leftover in _temp_folder(app.state.settings).glob("upload-*.part"):
        if str(leftover.relative_to(data_dir)) not in kept:
            leftover.unlink(missing_ok=True)


router = APIRouter(
    prefix="/uploads",
    tags=["uploads"],
    lifespan=_lifespan,
    responses=errors(401, 403, 404, 409, 422),
)

MIB = 1024 * 1024

_MULTIPART_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": [FILE_FIELD],
                    "properties": {
                        FILE_FIELD: {
                            "type": "string",
                            "format": "binary",
                            "description": "CSV, TSV, text, XLSX, XLS or Parquet; at most "
                            "DQ_UPLOAD_MAX_MB (50 MB)",
                        },
                        "iin_column": {
                            "type": "string",
                            "description": "The IIN column's name or 1-based number; "
                            "found by header or content when absent",
                        },
                        "sheet": {
                            "type": "string",
                            "description": "Excel: the sheet's name or 1-based number; "
                            "the first non-empty one when absent",
                        },
                        "mode": {"type": "string", "enum": ["skip", "strict"], "default": "skip"},
                        "purpose": {
                            "type": "string",
                            "enum": ["audience", "suppression"],
                            "default": "audience",
                        },
                    },
                }
            }
        },
    }
}


def _is_admin(user: User) -> bool:
    return Role(user.role) is Role.ADMIN


def _options(fields: dict[str, str]) -> service.UploadOptions:
    mode = fields.get("mode") or "skip"
    purpose = fields.get("purpose") or "audience"
    if mode not in ("skip", "strict"):
        raise InvalidInput(
            f"mode must be skip or strict, not {mode!r}",
            code="upload.bad_mode",
            params={"mode": mode},
        )
    if purpose not in ("audience", "suppression"):
        raise InvalidInput(
            f"purpose must be audience or suppression, not {purpose!r}",
            code="upload.bad_purpose",
            params={"purpose": purpose},
        )
    return service.UploadOptions(
        iin_column=fields.get("iin_column") or None,
        sheet=fields.get("sheet") or None,
        mode=cast(Literal["skip", "strict"], mode),
        purpose=cast(Literal["audience", "suppression"], purpose),
    )


@router.post(
    "",
    status_code=201,
    response_model=UploadReport,
    openapi_extra=_MULTIPART_BODY,
    responses={
        202: {"model": UploadQueued, "description": "A large file: processed as a job"},
        413: {
            "model": ErrorBody,
            "description": "Larger than DQ_UPLOAD_MAX_MB, or expands past the upload limits "
            "(rows, columns, cells, cell size, text, unpacked size)",
        },
        415: {"model": ErrorBody, "description": "Not a CSV, text, Excel or Parquet file"},
        422: {"model": UploadRejected, "description": "Rejected; `report` when it was read"},
    },
)
async def create_upload(
    request: Request, db: DB, user: AnalystUser, settings: Effective, runner: Runner
) -> Any:
    """Upload an IIN list. Files up to the upload job threshold setting are answered with the
    report (201); larger ones with a job to poll at /jobs/{job_id} (202), whose result is the
    report. A rejected file (strict mode with bad rows, no valid IIN) is a 422 with the report.
    """
    try:
        received = await receive_upload(
            request,
            _temp_folder(settings),
            settings.upload_max_mb * MIB,
            settings.upload_max_mb,
        )
    except (PayloadTooLarge, UnsupportedMediaType) as exc:
        metrics.UPLOADS.labels(
            "too_large" if isinstance(exc, PayloadTooLarge) else "rejected"
        ).inc()
        raise
    try:
        options = _options(received.fields)
    except InvalidInput:
        received.discard()
        raise
    upload_id = service.new_upload_id()
    source = service.SourceFile(received.path, received.filename, received.size)
    limits = UploadLimits.from_settings(settings)
    audit = audit_context(request)
    audit.target = f"upload={upload_id}"
    audit.summary = {
        "filename": received.filename,
        "size_bytes": received.size,
        "mode": options.mode,
        "purpose": options.purpose,
    }

    if received.size > settings.upload_job_threshold_mb * MIB:
        params = service.upload_job_params(
            settings.data_dir,
            source,
            options,
            owner=user.username,
            upload_id=upload_id,
            limits=limits,
        )
        try:
            job = await run_in_threadpool(
                runner.enqueue, db, "upload", user.username, params, input_path=received.path
            )
        except BaseException:
            received.discard()
            raise
        audit.summary["job_id"] = job.id
        audit.status_code = 202
        queued = UploadQueued(job_id=job.id, status="queued", upload_id=upload_id)
        return JSONResponse(queued.model_dump(), status_code=202)

    try:
        report = await run_in_threadpool(
            service.process_upload,
            db,
            source,
            options,
            owner=user.username,
            upload_id=upload_id,
            limits=limits,
        )
    finally:
        received.discard()
    audit.summary.update(rows_total=report["rows_total"], unique_iins=report["unique_iins"])
    return report


@router.get("")
def list_uploads(
    db: DB,
    user: CurrentUser,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
    owner: Annotated[str | None, Query(description="Admins: only this user's")] = None,
) -> ItemList[UploadSummary]:
    """The caller's uploads, newest first (an admin sees everyone's, or `owner`'s)."""
    uploads, total = service.list_uploads(
        db, user.username, _is_admin(user), limit, offset, owner=owner
    )
    items = [UploadSummary.model_validate(service.report_of(u)) for u in uploads]
    return ItemList(items=items, total=total)


@router.get("/{upload_id}")
def get_upload(db: DB, user: CurrentUser, upload_id: str) -> UploadReport:
    upload = service.get_upload(db, upload_id, user.username, _is_admin(user))
    return UploadReport.model_validate(service.report_of(upload))


@router.delete("/{upload_id}", status_code=204)
def delete_upload(request: Request, db: DB, user: AnalystUser, upload_id: str) -> None:
    """Delete an upload: its dataset table, catalog row and report (owner or admin)."""
    upload = service.get_upload(db, upload_id, user.username, _is_admin(user))
    audit = audit_context(request)
    audit.target = f"upload={upload_id}"
    audit.summary = {"filename": upload.filename, "owner": upload.owner}
    service.delete_upload(db, upload)
