"""GET /api/v1/audit: the audit log, newest first, with filters and paging (admin)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import sqlalchemy as sa
from fastapi import APIRouter, Query

from dataquery.audit.models import AuditEntry
from dataquery.audit.schemas import AuditEntryOut
from dataquery.auth.deps import AdminUser
from dataquery.core.db import DB, naive_utc
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
    conditions = []
    if username:
        conditions.append(AuditEntry.username == username.strip().lower())
    if action:
        conditions.append(AuditEntry.action.contains(action, autoescape=True))
    if outcome:
        conditions.append(AuditEntry.outcome == outcome)
    if target:
        conditions.append(AuditEntry.target.contains(target, autoescape=True))
    if since:
        conditions.append(AuditEntry.occurred_at >= naive_utc(since))
    if until:
        conditions.append(AuditEntry.occurred_at < naive_utc(until))
    total = db.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(*conditions))
    rows = db.scalars(
        sa.select(AuditEntry)
        .where(*conditions)
        .order_by(AuditEntry.occurred_at.desc(), AuditEntry.id)
        .limit(limit)
        .offset(offset)
    ).all()
    return ItemList(items=[AuditEntryOut.model_validate(r) for r in rows], total=total or 0)
