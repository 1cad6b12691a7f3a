"""dq_distribution_runs: one row per distribution of a day's pool (migration 0014)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from dataquery.core.db import Base, JSONText


class DistributionRun(Base):
    """A run for `day`: `done` once per day at most (the lock and the check in the service);
    `failed` runs are kept beside it with their error. Dry runs leave no row."""

    __tablename__ = "dq_distribution_runs"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, index=True)
    status: Mapped[str] = mapped_column(sa.String(20))
    trigger: Mapped[str] = mapped_column(sa.String(20))  # schedule, catch_up, manual, cli
    username: Mapped[str | None] = mapped_column(sa.String(100))
    started_at: Mapped[datetime] = mapped_column(sa.DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    seconds: Mapped[float | None] = mapped_column(sa.Float)
    pool_size: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    distributed: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    # {camp_cd: {"target": n, "control": n, "channels": {...}}}
    campaigns: Mapped[dict[str, Any] | None] = mapped_column(JSONText)
    undistributed: Mapped[dict[str, int] | None] = mapped_column(JSONText)  # reason -> count
    error: Mapped[str | None] = mapped_column(sa.Text)
