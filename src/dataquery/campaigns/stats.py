"""Statistics of one campaign, and the dashboard across campaigns. Counted in the warehouse."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dataquery.bank.tables import CampaignDict, campaign_users, contact_history, local_target
from dataquery.campaigns import deploy, service
from dataquery.campaigns.schemas import (
    CampaignEventOut,
    CampaignStats,
    CampaignStatus,
    ChannelDailyCount,
    ChannelDropouts,
    DailyCount,
    Dashboard,
)
from dataquery.core.errors import Conflict


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
        dropouts=_dropouts(db, campaign),
        split=split,
        history=[CampaignEventOut.model_validate(e) for e in events],
    )


def _dropouts(db: Session, campaign: CampaignDict) -> dict[str, ChannelDropouts]:
    """Per channel, counted from the tables now (so current after every member or status
    change): target members with a delivery row for it are eligible, the others dropped, each
    with the reason the deploy rules give today. A member dropped at deploy who has become
    reachable since counts as `reachable_since` (added members get delivery rows at once)."""
    channels = service.channels_of(campaign)
    if campaign.status == CampaignStatus.DRAFT or not channels:
        return {}
    code = campaign.camp_cd
    event_type = service.get_detail(db, code).push_event_type
    try:
        src = deploy.sources(db, channels, event_type)
    except Conflict:  # the feature store is gone: the reasons are unknown, the counts are not
        src = deploy.Sources(None, None)
    targets = sa.select(local_target.c.iin).where(local_target.c.camp_cd == code).subquery("t")
    rows = deploy.reach(targets, src, event_type).subquery("reach")
    delivered = {
        channel: sa.exists().where(
            campaign_users.c.camp_cd == code,
            campaign_users.c.iin == rows.c.iin,
            campaign_users.c.channel == channel,
        )
        for channel in channels
    }
    flags = [sa.case((test, 1), else_=0).label(channel) for channel, test in delivered.items()]
    grouped = sa.select(rows.c.push_reason, rows.c.sms_reason, *flags).subquery("flags")
    counted = db.execute(
        sa.select(*grouped.c, sa.func.count().label("n")).group_by(*grouped.c)
    ).all()
    report: dict[str, ChannelDropouts] = {}
    for channel in channels:
        total = ChannelDropouts(eligible=0, dropped=0, reasons={})
        for row in counted:
            n = int(row.n)
            if getattr(row, channel):
                total.eligible += n
                continue
            total.dropped += n
            now = {"push": row.push_reason, "sms": row.sms_reason}.get(channel)
            reason = now or "reachable_since"
            total.reasons[reason] = total.reasons.get(reason, 0) + n
        report[channel] = total
    return report


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
