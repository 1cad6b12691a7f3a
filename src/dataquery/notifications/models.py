"""Notification tables (migration 0014): who wants which mails, and every send."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from dataquery.core.db import Base, JSONText, utcnow


class NotificationPreference(Base):
    """A user's choices: the mail language and, per kind, whether to get it (absent: yes)."""

    __tablename__ = "dq_notification_prefs"

    username: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    language: Mapped[str] = mapped_column(sa.String(2), default="ru")
    kinds: Mapped[dict[str, Any] | None] = mapped_column(JSONText)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)


class NotificationLog(Base):
    """One mail: sent, or failed after its retries (with the last error)."""

    __tablename__ = "dq_notification_log"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, index=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    recipients: Mapped[str] = mapped_column(sa.Text)
    subject: Mapped[str] = mapped_column(sa.String(300))
    status: Mapped[str] = mapped_column(sa.String(20))
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    error: Mapped[str | None] = mapped_column(sa.Text)
    sent_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
