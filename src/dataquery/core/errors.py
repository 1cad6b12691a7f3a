"""Domain errors. Services raise these; one handler renders `{"error", "code", "detail"}`.

`code` is stable (`upload.too_many_columns`): clients branch on it and translate it with its
`params`; `detail` is the English fallback for people reading logs or raw responses."""

from __future__ import annotations

from typing import Any


class DQError(Exception):
    status_code = 400
    default_code = "bad_request"

    def __init__(
        self,
        detail: str,
        *,
        code: str | None = None,
        params: dict[str, Any] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.code = code or self.default_code
        self.params = params or {}
        self.extra = extra or {}
        self.headers: dict[str, str] = {}


class InvalidInput(DQError):
    status_code = 422
    default_code = "invalid_input"


class NotAuthenticated(DQError):
    status_code = 401
    default_code = "not_authenticated"


class PermissionDenied(DQError):
    status_code = 403
    default_code = "permission_denied"


class NotFound(DQError):
    status_code = 404
    default_code = "not_found"


class Conflict(DQError):
    status_code = 409
    default_code = "conflict"


class PayloadTooLarge(DQError):
    status_code = 413
    default_code = "payload_too_large"


class UnsupportedMediaType(DQError):
    status_code = 415
    default_code = "unsupported_media_type"


class TooManyRequests(DQError):
    status_code = 429
    default_code = "too_many_requests"

    def __init__(self, detail: str, *, retry_after: int, code: str | None = None) -> None:
        super().__init__(detail, code=code, params={"retry_after": retry_after})
        self.headers = {"Retry-After": str(retry_after)}


class ServiceUnavailable(DQError):
    status_code = 503
    default_code = "service_unavailable"
