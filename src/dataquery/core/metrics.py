"""Prometheus metrics and the in-process samples the monitoring page keeps.

Every metric lives in prometheus-client's default registry. When `PROMETHEUS_MULTIPROC_DIR` is
set (several Uvicorn/Gunicorn workers), prometheus-client keeps the values in files of that
folder and `render()` merges every worker's; gauges say how (`multiprocess_mode`).

Besides the counters, the samples the monitoring page needs over 24 hours (request latency per
route, warehouse queries with their user) are buffered here in bounded memory and drained by
the monitoring domain into the warehouse (`drain_*`): so many instances share one history.
"""

from __future__ import annotations

import bisect
import os
import resource
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client import multiprocess as _multiprocess
from sqlalchemy import event
from sqlalchemy.engine import Engine

CONTENT_TYPE = CONTENT_TYPE_LATEST
T = TypeVar("T")

# Seconds: from a cached preview (~5 ms) to a 15 M-row deploy (minutes).
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)

HTTP_REQUESTS = Counter(
    "dq_http_requests",
    "HTTP requests by method, route template and status.",
    ["method", "route", "status"],
)
HTTP_LATENCY = Histogram(
    "dq_http_request_duration_seconds",
    "HTTP request latency by method, route template and status.",
    ["method", "route", "status"],
    buckets=_LATENCY_BUCKETS,
)
QUERY_LATENCY = Histogram(
    "dq_warehouse_query_duration_seconds",
    "Warehouse work by kind (audience preview, explain, export, deploy write, ...).",
    ["kind", "outcome"],
    buckets=_LATENCY_BUCKETS,
)
JOBS = Counter("dq_jobs", "Finished jobs by kind and status.", ["kind", "status"])
JOB_DURATION = Histogram(
    "dq_job_duration_seconds", "Job run time by kind.", ["kind"], buckets=_LATENCY_BUCKETS
)
ROWS_DEPLOYED = Counter(
    "dq_deployed_rows", "Rows written into the bank's campaign tables by deploys.", ["table"]
)
UPLOADS = Counter("dq_uploads", "IIN list uploads by outcome.", ["outcome"])
SIGN_INS = Counter("dq_sign_ins", "Sign-in attempts by outcome.", ["outcome"])
DISTRIBUTION_LAST_SUCCESS = Gauge(
    "dq_distribution_last_success_timestamp_seconds",
    "Unix time of the last successful daily distribution.",
    multiprocess_mode="max",
)
POOL_CHECKED_OUT = Gauge(
    "dq_db_pool_checked_out",
    "Warehouse connections in use.",
    multiprocess_mode="livesum",
)
POOL_SIZE = Gauge("dq_db_pool_size", "Warehouse connection pool size.", multiprocess_mode="livesum")
PROCESS_MEMORY = Gauge(
    "dq_process_resident_memory_bytes",
    "Resident memory of each server process.",
    multiprocess_mode="liveall",
)

# The route label of a request that matched no route: bounded cardinality for scanners.
UNMATCHED_ROUTE = "<unmatched>"


def render() -> tuple[bytes, str]:
    """The text exposition of every metric (all workers' when multi-process)."""
    update_process_memory()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        _multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE
    return generate_latest(REGISTRY), CONTENT_TYPE


def update_process_memory() -> None:
    PROCESS_MEMORY.set(resident_memory_bytes())


