"""The app's own campaign tables (`dq_*`), beside the bank's: what a draft needs before it is
deployed, and a per-campaign history the UI shows. Created by migration 0005."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from dataquery.core.db import Base, JSONText, utcnow


class CampaignDetail(Base):
    """Draft content that the bank's tables only receive at deploy (RB3 terms, pop-up), the
    deploy claim and the deploy's report (rows per table, drop-outs per channel)."""

    __tablename__ = "dq_campaign_details"

    camp_cd: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    push_event_type: Mapped[str | None] = mapped_column(sa.String(40))
    rb3: Mapped[dict[str, Any] | None] = mapped_column(JSONText)
    popup: Mapped[dict[str, Any] | None] = mapped_column(JSONText)
    # The SMS texts that differ from the push body: {"ru": ..., "kz": ...}.
    sms: Mapped[dict[str, Any] | None] = mapped_column(JSONText)
    copied_from: Mapped[str | None] = mapped_column(sa.String(10))
    deploy_job_id: Mapped[str | None] = mapped_column(sa.String(36))
    deploy_report: Mapped[dict[str, Any] | None] = mapped_column(JSONText)
    # The experiment design (groups and shares, strata, re-randomisation), the kept salt and
    # the balance proof of the split (migration 0013); None: the plain target/control split.
    experiment: Mapped[dict[str, Any] | None] = mapped_column(JSONText)
    # Takes a share of the daily new-user pool while active (dataquery.distribution; 0014).
    pool_share: Mapped[bool | None] = mapped_column(
        sa.Boolean, default=False, server_default=sa.false()
    )
    # What contacting one member costs (KZT): the effect's ROI (migration 0019).
    cost_per_contact: Mapped[float | None] = mapped_column(sa.Float)
    # An arm of an A/B/n experiment (migration 0021): the lead campaign, whose design splits
    # the audience, and the arm's group in it (2..; the lead itself is arm 1).
    experiment_lead: Mapped[str | None] = mapped_column(sa.String(10))
    arm: Mapped[int | None] = mapped_column(sa.Integer)


class CampaignEvent(Base):
    """What happened to a campaign: created, updated, deployed, status, members changed."""

    __tablename__ = "dq_campaign_events"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    camp_cd: Mapped[str] = mapped_column(sa.String(10), index=True)
    occurred_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)
    username: Mapped[str | None] = mapped_column(sa.String(100))
    kind: Mapped[str] = mapped_column(sa.String(30))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSONText)
