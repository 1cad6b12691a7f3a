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


class ErrorResponse(BaseModel):
    error: str
    code: str
    detail: str
    params: dict[str, Any] | None = None


class ItemList(BaseModel, Generic[T]):
    items: list[T]
    total: int


class Notice(BaseModel):
    """A warning the interface shows in its own language: `code` names the case, `params` fill
    its text, and `message` says it in English for API clients and logs."""

    code: str
    message: str
    params: dict[str, str | int] = Field(default_factory=dict)
