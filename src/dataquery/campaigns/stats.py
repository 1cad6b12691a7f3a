"""Statistics of one campaign, and the dashboard across campaigns. Counted in the warehouse."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dataquery.bank.tables import CampaignDict, campaign_users, contact_history
from dataquery.campaigns import service
from dataquery.campaigns.app_tables import CampaignEvent
from dataquery.campaigns.schemas import (
    CampaignEventOut,
    CampaignStats,
    CampaignStatus,
    ChannelDailyCount,
    ChannelDropouts,
    DailyCount,
    Dashboard,
)


def campaign_stats(db: Session, campaign: CampaignDict) -> CampaignStats:
    code = campaign.camp_cd
    split = service.current_split(db, campaign)
    if campaign.status == CampaignStatus.DRAFT:
        groups = {"target": split.target if split else 0, "control": split.control if split else 0}
    else:
        target, control = service.member_counts(db, code)
        groups = {"target": target, "control": control}
    channels = {
        channel: int(count)
        for channel, count in db.execute(
            sa.select(campaign_users.c.channel, sa.func.count())
            .where(campaign_users.c.camp_cd == code)
            .group_by(campaign_users.c.channel)
        ).all()
    }
    contacts = [
        ChannelDailyCount(day=_day(day), channel=channel, count=int(count))
        for day, channel, count in db.execute(
            sa.select(contact_history.c.contact_date, contact_history.c.channel, sa.func.count())
            .where(contact_history.c.camp_cd == code)
            .group_by(contact_history.c.contact_date, contact_history.c.channel)
            .order_by(contact_history.c.contact_date, contact_history.c.channel)
        ).all()
    ]
    events = service.history(db, code)
    return CampaignStats(
        code=code,
        status=CampaignStatus(campaign.status),
        effective_status=service.effective_status(campaign),
        groups=groups,
        channels=channels,
        contacts_per_day=contacts,
        dropouts=_dropouts(events),
        split=split,
        history=[CampaignEventOut.model_validate(e) for e in events],
    )


def _dropouts(events: list[CampaignEvent]) -> dict[str, ChannelDropouts]:
    """Summed over the deploy and every later addition to the target group."""
    totals: dict[str, ChannelDropouts] = {}
    for event in events:
        if event.kind not in ("deployed", "members_added") or not event.detail:
            continue
        for channel, report in (event.detail.get("channels") or {}).items():
            total = totals.setdefault(channel, ChannelDropouts(eligible=0, dropped=0, reasons={}))
            total.eligible += int(report.get("eligible", 0))
            total.dropped += int(report.get("dropped", 0))
            for reason, count in (report.get("reasons") or {}).items():
                total.reasons[reason] = total.reasons.get(reason, 0) + int(count)
    return totals


def _counts(db: Session, column: Any) -> dict[str, int]:
    rows = db.execute(sa.select(column, sa.func.count()).group_by(column)).all()
    return {str(key): int(count) for key, count in rows}


def dashboard(db: Session, days: int = 30) -> Dashboard:
    on = service.today()
    since = on - timedelta(days=days - 1)
    live = CampaignDict.status.in_([CampaignStatus.DEPLOYED.value, CampaignStatus.ACTIVE.value])
    effective = sa.case(
        (sa.and_(live, CampaignDict.start_date > on), "scheduled"),
        (sa.and_(live, CampaignDict.end_date < on), "ended"),
        (live, "active"),
        else_=CampaignDict.status,
    )
    by_effective = _counts(db, effective)
    members = CampaignDict.target_cnt + CampaignDict.control_cnt
    active = sa.and_(live, CampaignDict.start_date <= on, CampaignDict.end_date >= on)
    active_today, in_active = db.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(members), 0)).where(active)
    ).one()
    deployed_day = sa.cast(CampaignDict.deployed_at, sa.Date)
    deployed = db.execute(
        sa.select(deployed_day, sa.func.sum(members))
        .where(CampaignDict.deployed_at.is_not(None), deployed_day >= since)
        .group_by(deployed_day)
        .order_by(deployed_day)
    ).all()
    contacts = db.execute(
        sa.select(contact_history.c.contact_date, sa.func.count())
        .where(contact_history.c.contact_date.between(since, on + timedelta(days=days)))
        .group_by(contact_history.c.contact_date)
        .order_by(contact_history.c.contact_date)
    ).all()
    return Dashboard(
        total=sum(by_effective.values()),
        by_status=_counts(db, CampaignDict.status),
        by_effective_status=by_effective,
        by_type=_counts(db, CampaignDict.camp_type),
        by_stream=_counts(db, CampaignDict.stream),
        by_owner=_counts(db, CampaignDict.owner),
        members_deployed_per_day=[DailyCount(day=_day(d), count=int(n)) for d, n in deployed],
        contacts_per_day=[DailyCount(day=_day(d), count=int(n)) for d, n in contacts],
        active_today=int(active_today),
        members_in_active=int(in_active),
    )


def _day(value: Any) -> date:
    if isinstance(value, datetime):  # Oracle's DATE carries a time
        return value.date()
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
