from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from dataquery.core.schemas import APIModel

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class DataSourceCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    url: str = Field(
        min_length=1,
        max_length=2000,
        description="SQLAlchemy URL with credentials, e.g. "
        "`oracle+oracledb://user:password@host:1521/?service_name=DSSB`, "
        "`postgresql+psycopg://user:password@host/db`, `duckdb:///path/file.duckdb`. "
        "Stored encrypted; never returned.",
    )


class DataSourceUpdate(BaseModel):
    """Only the fields given change; a new URL (credentials) is stored encrypted, never echoed."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    url: str | None = Field(default=None, min_length=1, max_length=2000)


class SourceDatasetUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    schedule: str | None = Field(
        default=None, max_length=100, description="cron in bank time; empty: refresh by button"
    )


class DataSourceOut(APIModel):
    id: str
    name: str
    dialect: str
    display_url: str = Field(description="The URL with its password replaced by ***")
    created_by: str
    created_at: datetime
    last_test_at: datetime | None
    last_test_ok: bool | None


class ConnectionTestOut(BaseModel):
    ok: bool
    ms: float
    code: str | None = None
    detail: str | None = Field(default=None, description="The driver's error, password removed")


class SourceDatasetCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dataset: str = Field(min_length=1, max_length=40, description="The catalog dataset's name")
    source_id: str
    category: str = Field(description="A dataset category, e.g. `blacklist`, `analytics`")
    description: str | None = Field(default=None, max_length=2000)
    source_table: str | None = Field(
        default=None, max_length=200, description="NAME or SCHEMA.NAME"
    )
    query: str | None = Field(default=None, max_length=20_000, description="One SELECT")
    schedule: str | None = Field(
        default=None, max_length=100, description="cron in bank time, e.g. `0 6 * * *`"
    )


class SourceDatasetOut(APIModel):
    dataset: str
    source_id: str
    category: str
    description: str | None
    source_table: str | None
    query: str | None
    schedule: str | None
    created_by: str
    created_at: datetime
    last_job_id: str | None
    last_started_at: datetime | None
    refreshed_at: datetime | None = Field(default=None, description="From the catalog")
    row_count: int | None = Field(default=None, description="From the catalog")
    last_job_status: str | None = None


class RefreshAccepted(BaseModel):
    dataset: str
    job_id: str
