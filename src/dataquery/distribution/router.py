"""/api/v1/distributions: the daily pool distribution's history, and a run by hand (admin).

A run by hand works like the 09:00 one: its own transaction per day (committed before the
answer), at most one done run per day, a failure kept as a failed run."""

from __future__ import annotations

from fastapi import APIRouter, Request

from dataquery.audit.service import audit_context
from dataquery.auth.deps import AdminUser, CurrentUser
from dataquery.core.clock import bank_today
from dataquery.core.db import DB
from dataquery.core.errors import Conflict, DQError
from dataquery.core.schemas import errors
from dataquery.distribution import service
from dataquery.distribution.report import send_failure, send_report
from dataquery.distribution.scheduler import schedule_of
from dataquery.distribution.schemas import (
    DistributionOverview,
    DistributionReport,
    DistributionRequest,
    DistributionRunOut,
    RunTrigger,
)

router = APIRouter(prefix="/distributions", tags=["distributions"], responses=errors(401, 403))


@router.get("", responses=errors(422))
def list_distributions(request: Request, db: DB, _: CurrentUser) -> DistributionOverview:
    """Today's status, the next scheduled run and the last 60 runs (newest first)."""
    settings = request.app.state.settings
    scheduler = getattr(request.app.state, "distribution_scheduler", None)
    today = bank_today()
    runs = service.history(db)
    today_runs = [r.status for r in runs if r.day == today]
    return DistributionOverview(
        today=today,
        today_status="done" if "done" in today_runs else (today_runs[0] if today_runs else None),
        next_run_at=scheduler.next_run_time() if scheduler is not None else None,
        scheduler_enabled=scheduler is not None and scheduler.schedule.enabled,
        cron=scheduler.schedule.cron if scheduler is not None else schedule_of(db, settings).cron,
        items=[DistributionRunOut.model_validate(r) for r in runs],
    )


@router.post("", responses=errors(409, 422))
def run_distribution(
    request: Request, user: AdminUser, body: DistributionRequest
) -> DistributionReport:
    """Distributes a day's pool now (default: today, dry run first). A day already done
    answers `already_done` and changes nothing."""
    day = body.day or bank_today()
    context = audit_context(request)
    context.target = f"day={day.isoformat()}"
    context.summary = {"dry_run": body.dry_run}
    settings, factory = request.app.state.settings, request.app.state.sessionmaker
    try:
        report = service.distribute(
            factory,
            day,
            dry_run=body.dry_run,
            trigger=RunTrigger.MANUAL,
            username=user.username,
            after_commit=lambda done: send_report(settings, factory, done),
            on_failure=lambda failed_day, error: send_failure(
                settings, factory, failed_day.isoformat(), error
            ),
        )
    except DQError:
        raise
    except Exception as exc:  # kept as a failed run by the service; answered, not a 500
        raise Conflict(
            f"the distribution of {day} failed and nothing was written: {type(exc).__name__}",
            code="distribution.failed",
            params={"day": day.isoformat()},
        ) from exc
    context.summary.update(status=report.status.value, distributed=report.distributed)
    return report
