"""Long work (big audiences, deploys, uploads, exports) runs as jobs the UI polls."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from dataquery.core.db import Base, JSONText, utcnow


class Job(Base):
    __tablename__ = "dq_jobs"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    status: Mapped[str] = mapped_column(sa.String(20), index=True)
    progress: Mapped[float] = mapped_column(sa.Float, default=0.0)
    # The stage the job is in, {"code": "job.stage.<x>", "done", "total"} as JSON: kept in the
    # message column it always had, so the stage needs no migration.
    message: Mapped[str | None] = mapped_column(sa.String(500))
    result: Mapped[Any] = mapped_column(JSONText, nullable=True)
    error: Mapped[str | None] = mapped_column(sa.Text)
    owner: Mapped[str | None] = mapped_column(sa.String(100), index=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(sa.DateTime)

    @property
    def stage(self) -> dict[str, Any] | None:
        if not self.message or not self.message.startswith("{"):
            return None  # a row written before stages were codes
        stage: dict[str, Any] = json.loads(self.message)
        return stage


def encode_stage(code: str, done: int | None = None, total: int | None = None) -> str:
    return json.dumps({"code": code, "done": done, "total": total}, separators=(",", ":"))
