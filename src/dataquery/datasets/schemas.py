from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

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
