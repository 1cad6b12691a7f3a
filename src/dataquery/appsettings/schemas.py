"""The run-time settings: names, types and bounds (the same as their DQ_ variables')."""

from __future__ import annotations

import re
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from dataquery.core.schemas import APIModel

_EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")
_TIME = r"^([01]\d|2[0-3]):[0-5]\d$"
MAX_RECIPIENTS = 50


def _check_recipients(value: list[str] | None) -> list[str] | None:
    if value is None:
        return None
    cleaned = [address.strip().lower() for address in value if address.strip()]
    for address in cleaned:
        if not _EMAIL.match(address) or len(address) > 254:
            raise ValueError(f"{address!r} is not an e-mail address")
    return list(dict.fromkeys(cleaned))


class RuntimeSettings(BaseModel):
    """Values an admin may change without a redeploy."""

    upload_max_mb: int = Field(ge=1, le=2048, description="Largest upload (MB)")
    upload_job_threshold_mb: float = Field(
        ge=0, le=2048, description="Uploads larger than this (MB) run as a job"
    )
    upload_max_rows: int = Field(ge=1, le=50_000_000, description="Rows an upload may have")
    default_control_share: float = Field(
        ge=0, le=0.5, description="Control share a new campaign starts with"
    )
    deploy_job_threshold_rows: int = Field(
        ge=0, le=100_000_000, description="Deploys of more members than this run as a job"
    )
    notification_recipients: list[str] = Field(
        max_length=MAX_RECIPIENTS, description="Who receives the distribution report"
    )
    distribution_time: str = Field(pattern=_TIME, description="Daily distribution, HH:MM")
    distribution_enabled: bool = Field(description="Whether the daily distribution runs")

    _recipients = field_validator("notification_recipients")(_check_recipients)


SETTING_KEYS = tuple(RuntimeSettings.model_fields)


class SettingsUpdate(BaseModel):
    """Only the given values change; `reset` puts the named ones back to their defaults."""

    model_config = ConfigDict(extra="forbid")

    upload_max_mb: int | None = Field(default=None, ge=1, le=2048)
    upload_job_threshold_mb: float | None = Field(default=None, ge=0, le=2048)
    upload_max_rows: int | None = Field(default=None, ge=1, le=50_000_000)
    default_control_share: float | None = Field(default=None, ge=0, le=0.5)
    deploy_job_threshold_rows: int | None = Field(default=None, ge=0, le=100_000_000)
    notification_recipients: list[str] | None = Field(default=None, max_length=MAX_RECIPIENTS)
    distribution_time: str | None = Field(default=None, pattern=_TIME)
    distribution_enabled: bool | None = None
    reset: list[str] = Field(default_factory=list, description="Names to reset to the default")

    _recipients = field_validator("notification_recipients")(_check_recipients)

    @field_validator("reset")
    @classmethod
    def _known_names(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(SETTING_KEYS))
        if unknown:
            raise ValueError(f"unknown settings: {', '.join(unknown)}")
        return value


class SettingChange(APIModel):
    key: str
    updated_at: datetime
    updated_by: str


class SettingsOut(BaseModel):
    values: RuntimeSettings = Field(description="What the application uses now")
    defaults: RuntimeSettings = Field(description="The DQ_ variables' values")
    changed: list[SettingChange] = Field(description="Settings an admin set, and who and when")


class CampaignDefaults(BaseModel):
    """What every signed-in user's forms start from (the effective settings)."""

    default_control_share: float
    upload_max_mb: int
    upload_job_threshold_mb: float
