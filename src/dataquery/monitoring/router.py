"""GET /metrics (Prometheus) and GET /api/v1/monitoring/... (the monitoring page)."""

from __future__ import annotations

import hmac
import ipaddress
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from dataquery.auth.deps import AnalystUser, AppSettings
from dataquery.core import metrics
from dataquery.core.clock import bank_today
from dataquery.core.db import DB
from dataquery.core.errors import NotAuthenticated, PermissionDenied
from dataquery.core.schemas import errors
from dataquery.monitoring import service
from dataquery.monitoring.schemas import DailyOut, JobHistory, QueryLogItem, RouteStatsOut, Tiles

metrics_router = APIRouter()


def _allowed_network(host: str | None, networks: list[str]) -> bool:
    if not host:
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net, strict=False) for net in networks)


def _check_scraper(request: Request, settings: AppSettings) -> None:
    header = request.headers.get("authorization", "")
    token = settings.metrics_token.get_secret_value() if settings.metrics_token else None
    if token and header.lower().startswith("bearer "):
        if hmac.compare_digest(header[7:].strip().encode(), token.encode()):
            return
        raise NotAuthenticated("wrong metrics token", code="metrics.bad_token")
    host = request.client.host if request.client else None
    if _allowed_network(host, settings.metrics_allow_networks):
        return
    if token:
        raise NotAuthenticated(
            "send the metrics token (DQ_METRICS_TOKEN) as a bearer token",
            code="metrics.token_required",
        )
    raise PermissionDenied(
        "this address may not read the metrics (DQ_METRICS_ALLOW_NETWORKS)",
        code="metrics.network_denied",
    )


@metrics_router.get("/metrics", include_in_schema=False)
async def prometheus_metrics(request: Request, settings: AppSettings) -> Response:
    """Prometheus text format. Allowed with `Authorization: Bearer <DQ_METRICS_TOKEN>` or from
    DQ_METRICS_ALLOW_NETWORKS (default: this host only)."""
    _check_scraper(request, settings)
    body, content_type = await run_in_threadpool(metrics.render)
    return Response(body, media_type=content_type)


def _flush(request: Request) -> None:
    """Before the page reads: this instance's buffered samples go to the warehouse first (a
    dependency resolved before the request's own transaction starts)."""
    store: service.Store | None = getattr(request.app.state, "monitoring_store", None)
    if store is not None:
        store.flush()


router = APIRouter(
    prefix="/monitoring",
    tags=["monitoring"],
    responses=errors(401, 403, 422),
    dependencies=[Depends(_flush)],
)


@router.get("/tiles")
def monitoring_tiles(request: Request, db: DB, _: AnalystUser, settings: AppSettings) -> Tiles:
    """Health of each dependency and the figures of the last 24 hours, at a glance."""
    state = request.app.state
    return service.tiles(
        db, state.engine, settings, getattr(state, "scheduler", None), bank_today()
    )


@router.get("/routes")
def monitoring_routes(
    db: DB, _: AnalystUser, hours: Annotated[int, Query(ge=1, le=168)] = 24
) -> RouteStatsOut:
    """p50/p95/max latency and error rate (5xx) per route template, slowest p95 first."""
    return service.route_stats(db, hours)


@router.get("/queries")
def monitoring_queries(
    db: DB,
    _: AnalystUser,
    days: Annotated[int, Query(ge=1, le=366)] = 1,
    kind: Annotated[str | None, Query(max_length=40)] = None,
    username: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[QueryLogItem]:
    """The slowest warehouse work (kind, user, duration) of the last `days`; the log keeps
    DQ_QUERY_LOG_DAYS days."""
    return service.slowest_queries(db, days, kind, username, limit)


@router.get("/query-kinds")
def monitoring_query_kinds(db: DB, _: AnalystUser) -> list[str]:
    return service.query_kinds(db)


@router.get("/jobs")
def monitoring_jobs(
    db: DB,
    _: AnalystUser,
    kind: Annotated[str | None, Query(max_length=40)] = None,
    status: Literal["queued", "running", "succeeded", "failed"] | None = None,
    owner: Annotated[str | None, Query(max_length=100)] = None,
    since: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> JobHistory:
    """Jobs, newest first, with filters."""
    return service.jobs_history(
        db, kind=kind, status=status, owner=owner, since=since, limit=limit, offset=offset
    )


@router.get("/daily")
def monitoring_daily(
    db: DB, _: AnalystUser, days: Annotated[int, Query(ge=1, le=366)] = 30
) -> DailyOut:
    """Per day: campaigns deployed, contacts per channel, uploads, active users."""
    return service.daily(db, days, bank_today())
