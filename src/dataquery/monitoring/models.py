"""The rolling store: request latency per route in 5-minute windows, and the query log.

Each instance writes rows of its own (`instance`), so several servers share one history
without updating each other's rows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from dataquery.core.db import Base, JSONText


class RouteStat(Base):
    __tablename__ = "dq_route_stats"

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    bucket_start: Mapped[datetime] = mapped_column(sa.DateTime, index=True)
    instance: Mapped[str] = mapped_column(sa.String(64))
    method: Mapped[str] = mapped_column(sa.String(10))
    route: Mapped[str] = mapped_column(sa.String(200))
    requests: Mapped[int] = mapped_column(sa.BigInteger)
    errors: Mapped[int] = mapped_column(sa.BigInteger)
    total_ms: Mapped[float] = mapped_column(sa.Float)
    max_ms: Mapped[float] = mapped_column(sa.Float)
    # Counts per latency bucket (core.metrics.LATENCY_BOUNDS_MS, then one for slower).
    buckets: Mapped[Any] = mapped_column(JSONText)


class QueryLogEntry(Base):
    __tablename__ = "dq_query_log"

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(sa.DateTime, index=True)
    instance: Mapped[str] = mapped_column(sa.String(64))
    kind: Mapped[str] = mapped_column(sa.String(40), index=True)
    username: Mapped[str | None] = mapped_column(sa.String(100))
    duration_ms: Mapped[float] = mapped_column(sa.Float)
    ok: Mapped[bool] = mapped_column(sa.Boolean)
    rows: Mapped[int | None] = mapped_column(sa.BigInteger)
    detail: Mapped[str | None] = mapped_column(sa.String(200))
