"""Notification preferences and the send log, as the API shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from dataquery.core.schemas import APIModel


class Preferences(BaseModel):
    model_config = {"extra": "forbid"}

    language: Literal["ru", "kz"] = Field(default="ru", description="The mails' language.")
    kinds: dict[str, bool] = Field(
        default_factory=dict,
        description="Per kind (deploy_done, deploy_failed, upload_done, upload_failed, "
        "export_ready, job_failed, distribution_report): get it or not; absent: get it.",
    )


class PreferencesOut(Preferences):
    available: list[str] = Field(description="The kinds one may choose.")
    email: str | None = Field(description="Where mails go (the account's address).")


class SentMail(APIModel):
    id: str
    created_at: datetime
    kind: str
    recipients: str
    subject: str
    status: str
    attempts: int
    error: str | None
    sent_at: datetime | None
