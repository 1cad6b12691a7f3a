"""One place that turns every error into the one error body of DESIGN §5:
`{"error": "<Class>", "code", "detail", "params", "errors": [{field, code, params, message}]}`."""

from __future__ import annotations

from typing import Any, NamedTuple

import duckdb
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from dataquery.core.errors import Conflict, DQError, ServiceUnavailable
from dataquery.core.logging import get_logger
from dataquery.core.problems import Problems

log = get_logger(__name__)


class _HTTPError(NamedTuple):
    """What an error the framework raised (an unknown route, a wrong method) is called."""

    error: str
    code: str


_HTTP_ERRORS = {
    401: _HTTPError("NotAuthenticated", code="http.not_authenticated"),
    403: _HTTPError("PermissionDenied", code="http.permission_denied"),
    404: _HTTPError("NotFound", code="http.not_found"),
    405: _HTTPError("MethodNotAllowed", code="http.method_not_allowed"),
    413: _HTTPError("PayloadTooLarge", code="http.payload_too_large"),
    415: _HTTPError("UnsupportedMediaType", code="http.unsupported_media_type"),
    422: _HTTPError("InvalidInput", code="http.invalid_input"),
    429: _HTTPError("TooManyRequests", code="http.too_many_requests"),
}
_HTTP_OTHER = _HTTPError("HTTPError", code="http.error")


def error_body(
    error: str,
    detail: str,
    *,
    code: str,
    params: dict[str, Any] | None = None,
    errors: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "error": error,
        "code": code,
        "detail": detail,
        "params": params or {},
        "errors": errors or [],
        **extra,
    }


def domain_error_body(exc: DQError) -> dict[str, Any]:
    """A domain error as the body (a failed job keeps the same one as its result)."""
    return error_body(
        type(exc).__name__,
        exc.detail,
        code=exc.code,
        params=exc.params,
        errors=exc.errors,
        **exc.extra,
    )


def error_response(exc: DQError) -> JSONResponse:
    """A domain error as the JSON error shape (also used by the edge middleware)."""
    return JSONResponse(
        domain_error_body(exc), status_code=exc.status_code, headers=exc.headers or None
    )


# PostgreSQL's answers to two transactions writing the same thing at once: serialization_failure,
# deadlock_detected, and unique_violation (two concurrent inserts of one key).
_CONFLICT_SQLSTATES = frozenset({"40001", "40P01", "23505"})


def concurrency_conflict(exc: Exception) -> str | None:
    """What kind of write conflict `exc` is, or None for every other error (a bug stays a 500).

    DuckDB: a TransactionException about a conflict ("write-write conflict", "Conflict on
    tuple deletion") and a duplicate key (at the write, or at COMMIT); PostgreSQL: the SQLSTATEs
    above; the ORM: a row changed or deleted by another transaction between its read and its
    write.
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
    # A key another transaction committed first is found at COMMIT: "Failed to commit: PRIMARY
    # KEY or UNIQUE constraint violation: duplicate key".
    if isinstance(orig, duckdb.TransactionException) and "duplicate key" in message:
        return "duckdb_duplicate_key_at_commit"
    if isinstance(orig, duckdb.ConstraintException) and "duplicate key" in message:
        return "duckdb_duplicate_key"
    return None


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

    @app.exception_handler(PoolTimeout)
    async def _busy(request: Request, exc: PoolTimeout) -> JSONResponse:
        """Every warehouse connection of this instance stayed busy for the pool timeout: the
        instance is overloaded, not broken; 503 with Retry-After, so clients and the balancer
        back off (or try the other instance)."""
        log.warning("warehouse pool exhausted", path=request.url.path)
        response = error_response(
            ServiceUnavailable(
                "the server is busy: every warehouse connection is in use; try again shortly",
                code="server.busy",
            )
        )
        response.headers["Retry-After"] = "5"
        return response

    app.add_exception_handler(DBAPIError, _write_conflict)
    app.add_exception_handler(StaleDataError, _write_conflict)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = Problems()
        problems.add_validation_errors(exc.errors(), strip=("body", "query", "path"))
        return JSONResponse(
            error_body(
                "InvalidInput",
                problems.describe(limit=5) or "invalid request",
                code="validation.failed",
                errors=problems.items,
            ),
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        known = _HTTP_ERRORS.get(exc.status_code, _HTTP_OTHER)
        return JSONResponse(
            error_body(known.error, str(exc.detail), code=known.code),
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
                "InternalError",
                "Internal server error; it has been logged.",
                code="internal_error",
            ),
            status_code=500,
        )
