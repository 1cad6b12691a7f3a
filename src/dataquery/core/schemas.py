"""Shapes shared by every router."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

T = TypeVar("T")


class APIModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    @field_validator("*", mode="after")
    @classmethod
    def _naive_timestamps_are_utc(cls, value: Any) -> Any:
        """The warehouse keeps naive UTC; the API says so (`…Z`), so browsers show local time."""
        if isinstance(value, datetime) and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class ErrorItem(BaseModel):
    """One problem of a request (a 422 lists them all)."""

    field: str | None = Field(description="Dotted path of the input, e.g. `spec.filters.1.age`")
    code: str = Field(description="Stable code, e.g. `audience.filter.age.min_above_max`")
    params: dict[str, Any] = Field(description="Values the code's text mentions")
    message: str = Field(description="English fallback")


class ErrorBody(BaseModel):
    """The body of every 4xx and 5xx answer (DESIGN §5)."""

    error: str = Field(description="The error class, e.g. `NotFound`")
    code: str = Field(description="Stable code the client translates, e.g. `upload.too_large`")
    detail: str = Field(description="English fallback")
    params: dict[str, Any] = Field(description="Values the code's text mentions")
    errors: list[ErrorItem] = Field(description="The problems of the request; may be empty")


_ERROR_MEANINGS = {
    401: "Not signed in, or the session has ended",
    403: "The role or the password does not allow it",
    404: "No such object (someone else's is answered the same)",
    409: "Conflicts with the current state, or with a concurrent change",
    413: "Too large",
    415: "Unsupported media type",
    422: "Invalid input: `errors` names each problem",
    429: "Too many attempts: `Retry-After` says when to try again",
    503: "A service it needs (the directory, the chat model) does not answer",
}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The `responses=` of a route or router: each status answered with the error body."""
    return {
        status: {"model": ErrorBody, "description": _ERROR_MEANINGS[status]} for status in statuses
    }


class ItemList(BaseModel, Generic[T]):
    items: list[T]
    total: int


class Notice(BaseModel):
    """A warning the interface shows in its own language: `code` names the case, `params` fill
    its text, and `message` says it in English for API clients and logs."""

    code: str
    message: str
    params: dict[str, str | int] = Field(default_factory=dict)