def resident_memory_bytes() -> int:
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            pages = int(statm.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        # Peak, not current, where /proc is missing (macOS reports bytes, Linux KiB).
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return int(peak if sys.platform == "darwin" else peak * 1024)


def instrument_pool(engine: Engine) -> None:
    """Count the engine's connections in use through the pool's own events."""
    size = getattr(engine.pool, "size", None)
    if callable(size):
        POOL_SIZE.set(size())

    @event.listens_for(engine, "checkout")
    def _checkout(*_: Any) -> None:
        POOL_CHECKED_OUT.inc()

    @event.listens_for(engine, "checkin")
    def _checkin(*_: Any) -> None:
        POOL_CHECKED_OUT.dec()


# --- samples for the monitoring page ------------------------------------------------------

# Request latency is kept as counts per bucket (milliseconds, upper bounds), so percentiles
# can be merged across minutes and instances without keeping every request.
LATENCY_BOUNDS_MS = (
    5, 10, 20, 35, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000,
    10000, 30000, 60000, 300000,
)  # fmt: skip
BUCKET_SECONDS = 300
MAX_QUERY_SAMPLES = 10_000
MAX_ROUTE_KEYS = 5_000


@dataclass
class RouteWindow:
    """One route's requests in one 5-minute bucket."""

    count: int = 0
    errors: int = 0
    total_ms: float = 0.0
    max_ms: float = 0.0
    buckets: list[int] = field(default_factory=lambda: [0] * (len(LATENCY_BOUNDS_MS) + 1))

    def add(self, ms: float, error: bool) -> None:
        self.count += 1
        self.errors += int(error)
        self.total_ms += ms
        self.max_ms = max(self.max_ms, ms)
        self.buckets[bisect.bisect_left(LATENCY_BOUNDS_MS, ms)] += 1


@dataclass(frozen=True)
class QuerySample:
    occurred_at: datetime
    kind: str
    username: str | None
    duration_ms: float
    ok: bool
    rows: int | None
    detail: str | None


_lock = threading.Lock()
_routes: dict[tuple[datetime, str, str], RouteWindow] = {}
_queries: deque[QuerySample] = deque(maxlen=MAX_QUERY_SAMPLES)


def _bucket_start(now: float) -> datetime:
    start = now - now % BUCKET_SECONDS
    return datetime.fromtimestamp(start, UTC).replace(tzinfo=None)


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    HTTP_REQUESTS.labels(method, route, str(status)).inc()
    HTTP_LATENCY.labels(method, route, str(status)).observe(seconds)
    key = (_bucket_start(time.time()), method, route)
    with _lock:
        window = _routes.get(key)
        if window is None:
            if len(_routes) >= MAX_ROUTE_KEYS:
                return  # not drained for a long time: Prometheus still counts it
            window = _routes[key] = RouteWindow()
        window.add(seconds * 1000, status >= 500)


def drain_routes() -> dict[tuple[datetime, str, str], RouteWindow]:
    global _routes
    with _lock:
        drained, _routes = _routes, {}
    return drained


def drain_queries() -> list[QuerySample]:
    with _lock:
        drained = list(_queries)
        _queries.clear()
    return drained


class QueryTimer:
    """What `track_query` yields: the work may say how many rows it touched."""

    rows: int | None = None
    detail: str | None = None


@contextmanager
def track_query(kind: str, username: str | None) -> Iterator[QueryTimer]:
    """Time warehouse work of `kind` (a stable name: `audience.preview`, `deploy.write`, ...):
    into the latency histogram, and into the query log the monitoring page shows."""
    timer = QueryTimer()
    started = time.perf_counter()
    ok = False
    try:
        yield timer
        ok = True
    finally:
        seconds = time.perf_counter() - started
        QUERY_LATENCY.labels(kind, "ok" if ok else "error").observe(seconds)
        sample = QuerySample(
            occurred_at=datetime.now(UTC).replace(tzinfo=None),
            kind=kind,
            username=username,
            duration_ms=round(seconds * 1000, 2),
            ok=ok,
            rows=timer.rows,
            detail=timer.detail,
        )
        with _lock:
            _queries.append(sample)


def observe_job(kind: str, status: str, seconds: float | None) -> None:
    JOBS.labels(kind, status).inc()
    if seconds is not None:
        JOB_DURATION.labels(kind).observe(seconds)


def tracked_stream(kind: str, username: str | None, chunks: Iterable[T]) -> Iterator[T]:
    """A streamed response's chunks, timed as warehouse work of `kind` until the last one."""
    with track_query(kind, username):
        yield from chunks
