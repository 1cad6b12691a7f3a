"""Imports every table so `Base.metadata` is complete (Alembic, tests, DDL compile)."""

from dataquery.audit.models import AuditEntry
from dataquery.auth.models import RefreshToken, User
from dataquery.campaigns.models import (
    CampaignDict,
    PopUpCampaign,
    RB3CampaignDict,
    campaign_users,
    contact_history,
    global_control,
    local_control,
    local_target,
)
from dataquery.core.db import Base
from dataquery.datasets.models import Dataset
from dataquery.jobs.models import Job
from dataquery.reference.models import Channel, Filial, PushEventType, Stream

__all__ = [
    "AuditEntry",
    "Base",
    "CampaignDict",
    "Channel",
    "Dataset",
    "Filial",
    "Job",
    "PopUpCampaign",
    "PushEventType",
    "RB3CampaignDict",
    "RefreshToken",
    "Stream",
    "User",
    "campaign_users",
    "contact_history",
    "global_control",
    "local_control",
    "local_target",
]
