"""The bank's campaign tables. Names are the bank's: other bank systems read them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from dataquery.core.db import IIN, Base, JSONText, utcnow

# Codes come from sequences, never from max()+1: concurrent creates must not collide.
CAMPAIGN_CODE_SEQ = sa.Sequence("camp_cd_seq", start=1, metadata=Base.metadata)
XLS_OW_ID_SEQ = sa.Sequence("xls_ow_id_seq", start=1, metadata=Base.metadata)


class CampaignDict(Base):
    """mb01_camp_dict: one row per campaign (RB1 and RB3)."""

    __tablename__ = "mb01_camp_dict"

    camp_cd: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    camp_type: Mapped[str] = mapped_column(sa.String(3))
    camp_name: Mapped[str] = mapped_column(sa.String(200))
    camp_desc: Mapped[str | None] = mapped_column(sa.Text)
    stream: Mapped[str] = mapped_column(sa.String(40), index=True)
    channels: Mapped[str] = mapped_column(sa.String(40), comment="comma-separated: push,popup,sms")
    title_ru: Mapped[str | None] = mapped_column(sa.String(200))
    text_ru: Mapped[str | None] = mapped_column(sa.Text)
    title_kz: Mapped[str | None] = mapped_column(sa.String(200))
    text_kz: Mapped[str | None] = mapped_column(sa.Text)
    deep_link: Mapped[str | None] = mapped_column(sa.String(500))
    start_date: Mapped[date] = mapped_column(sa.Date)
    end_date: Mapped[date] = mapped_column(sa.Date)
    status: Mapped[str] = mapped_column(sa.String(20), index=True)
    owner: Mapped[str] = mapped_column(sa.String(100), index=True)
    product_code: Mapped[str | None] = mapped_column(sa.String(50))
    audience_id: Mapped[str | None] = mapped_column(sa.String(36))
    target_cnt: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    control_cnt: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    control_share: Mapped[Decimal] = mapped_column(sa.Numeric(5, 4), default=Decimal(0))
    split_seed: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    audience_spec: Mapped[dict[str, Any] | None] = mapped_column(JSONText)
    xls_ow_id: Mapped[str | None] = mapped_column(sa.String(8), unique=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, onupdate=utcnow)
    deployed_at: Mapped[datetime | None] = mapped_column(sa.DateTime)


class RB3CampaignDict(Base):
    """rb3_tr_campaign_dict: the bonus terms of an RB3 campaign."""

    __tablename__ = "rb3_tr_campaign_dict"

    camp_cd: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    xls_ow_id: Mapped[str] = mapped_column(sa.String(8), unique=True)
    bonus_type: Mapped[str] = mapped_column(sa.String(20), comment="cashback_pct|fixed|points")
    bonus_value: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2))
    bonus_cap: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))
    min_txn_amount: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))
    mcc_codes: Mapped[str | None] = mapped_column(sa.String(400))
    partner: Mapped[str | None] = mapped_column(sa.String(200))
    accrual_start: Mapped[date | None] = mapped_column(sa.Date)
    accrual_end: Mapped[date | None] = mapped_column(sa.Date)
    conditions_ru: Mapped[str | None] = mapped_column(sa.Text)
    conditions_kz: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)


class PopUpCampaign(Base):
    """fd_rb2_pop_up_campaign: the pop-up content of a campaign with the popup channel."""

    __tablename__ = "fd_rb2_pop_up_campaign"

    camp_cd: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    title_ru: Mapped[str] = mapped_column(sa.String(200))
    title_kz: Mapped[str] = mapped_column(sa.String(200))
    text_ru: Mapped[str] = mapped_column(sa.Text)
    text_kz: Mapped[str] = mapped_column(sa.Text)
    button_ru: Mapped[str | None] = mapped_column(sa.String(60))
    button_kz: Mapped[str | None] = mapped_column(sa.String(60))
    image_url: Mapped[str | None] = mapped_column(sa.String(500))
    deep_link: Mapped[str | None] = mapped_column(sa.String(500))
    start_date: Mapped[date] = mapped_column(sa.Date)
    end_date: Mapped[date] = mapped_column(sa.Date)
    priority: Mapped[int] = mapped_column(sa.Integer, default=100)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)


# Member tables are bulk-loaded, never row by row: plain Core tables.
campaign_users = sa.Table(
    "fd_rb2_campaigns_users",
    Base.metadata,
    sa.Column("camp_cd", sa.String(10), primary_key=True),
    sa.Column("iin", IIN, primary_key=True),
    sa.Column("channel", sa.String(10), primary_key=True),
    sa.Column("p_sid", sa.String(64)),
    sa.Column("phone", sa.String(16)),
    sa.Column("stream", sa.String(40)),
    sa.Column("start_date", sa.Date),
    sa.Column("end_date", sa.Date),
    sa.Column("created_at", sa.DateTime),
    comment="The delivery list: target members x channel.",
)


def _group_table(name: str, comment: str) -> sa.Table:
    return sa.Table(
        name,
        Base.metadata,
        sa.Column("camp_cd", sa.String(10), primary_key=True),
        sa.Column("iin", IIN, primary_key=True),
        sa.Column("stream", sa.String(40), nullable=False),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("end_date", sa.Date, nullable=False),
        sa.Column("created_at", sa.DateTime),
        sa.Index(f"ix_{name}_iin", "iin"),
        comment=comment,
    )


local_target = _group_table("mb22_local_target", "A campaign's target group.")
local_control = _group_table("mb21_local_control", "A campaign's control group.")

contact_history = sa.Table(
    "off_limit_campaigns_users",
    Base.metadata,
    sa.Column("iin", IIN, nullable=False),
    sa.Column("camp_cd", sa.String(10), nullable=False),
    sa.Column("stream", sa.String(40), nullable=False),
    sa.Column("channel", sa.String(10), nullable=False),
    sa.Column("contact_date", sa.Date, nullable=False),
    sa.Index("ix_off_limit_campaigns_users_iin_date", "iin", "contact_date"),
    sa.Index("ix_off_limit_campaigns_users_camp_cd", "camp_cd"),
    comment="Contact history: who was contacted by which campaign, when and how.",
)

global_control = sa.Table(
    "mb11_global_control",
    Base.metadata,
    sa.Column("iin", IIN, primary_key=True),
    sa.Column("added_date", sa.Date),
    comment="The global control group: never contacted by any campaign.",
)
