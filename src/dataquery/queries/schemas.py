"""Request and answer shapes of /api/v1/queries and /api/v1/viewer."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from dataquery.core.schemas import APIModel
from dataquery.queries.spec import Condition, QuerySpec, example_spec


class QueryColumn(BaseModel):
    name: str
    kind: Literal["number", "text", "boolean", "date", "timestamp"]


class SourceOut(BaseModel):
    """A table the caller may read: a catalog dataset (its category), or a bank (`bank`) or
    app (`app`, admins only) table."""

    name: str
    category: str
    description: str | None
    row_count: int | None
    columns: list[QueryColumn]
    key: list[str] = Field(description="Its unique key; empty: the viewer pages on the row id")


class QueryRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"spec": example_spec()}]}
    )

    spec: QuerySpec


class QueryResult(BaseModel):
    columns: list[QueryColumn]
    rows: list[list[Any]]
    row_count: int
    truncated: bool = Field(description="More rows matched than the limit (or DQ_QUERY_MAX_ROWS)")
    limit: int


class AssistantStatus(BaseModel):
    enabled: bool = Field(description="DQ_LLM_URL is set: the builder shows the assistant's box")


class AssistantRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=1000)
    language: Literal["ru", "kk", "en"] = "ru"


class AssistantAnswer(BaseModel):
    """A spec that validated against the catalog, for the analyst to review before running."""

    spec: dict[str, Any] = Field(description="A QuerySpec (version 1), defaults left out")


class CompiledSql(BaseModel):
    """The SQL the spec compiles to, for reading: values stay parameters (`params`)."""

    dialect: str
    sql: str
    params: dict[str, Any]


class ViewerPage(BaseModel):
    columns: list[QueryColumn]
    rows: list[list[Any]]
    next_cursor: str | None = Field(description="Pass as `after` for the next page; null: last")
    sort: str | None
    desc: bool
    key: list[str] = Field(description="What pages are cut on: the unique key, or `rowid`")
    total: int | None = Field(description="Rows matching the filters, when `count=true`")


class TopValue(BaseModel):
    value: Any
    count: int


class HistogramBin(BaseModel):
    low: float
    high: float
    count: int


class ColumnProfile(BaseModel):
    name: str
    kind: str
    rows: int
    nulls: int
    distinct: int
    min: Any
    max: Any
    top_values: list[TopValue]
    histogram: list[HistogramBin]


class ViewerFilters(BaseModel):
    """The viewer's filters: one condition per column (AND), as the `filters` query parameter
    (JSON text)."""

    model_config = ConfigDict(extra="forbid")

    filters: list[Condition] = Field(default_factory=list, max_length=50)


class SavedQueryCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    shared: bool = False
    spec: QuerySpec


class SavedQueryOut(APIModel):
    id: str
    name: str
    description: str | None
    owner: str
    shared: bool
    spec: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class QueryExportRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    spec: QuerySpec
    format: Literal["csv", "xlsx", "parquet"] = "csv"


class QueryExportLink(BaseModel):
    url: str = Field(description="GET it without a bearer token: the link itself is the right.")
    expires_at: datetime
    filename: str
    rows: int


class QueryExportQueued(BaseModel):
    job_id: str = Field(description="Its result is the QueryExportLink, once the file is written.")
    rows: int


class ToUploadRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    spec: QuerySpec
    name: str = Field(min_length=1, max_length=200, description="The list's name")


class ToUploadOut(BaseModel):
    """The list made: an accepted upload the audience builder takes as a source."""

    upload_id: str
    dataset: str
    rows_total: int
    unique_iins: int
