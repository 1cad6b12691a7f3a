"""One place that turns every error into `{"error": "<Class>", "detail": "<message>"}`."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from dataquery.core.errors import DQError
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


def _describe_validation(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path"))
        parts.append(f"{where}: {err.get('msg')}" if where else str(err.get("msg")))
    return "; ".join(parts) or "invalid request"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DQError)
    async def _domain(request: Request, exc: DQError) -> JSONResponse:
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
