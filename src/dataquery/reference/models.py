"""Reference data: streams, filials, push event types, channels (editable by admins).

A row is never deleted while a campaign uses it; it is disabled instead (`enabled`), which
keeps old campaigns readable and takes it out of the pickers of new ones."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from dataquery.core.db import Base


class Stream(Base):
    __tablename__ = "dq_streams"

    code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    campaign_type: Mapped[str] = mapped_column(sa.String(3), index=True)
    name_ru: Mapped[str] = mapped_column(sa.String(200))
    name_kz: Mapped[str] = mapped_column(sa.String(200))
    sort_order: Mapped[int] = mapped_column(sa.Integer, default=0)
    enabled: Mapped[bool] = mapped_column(sa.Boolean, default=True)


class Filial(Base):
    __tablename__ = "dq_filials"

    code: Mapped[str] = mapped_column(sa.String(2), primary_key=True)
    name_ru: Mapped[str] = mapped_column(sa.String(200))
    name_kz: Mapped[str] = mapped_column(sa.String(200))
    region: Mapped[str] = mapped_column(sa.String(200))
    is_big_city: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    enabled: Mapped[bool] = mapped_column(sa.Boolean, default=True, server_default=sa.true())


class PushEventType(Base):
    __tablename__ = "dq_push_event_types"

    code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    name_ru: Mapped[str] = mapped_column(sa.String(200))
    name_kz: Mapped[str] = mapped_column(sa.String(200))
    description_ru: Mapped[str | None] = mapped_column(sa.Text)
    enabled: Mapped[bool] = mapped_column(sa.Boolean, default=True, server_default=sa.true())


class Channel(Base):
    __tablename__ = "dq_channels"

    code: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    name_ru: Mapped[str] = mapped_column(sa.String(100))
    name_kz: Mapped[str] = mapped_column(sa.String(100))
    enabled: Mapped[bool] = mapped_column(sa.Boolean, default=True, server_default=sa.true())
