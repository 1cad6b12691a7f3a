"""The rolling store and the monitoring page's figures.

Requests and warehouse queries are counted in memory (core.metrics) and written here to
`dq_route_stats` and `dq_query_log` every DQ_MONITORING_FLUSH_SECONDS by a thread of the
server (`Flusher`), and before the monitoring page reads them. Route windows hold latency
bucket counts, so p50/p95 over 24 hours merge windows of every instance.
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from dataquery.audit.models import AuditEntry
from dataquery.bank.tables import CampaignDict, contact_history
from dataquery.core import metrics
from dataquery.core.clock import bank_midnight_utc
from dataquery.core.config import Settings
from dataquery.core.db import utcnow
from dataquery.core.health import health_of
from dataquery.core.logging import get_logger
from dataquery.jobs.models import Job
from dataquery.monitoring.models import QueryLogEntry, RouteStat
from dataquery.monitoring.schemas import (
    DailyOut,
    DailyPoint,
    JobHistory,
    JobHistoryItem,
    QueryLogItem,
    RouteStats,
    RouteStatsOut,
    Tiles,
)
from dataquery.uploads.models import Upload

log = get_logger(__name__)

INSTANCE = f"{socket.gethostname()}:{os.getpid()}"[:64]
ROUTE_STATS_DAYS = 7
SLOW_QUERY_MS = 5000
_PRUNE_EVERY = timedelta(hours=1)


# --- writing ------------------------------------------------------------------------------


class Store:
    """Writes what core.metrics buffered; one per app (one lock, one pruning clock)."""

    def __init__(self, factory: sessionmaker[Session], settings: Settings) -> None:
        self._factory = factory
        self._settings = settings
        self._lock = threading.Lock()
        self._pruned_at: datetime | None = None

    def flush(self) -> int:
        """Write the buffered samples; returns how many rows. Never raises: a warehouse that is
        down loses these samples (Prometheus still has the counts)."""
        with self._lock:
            routes = metrics.drain_routes()
            queries = metrics.drain_queries()
            if not routes and not queries and not self._prune_due():
                return 0
            try:
                with self._factory.begin() as db:
                    db.add_all(_route_rows(routes))
                    db.add_all(_query_rows(queries))
                    if self._prune_due():
                        self._prune(db)
            except Exception:
                log.exception("could not write monitoring samples")
                return 0
            return len(routes) + len(queries)

    def _prune_due(self) -> bool:
        return self._pruned_at is None or utcnow() - self._pruned_at > _PRUNE_EVERY

    def _prune(self, db: Session) -> None:
        now = utcnow()
        db.execute(
            sa.delete(RouteStat).where(
                RouteStat.bucket_start < now - timedelta(days=ROUTE_STATS_DAYS)
            )
        )
        db.execute(
            sa.delete(QueryLogEntry).where(
                QueryLogEntry.occurred_at < now - timedelta(days=self._settings.query_log_days)
            )
        )
        self._pruned_at = now


def _route_rows(routes: dict[tuple[datetime, str, str], metrics.RouteWindow]) -> list[RouteStat]:
    return [
        RouteStat(
            id=uuid.uuid4().hex,
            bucket_start=bucket,
            instance=INSTANCE,
            method=method,
            route=route[:200],
            requests=window.count,
            errors=window.errors,
            total_ms=round(window.total_ms, 3),
            max_ms=round(window.max_ms, 3),
            buckets=window.buckets,
        )
        for (bucket, method, route), window in routes.items()
    ]


def _query_rows(queries: list[metrics.QuerySample]) -> list[QueryLogEntry]:
    return [
        QueryLogEntry(
            id=uuid.uuid4().hex,
            occurred_at=sample.occurred_at,
            instance=INSTANCE,
            kind=sample.kind[:40],
            username=sample.username,
            duration_ms=sample.duration_ms,
            ok=sample.ok,
            rows=sample.rows,
            detail=(sample.detail or None) and sample.detail[:200],
        )
        for sample in queries
    ]


class Flusher:
    """A daemon thread that flushes the store every `seconds` until `stop()`."""

    def __init__(self, store: Store, seconds: float) -> None:
        self._store = store
        self._seconds = seconds
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="dq-monitoring", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _loop(self) -> None:
        while not self._stopped.wait(self._seconds):
            metrics.update_process_memory()
            self._store.flush()

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=5)
        self._store.flush()


# --- reading ------------------------------------------------------------------------------


def percentile(buckets: list[int], q: float, max_ms: float) -> float:
    """The q-quantile of latency bucket counts, interpolated inside its bucket."""
    total = sum(buckets)
    if total == 0:
        return 0.0
    target = q * total
    seen = 0
    bounds = metrics.LATENCY_BOUNDS_MS
    for index, count in enumerate(buckets):
        if count and seen + count >= target:
            lower = float(bounds[index - 1]) if index > 0 else 0.0
            upper = float(bounds[index]) if index < len(bounds) else max_ms
            upper = min(upper, max_ms)
            lower = min(lower, upper)
            return round(lower + (upper - lower) * (target - seen) / count, 2)
        seen += count
    return round(max_ms, 2)


def route_stats(db: Session, hours: int) -> RouteStatsOut:
    since = utcnow() - timedelta(hours=hours)
    rows = db.scalars(sa.select(RouteStat).where(RouteStat.bucket_start >= since)).all()
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    size = len(metrics.LATENCY_BOUNDS_MS) + 1
    for row in rows:
        entry = merged.setdefault(
            (row.method, row.route),
            {"requests": 0, "errors": 0, "total": 0.0, "max": 0.0, "buckets": [0] * size},
        )
        entry["requests"] += row.requests
        entry["errors"] += row.errors
        entry["total"] += row.total_ms
        entry["max"] = max(entry["max"], row.max_ms)
        for index, count in enumerate(row.buckets[:size]):
            entry["buckets"][index] += int(count)
    items = [
        RouteStats(
            method=method,
            route=route,
            requests=entry["requests"],
            errors=entry["errors"],
            error_rate=entry["errors"] / entry["requests"] if entry["requests"] else 0.0,
            p50_ms=percentile(entry["buckets"], 0.5, entry["max"]),
            p95_ms=percentile(entry["buckets"], 0.95, entry["max"]),
            max_ms=round(entry["max"], 2),
            mean_ms=round(entry["total"] / entry["requests"], 2) if entry["requests"] else 0.0,
        )
        for (method, route), entry in merged.items()
    ]
    items.sort(key=lambda item: (-item.p95_ms, item.route))
    return RouteStatsOut(hours=hours, items=items)


def slowest_queries(
    db: Session, days: int, kind: str | None, username: str | None, limit: int
) -> list[QueryLogItem]:
    query = sa.select(QueryLogEntry).where(
        QueryLogEntry.occurred_at >= utcnow() - timedelta(days=days)
    )
    if kind:
        query = query.where(QueryLogEntry.kind == kind)
    if username:
        query = query.where(QueryLogEntry.username == username)
    query = query.order_by(QueryLogEntry.duration_ms.desc(), QueryLogEntry.id).limit(limit)
    return [QueryLogItem.model_validate(row) for row in db.scalars(query)]


def query_kinds(db: Session) -> list[str]:
    return sorted(db.scalars(sa.select(QueryLogEntry.kind).distinct()))


def jobs_history(
    db: Session,
    *,
    kind: str | None,
    status: str | None,
    owner: str | None,
    since: datetime | None,
    limit: int,
    offset: int,
) -> JobHistory:
    where: list[sa.ColumnElement[bool]] = []
    if kind:
        where.append(Job.kind == kind)
    if status:
        where.append(Job.status == status)
    if owner:
        where.append(Job.owner == owner)
    if since:
        where.append(Job.created_at >= since)
    total = db.scalar(sa.select(sa.func.count()).select_from(Job).where(*where)) or 0
    rows = db.scalars(
        sa.select(Job)
        .where(*where)
        .order_by(Job.created_at.desc(), Job.id)
        .limit(limit)
        .offset(offset)
    ).all()
    items = [
        JobHistoryItem(
            id=job.id,
            kind=job.kind,
            status=job.status,
            owner=job.owner,
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
            seconds=(
                round((job.finished_at - job.started_at).total_seconds(), 3)
                if job.finished_at and job.started_at
                else None
            ),
            error=job.error,
            stage=job.stage,
        )
        for job in rows
    ]
    kinds = sorted(db.scalars(sa.select(Job.kind).distinct()))
    return JobHistory(items=items, total=int(total), kinds=kinds)


def _bank_days(
    db: Session, column: Any, first: date, days: int, *where: Any, distinct: Any = None
) -> dict[date, int]:
    """Counts per bank day (DQ_TIMEZONE), not per UTC day: at 00:30 in Almaty a row belongs to
    the new day though it is still yesterday in UTC. Timestamps are naive UTC, so each row is
    placed by the UTC moments the bank's days begin (a CASE over bound bounds, portable and
    right across DST); the outer query groups the inner one's day number, since PostgreSQL
    would not match a GROUP BY of the CASE rendered with fresh parameters."""
    starts = [bank_midnight_utc(first + timedelta(days=offset)) for offset in range(days + 1)]
    day = sa.case(
        *((column < start, offset) for offset, start in enumerate(starts[1:])), else_=days
    ).label("day")
    picked = [day] if distinct is None else [day, distinct.label("who")]
    inner = (
        sa.select(*picked)
        .where(column >= starts[0], column < starts[-1], *where)
        .subquery("by_day")
    )
    counted = sa.func.count() if distinct is None else sa.func.count(sa.distinct(inner.c.who))
    query = sa.select(inner.c.day, counted).group_by(inner.c.day)
    return {first + timedelta(days=int(row[0])): int(row[1]) for row in db.execute(query)}


def _as_date(value: Any) -> date:
    return value.date() if isinstance(value, datetime) else value


def daily(db: Session, days: int, today: date) -> DailyOut:
    first = today - timedelta(days=days - 1)
    deployed = _bank_days(db, CampaignDict.deployed_at, first, days)
    uploads = _bank_days(db, Upload.created_at, first, days)
    active = _bank_days(
        db,
        AuditEntry.occurred_at,
        first,
        days,
        AuditEntry.username.is_not(None),
        distinct=AuditEntry.username,
    )
    contacts: dict[date, dict[str, int]] = defaultdict(dict)
    contact_day = contact_history.c.contact_date
    rows = db.execute(
        sa.select(contact_day, contact_history.c.channel, sa.func.count())
        .where(contact_day >= first)
        .group_by(contact_day, contact_history.c.channel)
    )
    channels: set[str] = set()
    for day, channel, count in rows:
        contacts[_as_date(day)][channel] = int(count)
        channels.add(channel)
    items = [
        DailyPoint(
            day=day,
            campaigns_deployed=deployed.get(day, 0),
            uploads=uploads.get(day, 0),
            active_users=active.get(day, 0),
            contacts=contacts.get(day, {}),
        )
        for day in (first + timedelta(days=offset) for offset in range(days))
    ]
    return DailyOut(days=days, channels=sorted(channels), items=items)


def tiles(db: Session, engine: Engine, settings: Settings, scheduler: Any, today: date) -> Tiles:
    now = utcnow()
    day_ago = now - timedelta(hours=24)
    routes = route_stats(db, 24).items
    requests = sum(r.requests for r in routes)
    errors = sum(r.errors for r in routes)
    buckets = [0] * (len(metrics.LATENCY_BOUNDS_MS) + 1)
    for row in db.scalars(sa.select(RouteStat.buckets).where(RouteStat.bucket_start >= day_ago)):
        for index, count in enumerate(row[: len(buckets)]):
            buckets[index] += int(count)
    max_ms = max((r.max_ms for r in routes), default=0.0)
    statuses = dict(
        db.execute(
            sa.select(Job.status, sa.func.count())
            .where(Job.status.in_(["queued", "running"]))
            .group_by(Job.status)
        ).all()
    )
    failed = db.scalar(
        sa.select(sa.func.count()).where(Job.status == "failed", Job.created_at >= day_ago)
    )
    slow = db.scalar(
        sa.select(sa.func.count()).where(
            QueryLogEntry.occurred_at >= day_ago, QueryLogEntry.duration_ms >= SLOW_QUERY_MS
        )
    )
    midnight = bank_midnight_utc(today)  # the bank's today began then (naive UTC)
    deployed = db.scalar(sa.select(sa.func.count()).where(CampaignDict.deployed_at >= midnight))
    active = db.scalar(
        sa.select(sa.func.count(sa.distinct(AuditEntry.username))).where(
            AuditEntry.occurred_at >= midnight, AuditEntry.username.is_not(None)
        )
    )
    return Tiles(
        health=health_of(engine, settings, scheduler),
        requests_24h=requests,
        error_rate_24h=errors / requests if requests else 0.0,
        p95_ms_24h=percentile(buckets, 0.95, max_ms) if requests else None,
        jobs_running=int(statuses.get("running", 0)),
        jobs_queued=int(statuses.get("queued", 0)),
        jobs_failed_24h=int(failed or 0),
        slow_queries_24h=int(slow or 0),
        campaigns_deployed_today=int(deployed or 0),
        active_users_today=int(active or 0),
        generated_at=now,
    )
