"""External SQL sources (the bank's Oracle schemas, PostgreSQL, DuckDB files) and the catalog
datasets refreshed from them."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from dataquery.core.db import Base, utcnow


class DataSource(Base):
    __tablename__ = "dq_data_sources"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    dialect: Mapped[str] = mapped_column(sa.String(20))
    # The URL as shown: its password replaced by ***. The real one is only in `secret`.
    display_url: Mapped[str] = mapped_column(sa.String(500))
    secret: Mapped[str] = mapped_column(sa.Text, comment="the full URL, encrypted (Fernet)")
    created_by: Mapped[str] = mapped_column(sa.String(100))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)
    last_test_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    last_test_ok: Mapped[bool | None] = mapped_column(sa.Boolean)


class SourceDataset(Base):
    """A catalog dataset filled from a table or a SELECT of a source. When it was last refreshed
    and its rows are the catalog's (`dq_datasets`): the refresh job writes only there, so it
    never contends with the request that started it for this row."""

    __tablename__ = "dq_source_datasets"

    dataset: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    # No foreign key, as elsewhere in the warehouse: DuckDB refuses updates of a referenced row.
    source_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    category: Mapped[str] = mapped_column(sa.String(32))
    description: Mapped[str | None] = mapped_column(sa.Text)
    source_table: Mapped[str | None] = mapped_column(sa.String(200))
    query: Mapped[str | None] = mapped_column(sa.Text)
    schedule: Mapped[str | None] = mapped_column(sa.String(100), comment="cron, bank time")
    created_by: Mapped[str] = mapped_column(sa.String(100))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)
    last_job_id: Mapped[str | None] = mapped_column(sa.String(36))
    last_started_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
