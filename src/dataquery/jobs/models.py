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
    # The job as data, run by whichever instance claims it: the handler registered for `kind`
    # gets `params`; `input_path` is its input file in the shared DQ_DATA_DIR, removed when the
    # job ends for good.
    params: Mapped[Any] = mapped_column(JSONText, nullable=True)
    input_path: Mapped[str | None] = mapped_column(sa.String(500))
    audit: Mapped[Any] = mapped_column(JSONText, nullable=True)
    # Work that runs once at a time (a campaign's deploy, a dataset's refresh) across instances.
    exclusive_key: Mapped[str | None] = mapped_column(sa.String(200), index=True)
    # The claim: who runs it, its token (a new one per attempt), and until when it holds.
    claimed_by: Mapped[str | None] = mapped_column(sa.String(100))
    claim_token: Mapped[str | None] = mapped_column(sa.String(32))
    attempt: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0", nullable=True)
    max_attempts: Mapped[int] = mapped_column(
        sa.Integer, default=3, server_default="3", nullable=True
    )
    lease_until: Mapped[datetime | None] = mapped_column(sa.DateTime, index=True)

    @property
    def stage(self) -> dict[str, Any] | None:
        if not self.message or not self.message.startswith("{"):
            return None  # a row written before stages were codes
        stage: dict[str, Any] = json.loads(self.message)
        return stage


class JobEffect(Base):
    """A job's work committed: written in the work's own transaction, so a second run of the
    same job (its instance looked dead, but was not) fails on the key and is rolled back."""

    __tablename__ = "dq_job_effects"

    job_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    claim_token: Mapped[str] = mapped_column(sa.String(32))
    result: Mapped[Any] = mapped_column(JSONText, nullable=True)
    committed_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)


def encode_stage(code: str, done: int | None = None, total: int | None = None) -> str:
    return json.dumps({"code": code, "done": done, "total": total}, separators=(",", ":"))
