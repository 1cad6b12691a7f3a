"""Domain errors. Services raise these; one handler renders
`{"error", "code", "detail", "params", "errors"}` (DESIGN §5).

`code` is stable (`upload.too_many_columns`) and always written as a literal `code="..."` at
the raise, so a scanner finds every code the server can emit: clients branch on it and
translate it with its `params`; `detail` is the English fallback for people reading logs or
raw responses. `errors` lists the problems of a 422 (see `core.problems`)."""

from __future__ import annotations

from typing import Any


class DQError(Exception):
    status_code = 400

    def __init__(
        self,
        detail: str,
        *,
        code: str,
        params: dict[str, Any] | None = None,
        errors: list[dict[str, Any]] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.code = code
        self.params = params or {}
        self.errors = errors or []
        # Besides the body every error has: what an upload's 422 offers to choose from.
        self.extra = extra or {}
        self.headers: dict[str, str] = {}


class InvalidInput(DQError):
    status_code = 422


class NotAuthenticated(DQError):
    status_code = 401


class PermissionDenied(DQError):
    status_code = 403


class NotFound(DQError):
    status_code = 404


class Conflict(DQError):
    status_code = 409


class PayloadTooLarge(DQError):
    status_code = 413


class UnsupportedMediaType(DQError):
    status_code = 415


class TooManyRequests(DQError):
    status_code = 429

    def __init__(self, detail: str, *, retry_after: int, code: str) -> None:
        super().__init__(detail, code=code, params={"retry_after": retry_after})
        self.headers = {"Retry-After": str(retry_after)}


class ServiceUnavailable(DQError):
    status_code = 503
