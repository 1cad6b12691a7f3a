from __future__ import annotations

from datetime import datetime
from pathlib import PurePath

from pydantic import BaseModel, field_serializer

from dataquery.core.schemas import APIModel


class ColumnOut(BaseModel):
    name: str
    type: str


class DatasetOut(APIModel):
    name: str
    category: str
    description: str | None
    source: str | None
    table_name: str
    row_count: int
    columns: list[ColumnOut]
    owner: str | None
    purpose: str | None
    created_at: datetime
    refreshed_at: datetime | None

    @field_serializer("source")
    def _file_name_only(self, source: str | None) -> str | None:
        """The server's paths are nobody's business: show the file name."""
        return PurePath(source).name if source else None
