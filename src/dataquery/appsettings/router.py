"""GET/PUT /api/v1/admin/settings: run-time settings (admin), every change audited."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Request

from dataquery.appsettings import service
from dataquery.appsettings.deps import Effective
from dataquery.appsettings.schemas import CampaignDefaults, SettingsOut, SettingsUpdate
from dataquery.audit.service import audit_context
from dataquery.auth.deps import AdminUser, AppSettings, CurrentUser
from dataquery.core.db import DB
from dataquery.core.schemas import errors

router = APIRouter(prefix="/admin/settings", tags=["settings"], responses=errors(401, 403, 422))


@router.get("")
def get_settings(db: DB, _: AdminUser, settings: AppSettings) -> SettingsOut:
    """The values in use, their DQ_ defaults, and which an admin changed."""
    return service.describe(db, settings)


@router.put("")
def put_settings(
    request: Request,
    tasks: BackgroundTasks,
    db: DB,
    user: AdminUser,
    settings: AppSettings,
    body: SettingsUpdate,
) -> SettingsOut:
    """Change the given settings (validated together); `reset` returns some to defaults.
    Takes effect at once on every instance (the distribution's schedule: here at once, on
    other instances within a minute)."""
    result, changes = service.update(db, settings, body, user.username)
    scheduler = getattr(request.app.state, "distribution_scheduler", None)
    if scheduler is not None and changes.keys() & {"distribution_time", "distribution_enabled"}:
        tasks.add_task(scheduler.refresh)  # after the commit
    audit = audit_context(request)
    audit.target = "settings"
    audit.summary = {"changes": changes}
    return result


defaults_router = APIRouter(prefix="/settings", tags=["settings"], responses=errors(401, 422))


@defaults_router.get("/defaults")
def get_form_defaults(_: CurrentUser, effective: Effective) -> CampaignDefaults:
    """The run-time values forms start from: the wizard's control share, the upload limits."""
    return CampaignDefaults(
        default_control_share=effective.default_control_share,
        upload_max_mb=effective.upload_max_mb,
        upload_job_threshold_mb=effective.upload_job_threshold_mb,
    )
