"""The model registry: imports every table so `Base.metadata` is complete (Alembic, tests, DDL
compile). Top level, above every domain: `core` must not import one."""

import dataquery.campaigns.app_tables  # noqa: F401  (dq_campaign_details, dq_campaign_events)
from dataquery.appsettings.models import SettingValue
from dataquery.audiences.models import Audience, audience_members  # noqa: F401
from dataquery.audit.models import AuditEntry
from dataquery.auth.models import AuthSession, PasswordAttempt, RefreshToken, User
from dataquery.bank.tables import (
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
from dataquery.datasets.models import ContactIndex, Dataset, ListIndex, MemberIndex
from dataquery.datasources.models import DataSource, SourceDataset
from dataquery.distribution.models import DistributionRun
from dataquery.integrations.models import CampaignJira
from dataquery.jobs.models import Job, JobEffect
from dataquery.monitoring.models import QueryLogEntry, RouteStat
from dataquery.notifications.models import NotificationLog, NotificationPreference
from dataquery.queries.models import SavedQuery
from dataquery.reference.models import Channel, Filial, PushEventType, Stream
from dataquery.uploads.models import Upload

__all__ = [
    "AuditEntry",
    "AuthSession",
    "Base",
    "CampaignDict",
    "CampaignJira",
    "Channel",
    "ContactIndex",
    "DataSource",
    "Dataset",
    "DistributionRun",
    "Filial",
    "Job",
    "JobEffect",
    "ListIndex",
    "MemberIndex",
    "NotificationLog",
    "NotificationPreference",
    "PasswordAttempt",
    "PopUpCampaign",
    "PushEventType",
    "QueryLogEntry",
    "RB3CampaignDict",
    "RefreshToken",
    "RouteStat",
    "SavedQuery",
    "SettingValue",
    "SourceDataset",
    "Stream",
    "Upload",
    "User",
    "campaign_users",
    "contact_history",
    "global_control",
    "local_control",
    "local_target",
]
