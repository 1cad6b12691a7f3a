"""GET /api/v1/audit: the audit log, newest first, with filters and paging (admin)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from dataquery.audit import service
from dataquery.audit.schemas import AuditEntryOut
from dataquery.audit.service import AuditFilter
from dataquery.auth.deps import AdminUser
from dataquery.core.db import DB
from dataquery.core.schemas import ItemList, errors

router = APIRouter(prefix="/audit", tags=["audit"], responses=errors(401, 403, 422))


@router.get("")
def list_audit(
    db: DB,
    _: AdminUser,
    username: str | None = None,
    action: str | None = None,
    outcome: Literal["success", "refused", "failure"] | None = None,
    target: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> ItemList[AuditEntryOut]:
    rows, total = service.list_entries(
        db,
        AuditFilter(username, action, outcome, target, since, until),
        limit=limit,
        offset=offset,
    )
    return ItemList(items=[AuditEntryOut.model_validate(r) for r in rows], total=total)
