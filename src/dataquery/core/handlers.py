"""One place that turns every error into `{"error": "<Class>", "detail": "<message>"}`."""

from __future__ import annotations

from typing import Any

import duckdb
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from dataquery.core.errors import Conflict, DQError
from dataquery.core.logging import get_logger

log = get_logger(__name__)

_HTTP_NAMES = {
    401: "NotAuthenticated",
    403: "PermissionDenied",
    404: "NotFound",
    405: "MethodNotAllowed",
    413: "PayloadTooLarge",
    415: "UnsupportedMediaType",
    422: "InvalidInput",
    429: "TooManyRequests",
}


def error_body(error: str, detail: str, code: str, **extra: Any) -> dict[str, Any]:
    return {"error": error, "code": code, "detail": detail, **extra}


def _http_code(name: str) -> str:
    """`NotFound` -> `not_found`: the code of an error the framework raised."""
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


def error_response(exc: DQError) -> JSONResponse:
    """A domain error as the JSON error shape (also used by the edge middleware)."""
    return JSONResponse(
        error_body(
            type(exc).__name__,
            exc.detail,
            exc.code,
            **({"params": exc.params} if exc.params else {}),
            **exc.extra,
        ),
        status_code=exc.status_code,
        headers=exc.headers or None,
    )


# PostgreSQL's answers to two transactions writing the same thing at once: serialization_failure,
# deadlock_detected, and unique_violation (two concurrent inserts of one key).
_CONFLICT_SQLSTATES = frozenset({"40001", "40P01", "23505"})


def concurrency_conflict(exc: Exception) -> str | None:
    """What kind of write conflict `exc` is, or None for every other error (a bug stays a 500).

    DuckDB: a TransactionException about a conflict ("write-write conflict", "Conflict on
    tuple deletion") and a duplicate key; PostgreSQL: the SQLSTATEs above; the ORM: a row
    changed or deleted by another transaction between its read and its write.
    """
    if isinstance(exc, StaleDataError):
        return "stale_row"
    if not isinstance(exc, DBAPIError):
        return None
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate in _CONFLICT_SQLSTATES:
        return str(sqlstate)
    message = str(orig).lower()
    if isinstance(orig, duckdb.TransactionException) and "conflict" in message:
        return "duckdb_transaction_conflict"
    if isinstance(orig, duckdb.ConstraintException) and "duplicate key" in message:
        return "duckdb_duplicate_key"
    return None


def _describe_validation(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path"))
        parts.append(f"{where}: {err.get('msg')}" if where else str(err.get("msg")))
    return "; ".join(parts) or "invalid request"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DQError)
    async def _domain(request: Request, exc: DQError) -> JSONResponse:
        return error_response(exc)

    async def _write_conflict(request: Request, exc: Exception) -> JSONResponse:
        """Two requests wrote the same rows at once and the warehouse refused one: 409, so the
        client may reload and retry. Any other database error goes on to `_unexpected`."""
        kind = concurrency_conflict(exc)
        if kind is None:
            return await request.app.exception_handlers[Exception](request, exc)
        log.warning("write conflict", path=request.url.path, kind=kind)
        return error_response(
            Conflict(
                "another request changed the same data at the same time; reload and try again",
                code="conflict.concurrent_write",
            )
        )

    app.add_exception_handler(DBAPIError, _write_conflict)
    app.add_exception_handler(StaleDataError, _write_conflict)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": str(e.get("msg")), "type": e.get("type")}
            for e in exc.errors()
        ]
        return JSONResponse(
            error_body("InvalidInput", _describe_validation(exc), "invalid_input", errors=errors),
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        name = _HTTP_NAMES.get(exc.status_code, "HTTPError")
        return JSONResponse(
            error_body(name, str(exc.detail), _http_code(name)),
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # Logged without locals or the request body; written by the log thread, so a long
        # traceback does not hold up the event loop.
        log.error("unhandled error", path=request.url.path, exc_info=exc)
        return JSONResponse(
            error_body(
                "InternalError", "Internal server error; it has been logged.", "internal_error"
            ),
            status_code=500,
        )
