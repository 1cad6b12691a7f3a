"""The dataset catalog: every table the audience engine may read, with its size and freshness."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from dataquery.core.db import Base, JSONText, utcnow


class DatasetCategory(StrEnum):
    FEATURE_STORE = "feature_store"
    BLACKLIST = "blacklist"
    ABC_MODEL = "abc_model"
    PUSH = "push"
    PRODUCT = "product"
    ANALYTICS = "analytics"
    POOL = "pool"
    UPLOAD = "upload"
    # What happened after a campaign (iin, event_date, optional numeric value): its effect.
    OUTCOME = "outcome"


# The one place that knows how an accepted upload is named in the catalog (and as a table).
UPLOAD_DATASET_PREFIX = "upload_"


def upload_dataset_name(upload_id: str) -> str:
    """The catalog name (and table name) of accepted upload `upload_id`."""
    return f"{UPLOAD_DATASET_PREFIX}{upload_id}"


def upload_id_of(dataset_name: str) -> str | None:
    """The upload behind a catalog name, or None when the name is not an upload's."""
    if not dataset_name.startswith(UPLOAD_DATASET_PREFIX):
        return None
    return dataset_name.removeprefix(UPLOAD_DATASET_PREFIX)


class Dataset(Base):
    __tablename__ = "dq_datasets"

    name: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    category: Mapped[str] = mapped_column(sa.String(32), index=True)
    description: Mapped[str | None] = mapped_column(sa.Text)
    source: Mapped[str | None] = mapped_column(sa.String(500))
    table_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    row_count: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    columns: Mapped[list[dict[str, Any]]] = mapped_column(JSONText, default=list)
    owner: Mapped[str | None] = mapped_column(sa.String(100))
    purpose: Mapped[str | None] = mapped_column(sa.String(20))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)
    refreshed_at: Mapped[datetime | None] = mapped_column(sa.DateTime)


class ListIndex(Base):
    """A suppression list whose members are marked in the feature store's `dq_list_bits` column
    by one bit, so that an audience funnel tests a bit instead of joining the list.

    A row exists only while the bit is right: it is written in the transaction that sets the bit
    (loading the list or the feature store), and lists without a row are joined as before.
    """

    __tablename__ = "dq_list_index"

    name: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    bit: Mapped[int] = mapped_column(sa.Integer, unique=True)
    indexed_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)


class ContactIndex(Base):
    """Present while an index kept in feature-store columns is right, written in the transaction
    that builds it: `contacts`, the latest contacts (datasets.contact_index; without it the
    funnel reads the history), and `reach`, what each customer lacks for push and SMS
    (datasets.reach_index, depth 0; without it the preview reads the p_sid and the phone)."""

    __tablename__ = "dq_contact_index"

    name: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    depth: Mapped[int] = mapped_column(sa.Integer)
    built_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)


class MemberIndex(Base):
    """A campaign group (`local_target` or `local_control`) whose members are marked by one bit
    of the feature store's `dq_member_bits` column (datasets.member_index). A row exists only
    while the bit is right; groups without one are joined."""

    __tablename__ = "dq_member_index"

    camp_cd: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    group_name: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    bit: Mapped[int] = mapped_column(sa.Integer, unique=True)
    indexed_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)
