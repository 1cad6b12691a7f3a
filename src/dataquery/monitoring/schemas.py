"""What the monitoring page reads."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from dataquery.core.health import Health
from dataquery.core.schemas import APIModel


class Tiles(APIModel):
    health: Health
    requests_24h: int
    error_rate_24h: float = Field(description="Share of requests answered 5xx, 0-1")
    p95_ms_24h: float | None
    jobs_running: int
    jobs_queued: int
    jobs_failed_24h: int
    slow_queries_24h: int = Field(description="Warehouse work over 5 s in 24 hours")
    campaigns_deployed_today: int
    active_users_today: int
    generated_at: datetime


class RouteStats(BaseModel):
    method: str
    route: str
    requests: int
    errors: int
    error_rate: float
    p50_ms: float
    p95_ms: float
    max_ms: float
    mean_ms: float


class RouteStatsOut(BaseModel):
    hours: int
    items: list[RouteStats]


class QueryLogItem(APIModel):
    occurred_at: datetime
    kind: str
    username: str | None
    duration_ms: float
    ok: bool
    rows: int | None
    detail: str | None


class JobHistoryItem(APIModel):
    id: str
    kind: str
    status: str
    owner: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    seconds: float | None
    error: str | None
    stage: dict[str, Any] | None


class JobHistory(BaseModel):
    items: list[JobHistoryItem]
    total: int
    kinds: list[str] = Field(description="Every job kind seen, for the filter")


class DailyPoint(BaseModel):
    day: date
    campaigns_deployed: int
    uploads: int
    active_users: int
    contacts: dict[str, int] = Field(description="Contacts made that day per channel")


class DailyOut(BaseModel):
    days: int
    channels: list[str]
    items: list[DailyPoint]
