from __future__ import annotations

from datetime import datetime
from typing import Any

from dataquery.core.schemas import APIModel


class AuditEntryOut(APIModel):
    id: str
    occurred_at: datetime
    username: str | None
    action: str
    target: str | None
    outcome: str
    status_code: int | None
    client_ip: str | None
    summary: dict[str, Any] | None
