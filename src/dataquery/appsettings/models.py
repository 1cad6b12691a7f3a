"""One row per setting an admin changed; a setting without a row has its DQ_ default."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from dataquery.core.db import Base, JSONText


class SettingValue(Base):
    __tablename__ = "dq_settings"

    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSONText, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime)
    updated_by: Mapped[str] = mapped_column(sa.String(100))
