"""The audit log: who did what, when, to what, and how it ended."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from dataquery.core.db import Base, JSONText, utcnow


class AuditEntry(Base):
    __tablename__ = "dq_audit_log"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, index=True)
    username: Mapped[str | None] = mapped_column(sa.String(100), index=True)
    action: Mapped[str] = mapped_column(sa.String(100), index=True)
    target: Mapped[str | None] = mapped_column(sa.String(200))
    outcome: Mapped[str] = mapped_column(sa.String(20))
    status_code: Mapped[int | None] = mapped_column(sa.Integer)
    client_ip: Mapped[str | None] = mapped_column(sa.String(64))
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSONText)
