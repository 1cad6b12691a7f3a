from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from dataquery.core.schemas import APIModel


class JobOut(APIModel):
    id: str
    kind: str
    status: Literal["queued", "running", "succeeded", "failed"]
    progress: float
    message: str | None
    result: Any = None
    error: str | None
    owner: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
