"""Health, no auth: GET /api/v1/health (every dependency), /health/ready, /health/live.

`/health` keeps its first shape (status, version, warehouse, bank date, time zone) and adds
`checks`: the warehouse, LDAP (DQ_AUTH_BACKEND=ldap), SMTP (when a mail host is configured),
the scheduler (when the app runs one) and free disk space under DQ_DATA_DIR, each with its
status and how long it took. It answers 503 when the warehouse is down; a dependency the app
can still work without (LDAP, SMTP, disk space) makes it `degraded` with a 200.
"""

from __future__ import annotations

import shutil
import smtplib
import time
from collections.abc import Callable
from datetime import date
from importlib.metadata import version
from pathlib import Path
from typing import Any, Literal

import ldap3
import sqlalchemy as sa
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.engine import Engine

from dataquery.core.clock import bank_timezone, bank_today
from dataquery.core.config import AuthBackend, Settings

router = APIRouter(tags=["health"])

CheckStatus = Literal["ok", "warn", "down"]
_MIB = 1024 * 1024


class WarehouseHealth(BaseModel):
    dialect: str
    reachable: bool


class DependencyCheck(BaseModel):
    name: Literal["warehouse", "ldap", "smtp", "scheduler", "disk"]
    status: CheckStatus
    latency_ms: float = Field(description="How long the check took")
    detail: str | None = Field(default=None, description="Why it is not ok (English)")
    params: dict[str, Any] = Field(default_factory=dict, description="Figures of the check")


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    version: str
    warehouse: WarehouseHealth
    bank_date: date = Field(description="Today in the bank's time zone: the product's today.")
    timezone: str = Field(description="The bank's time zone (DQ_TIMEZONE).")
    checks: list[DependencyCheck] = Field(
        default_factory=list, description="Each dependency with its status and latency"
    )


class Liveness(BaseModel):
    status: Literal["ok"]


class Readiness(BaseModel):
    status: Literal["ready", "not_ready"]
    warehouse: WarehouseHealth


def app_version() -> str:
    return version("dataquery")


def _timed(
    name: Any, check: Callable[[], tuple[CheckStatus, str | None, dict[str, Any]]]
) -> DependencyCheck:
    started = time.perf_counter()
    try:
        status, detail, params = check()
    except Exception as exc:  # a check that fails in any way reports the dependency down
        status, detail, params = "down", f"{type(exc).__name__}: {exc}"[:300], {}
    latency = round((time.perf_counter() - started) * 1000, 2)
    return DependencyCheck(
        name=name, status=status, latency_ms=latency, detail=detail, params=params
    )


def _warehouse(engine: Engine) -> Callable[[], tuple[CheckStatus, str | None, dict[str, Any]]]:
    def check() -> tuple[CheckStatus, str | None, dict[str, Any]]:
        try:
            with engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
        except sa.exc.SQLAlchemyError as exc:
            return "down", type(exc).__name__, {}
        return "ok", None, {}

    return check


def _ldap(settings: Settings) -> Callable[[], tuple[CheckStatus, str | None, dict[str, Any]]]:
    def check() -> tuple[CheckStatus, str | None, dict[str, Any]]:
        server = ldap3.Server(settings.ldap_url, connect_timeout=settings.ldap_timeout_seconds)
        connection = ldap3.Connection(server, receive_timeout=settings.ldap_timeout_seconds)
        try:
            connection.open()
        except ldap3.core.exceptions.LDAPException as exc:
            return "down", type(exc).__name__, {}
        finally:
            connection.unbind()
        return "ok", None, {}

    return check


def _smtp(host: str, port: int, timeout: float) -> Callable[[], Any]:
    def check() -> tuple[CheckStatus, str | None, dict[str, Any]]:
        with smtplib.SMTP(host, port, timeout=timeout) as smtp:
            code, _ = smtp.noop()
        return ("ok", None, {}) if code == 250 else ("down", f"NOOP answered {code}", {})

    return check


def _scheduler(scheduler: Any) -> Callable[[], tuple[CheckStatus, str | None, dict[str, Any]]]:
    def check() -> tuple[CheckStatus, str | None, dict[str, Any]]:
        running = bool(getattr(scheduler, "running", False))
        return ("ok", None, {}) if running else ("down", "the scheduler is not running", {})

    return check


def _disk(folder: Path, min_free_mb: int) -> Callable[[], Any]:
    def check() -> tuple[CheckStatus, str | None, dict[str, Any]]:
        existing = folder.resolve()
        while not existing.exists() and existing != existing.parent:
            existing = existing.parent
        usage = shutil.disk_usage(existing)
        params = {"free_mb": usage.free // _MIB, "total_mb": usage.total // _MIB,
                  "min_free_mb": min_free_mb}  # fmt: skip
        if usage.free < min_free_mb * _MIB:
            return "warn", f"{usage.free // _MIB} MB free, below {min_free_mb} MB", params
        return "ok", None, params

    return check


def dependency_checks(
    engine: Engine, settings: Settings, scheduler: Any = None
) -> list[DependencyCheck]:
    """Every dependency the app is configured with, checked now (blocking: call from a thread)."""
    checks = [_timed("warehouse", _warehouse(engine))]
    if settings.auth_backend == AuthBackend.LDAP:
        checks.append(_timed("ldap", _ldap(settings)))
    smtp_host = getattr(settings, "smtp_host", None)
    if smtp_host:
        port = int(getattr(settings, "smtp_port", 25) or 25)
        checks.append(_timed("smtp", _smtp(smtp_host, port, settings.ldap_timeout_seconds)))
    if scheduler is not None:
        checks.append(_timed("scheduler", _scheduler(scheduler)))
    checks.append(_timed("disk", _disk(settings.data_dir, settings.health_min_free_mb)))
    return checks


def health_of(engine: Engine, settings: Settings, scheduler: Any = None) -> Health:
    checks = dependency_checks(engine, settings, scheduler)
    reachable = checks[0].status == "ok"
    return Health(
        status="ok" if all(c.status == "ok" for c in checks) else "degraded",
        version=app_version(),
        warehouse=WarehouseHealth(dialect=engine.dialect.name, reachable=reachable),
        bank_date=bank_today(),
        timezone=str(bank_timezone()),
        checks=checks,
    )


@router.get("/health", response_model=Health, responses={503: {"model": Health}})
def health(request: Request) -> JSONResponse:
    state = request.app.state
    body = health_of(state.engine, state.settings, getattr(state, "scheduler", None))
    status_code = 200 if body.warehouse.reachable else 503
    return JSONResponse(body.model_dump(mode="json"), status_code=status_code)


@router.get("/health/live", response_model=Liveness)
def live() -> Liveness:
    """The process answers: an orchestrator restarts it when this stops answering."""
    return Liveness(status="ok")


@router.get("/health/ready", response_model=Readiness, responses={503: {"model": Readiness}})
def ready(request: Request) -> JSONResponse:
    """The warehouse answers: an orchestrator sends traffic only while this is 200."""
    engine: Engine = request.app.state.engine
    reachable = _timed("warehouse", _warehouse(engine)).status == "ok"
    body = Readiness(
        status="ready" if reachable else "not_ready",
        warehouse=WarehouseHealth(dialect=engine.dialect.name, reachable=reachable),
    )
    return JSONResponse(body.model_dump(mode="json"), status_code=200 if reachable else 503)
