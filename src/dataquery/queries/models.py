"""Saved queries: a spec with a name, its owner, and whether everyone may open it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from dataquery.core.db import Base, JSONText, utcnow


class SavedQuery(Base):
    __tablename__ = "dq_saved_queries"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str | None] = mapped_column(sa.Text)
    owner: Mapped[str] = mapped_column(sa.String(100), index=True)
    shared: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    spec: Mapped[dict[str, Any]] = mapped_column(JSONText)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, onupdate=utcnow)
