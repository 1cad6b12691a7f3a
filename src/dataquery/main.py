"""The FastAPI application factory."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from dataquery.appsettings.router import defaults_router
from dataquery.appsettings.router import router as settings_router
from dataquery.audiences.router import router as audiences_router
from dataquery.audit.router import router as audit_router
from dataquery.audit.service import AUDIT_HOOK, record_outcome, start_request
from dataquery.auth.router import router as auth_router
from dataquery.auth.router import users_router
from dataquery.campaigns.router import router as campaigns_router
from dataquery.core import metrics
from dataquery.core.clock import bank_timezone, set_timezone
from dataquery.core.config import Settings, get_settings
from dataquery.core.db import (
    WarehouseLocked,
    create_warehouse_engine,
    hold_embedded_warehouse,
    install_transaction_hook,
    make_sessionmaker,
)
from dataquery.core.edge import RejectBadText
from dataquery.core.handlers import install_error_handlers
from dataquery.core.health import app_version
from dataquery.core.health import router as health_router
from dataquery.core.logging import configure_logging, get_logger
from dataquery.core.web import mount_web
from dataquery.datasets.router import router as datasets_router
from dataquery.datasources.router import router as datasources_router
from dataquery.datasources.service import run_due
from dataquery.distribution.report import send_failure, send_report
from dataquery.distribution.router import router as distribution_router
from dataquery.distribution.scheduler import DistributionScheduler
from dataquery.integrations.jira import JobSync
from dataquery.integrations.router import router as integrations_router
from dataquery.jobs.router import router as jobs_router
from dataquery.jobs.runner import JobListener, get_runner
from dataquery.monitoring.router import metrics_router
from dataquery.monitoring.router import router as monitoring_router
from dataquery.monitoring.service import Flusher, Store
from dataquery.notifications.jobs import JobMail
from dataquery.notifications.router import router as notifications_router
from dataquery.queries.router import router as queries_router
from dataquery.queries.router import viewer_router
from dataquery.reference.router import router as reference_router
from dataquery.uploads.router import router as uploads_router

API_PREFIX = "/api/v1"
log = get_logger("dataquery.http")

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; frame-ancestors 'none'"
    ),
}


def route_template(scope: Any) -> str:
    """The matched route's path template with every router prefix (`/api/v1/campaigns/{code}`),
    the metrics' label: bounded, unlike the path itself."""
    context = (scope.get("fastapi") or {}).get("effective_route_context")
    path = getattr(context, "path", None) or getattr(scope.get("route"), "path", None)
    return str(path) if path else metrics.UNMATCHED_ROUTE


SOURCE_TICK_SECONDS = 60


async def _source_refreshes(app: FastAPI) -> None:
    """DQ_SOURCES_SCHEDULER: once a minute, start the data-source refreshes that are due."""
    while True:
        await asyncio.sleep(SOURCE_TICK_SECONDS)
        try:
            started = await run_in_threadpool(
                run_due, get_runner(app), app.state.sessionmaker, app.state.settings
            )
            if started:
                log.info("source refreshes started", datasets=started)
        except Exception:  # the next tick tries again; the server keeps serving
            log.exception("source refresh tick failed")


