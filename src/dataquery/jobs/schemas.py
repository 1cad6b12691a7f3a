from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from dataquery.core.schemas import APIModel


class JobStage(APIModel):
    """Where a job is: a code (`job.stage.<x>`) the web translates, and how much of it is done
    when that is known."""

    code: str
    done: int | None = None
    total: int | None = None


class JobOut(APIModel):
    id: str
    kind: str
    status: Literal["queued", "running", "succeeded", "failed"]
    progress: float
    stage: JobStage | None
    result: Any = None
    error: str | None
    owner: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
