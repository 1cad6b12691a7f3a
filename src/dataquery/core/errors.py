"""Domain errors. Services raise these; one handler renders `{"error", "detail"}`."""

from __future__ import annotations

from typing import Any


class DQError(Exception):
    status_code = 400

    def __init__(self, detail: str, *, extra: dict[str, Any] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
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

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail)
        self.headers = {"Retry-After": str(retry_after)}


class ServiceUnavailable(DQError):
    status_code = 503
