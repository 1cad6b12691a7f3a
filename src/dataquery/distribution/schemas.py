"""What the distribution API and CLI show."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from dataquery.campaigns.schemas import ChannelDropouts
from dataquery.core.schemas import APIModel


class RunStatus(StrEnum):
    DONE = "done"  # distributed and committed (at most one per day)
    FAILED = "failed"  # rolled back; the error is kept
    ALREADY_DONE = "already_done"  # a second run of a done day: a no-op (not stored)
    DRY_RUN = "dry_run"  # what a run would do (not stored)


class RunTrigger(StrEnum):
    SCHEDULE = "schedule"
    CATCH_UP = "catch_up"
    MANUAL = "manual"
    CLI = "cli"


class CampaignShare(APIModel):
    """One campaign's share of the day's pool."""

    code: str
    name: str
    target: int
    control: int
    channels: dict[str, ChannelDropouts] = Field(default_factory=dict)


class DistributionReport(APIModel):
    day: date
    status: RunStatus
    run_id: str | None = Field(description="The stored run (for already_done: the done one).")
    pool_size: int = Field(description="IINs of the day's pool not yet in any campaign.")
    distributed: int
    campaigns: list[CampaignShare]
    undistributed: dict[str, int] = Field(
        description="Reason -> customers no campaign took: a suppression list's name, "
        "recent_contact, frequency_cap, push_optout, upload, several_rules (barred by "
        "different rules in different campaigns) or no_active_campaign."
    )
    seconds: float
    error: str | None = None
    written_at: datetime | None = Field(
        default=None, description="created_at of the rows the run wrote (none when dry)."
    )


class DistributionRequest(BaseModel):
    model_config = {"extra": "forbid"}

    day: date | None = Field(default=None, description="The pool's day; default: bank's today.")
    dry_run: bool = Field(default=True, description="Compute and report, write nothing.")


class DistributionRunOut(APIModel):
    id: str
    day: date
    status: str
    trigger: str
    username: str | None
    started_at: datetime
    finished_at: datetime | None
    seconds: float | None
    pool_size: int
    distributed: int
    campaigns: dict[str, dict[str, int]] | None = Field(description="camp_cd -> {target, control}.")
    undistributed: dict[str, int] | None
    error: str | None


class DistributionOverview(APIModel):
    today: date = Field(description="The bank's today.")
    today_status: str | None = Field(description="done, failed, or None (not run yet).")
    next_run_at: datetime | None = Field(description="The scheduler's next run; None when off.")
    scheduler_enabled: bool
    cron: str
    items: list[DistributionRunOut]