def job_listeners(settings: Settings, factory: sessionmaker[Session]) -> list[JobListener]:
    """Told of every job that ended, on any instance or worker that ran it: the owner's and
    admins' mails, JIRA for deploy jobs."""
    return [JobMail(settings, factory), JobSync(settings, factory)]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level, settings.log_json)
    set_timezone(settings.timezone)
    engine = create_warehouse_engine(
        settings.warehouse_url,
        {
            "pool_size": settings.warehouse_pool_size,
            "max_overflow": settings.warehouse_max_overflow,
            "pool_timeout": settings.warehouse_pool_timeout_seconds,
        },
        parallel_workers=settings.warehouse_parallel_workers,
    )
    metrics.instrument_pool(engine)
    sessions = make_sessionmaker(engine)
    store = Store(sessions, settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        log.info("starting", warehouse=engine.dialect.name, version=app_version())
        try:
            held = hold_embedded_warehouse(engine)
        except WarehouseLocked as exc:
            log.error("warehouse locked", detail=str(exc))
            raise
        flusher = Flusher(store, settings.monitoring_flush_seconds)
        flusher.start()
        ticker = asyncio.create_task(_source_refreshes(app)) if settings.sources_scheduler else None
        scheduler = None
        if settings.scheduler_enabled:
            factory = app.state.sessionmaker
            scheduler = DistributionScheduler(
                factory,
                settings,
                bank_timezone(),
                settings.distribution_catchup_days,
                after_commit=lambda report: send_report(settings, factory, report),
                on_failure=lambda day, error: send_failure(
                    settings, factory, day.isoformat(), error
                ),
            )
            scheduler.start()
            app.state.distribution_scheduler = scheduler
            app.state.scheduler = scheduler.scheduler  # /health reports whether it runs
        yield
        if scheduler is not None:
            scheduler.shutdown()
        if ticker is not None:
            ticker.cancel()
        flusher.stop()
        if held is not None:
            held.close()
        engine.dispose()

    app = FastAPI(
        title="DataQuery Pro",
        version=app_version(),
        description="Campaign audiences, splits and deployment for a retail bank.",
        lifespan=lifespan,
        docs_url=None,  # served by mount_web from our own origin, not a CDN
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = sessions
    # Told of every job that ended: the owner's and admins' mails, JIRA for deploy jobs.
    app.state.job_listeners = job_listeners(settings, sessions)
    app.state.monitoring_store = store
    install_transaction_hook(app, AUDIT_HOOK)
    install_error_handlers(app)

    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["*"],
            allow_headers=["*"],
        )

    @app.middleware("http")
    async def observe(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        audit = start_request(request)
        response = await call_next(request)
        if audit.recorded and not audit.written:
            # The request's transaction did not carry its audit row (refused, failed, or
            # it wrote nothing): record the attempt on its own.
            audit.describe_route(request)
            try:
                await run_in_threadpool(
                    record_outcome, app.state.sessionmaker, audit, response.status_code
                )
            except PoolTimeout:  # the 503 `server.busy` itself: it changed nothing
                log.warning("audit row not written: warehouse busy", path=request.url.path)
        response.headers.update(SECURITY_HEADERS)
        metrics.observe_request(
            request.method,
            route_template(request.scope),
            response.status_code,
            time.perf_counter() - started,
        )
        if request.url.path.startswith(API_PREFIX):
            log.info(
                "request",
                method=request.method,
                path=request.url.path,
                status=response.status_code,
                ms=round((time.perf_counter() - started) * 1000, 1),
            )
        return response

    # Added last, so outermost: a path, query or JSON body with a NUL or another control
    # character is refused before logging, audit or any route sees it.
    app.add_middleware(
        RejectBadText,
        max_body_bytes=int(settings.json_body_max_mb * 1024 * 1024),
        headers=SECURITY_HEADERS,
    )

    api = APIRouter(prefix=API_PREFIX)
    api.include_router(health_router)
    api.include_router(auth_router)
    api.include_router(users_router)
    api.include_router(audit_router)
    api.include_router(reference_router)
    api.include_router(datasets_router)
    api.include_router(datasources_router)
    api.include_router(audiences_router)
    api.include_router(jobs_router)
    api.include_router(uploads_router)
    api.include_router(campaigns_router)
    api.include_router(monitoring_router)
    api.include_router(settings_router)
    api.include_router(defaults_router)
    api.include_router(queries_router)
    api.include_router(viewer_router)
    api.include_router(distribution_router)
    api.include_router(notifications_router)
    api.include_router(integrations_router)
    app.include_router(api)
    app.include_router(metrics_router)
    mount_web(app, settings.web_dist)
    return app
