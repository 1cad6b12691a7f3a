"""/api/v1/integrations: what JIRA knows of a campaign (its issue, the last sync, its error)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request

from dataquery.auth.deps import CurrentUser
from dataquery.core.db import DB
from dataquery.core.schemas import APIModel, errors
from dataquery.integrations import jira

router = APIRouter(prefix="/integrations", tags=["integrations"], responses=errors(401, 403))


class JiraState(APIModel):
    configured: bool
    issue_key: str | None = None
    issue_url: str | None = None
    state: str | None = None
    last_event: str | None = None
    attempts: int = 0
    last_error: str | None = None
    updated_at: datetime | None = None


@router.get("/jira/campaigns/{code}", responses=errors(422))
def campaign_jira(request: Request, db: DB, _: CurrentUser, code: str) -> JiraState:
    settings = request.app.state.settings
    state = jira.state_of(db, code.strip().upper())
    if state is None:
        return JiraState(configured=jira.configured(settings))
    url = f"{settings.jira_url.rstrip('/')}/browse/{state.issue_key}" if (
        settings.jira_url and state.issue_key) else None  # fmt: skip
    return JiraState(
        configured=jira.configured(settings), issue_key=state.issue_key, issue_url=url,
        state=state.state, last_event=state.last_event, attempts=state.attempts,
        last_error=state.last_error, updated_at=state.updated_at,
    )  # fmt: skip
