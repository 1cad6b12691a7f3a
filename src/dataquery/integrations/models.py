"""dq_campaign_jira (migration 0014): a campaign's JIRA issue and the last sync's outcome."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from dataquery.core.db import Base, utcnow


class CampaignJira(Base):
    __tablename__ = "dq_campaign_jira"

    camp_cd: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    issue_key: Mapped[str | None] = mapped_column(sa.String(40))
    state: Mapped[str] = mapped_column(sa.String(20), default="pending")  # synced, failed
    last_event: Mapped[str | None] = mapped_column(sa.String(20))  # deployed, finished, …
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)
