"""JIRA (REST API v2, plain httpx) when DQ_JIRA_URL, DQ_JIRA_PROJECT and DQ_JIRA_TOKEN are set:
a deploy creates the campaign's issue (or updates it), finishing or cancelling it transitions
the issue. Runs after the commit, in a thread; failures are retried with a growing wait, kept in
dq_campaign_jira (shown on the campaign's page) and never block the campaign's work."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
from sqlalchemy.orm import Session, sessionmaker

from dataquery.bank.tables import CampaignDict
from dataquery.core.config import Settings
from dataquery.core.db import utcnow
from dataquery.core.logging import get_logger
from dataquery.integrations.models import CampaignJira
from dataquery.jobs.runner import JobOutcome, JobStatus

log = get_logger("dataquery.integrations.jira")

# Which JIRA transition (by name, case-insensitive) each campaign event asks for.
TRANSITIONS = {"finished": ("done", "закрыт", "resolved", "closed"), "cancelled": ("cancelled",
               "отменен", "won't do", "closed")}  # fmt: skip


def configured(settings: Settings) -> bool:
    return bool(settings.jira_url and settings.jira_project and settings.jira_token)


def _client(settings: Settings) -> httpx.Client:
    assert settings.jira_url and settings.jira_token
    return httpx.Client(
        base_url=settings.jira_url.rstrip("/"),
        headers={"Authorization": f"Bearer {settings.jira_token.get_secret_value()}",
                 "Accept": "application/json"},
        timeout=settings.jira_timeout_seconds,
    )  # fmt: skip


def _fields(settings: Settings, campaign: CampaignDict) -> dict[str, Any]:
    link = f"{settings.public_url}/campaigns/{campaign.camp_cd}"
    description = "\n".join(
        [
            f"Аудитория: {campaign.audience_id or '—'}",
            f"Целевая группа: {campaign.target_cnt}, контрольная: {campaign.control_cnt}",
            f"Даты: {campaign.start_date} — {campaign.end_date}",
            f"Поток: {campaign.stream}, каналы: {campaign.channels}",
            f"Владелец: {campaign.owner}",
            f"DataQuery Pro: {link}",
        ]
    )
    return {
        "project": {"key": settings.jira_project},
        "summary": f"{campaign.camp_cd} {campaign.camp_name}"[:255],
        "description": description,
        "issuetype": {"name": settings.jira_issue_type},
    }


def _sync_once(settings: Settings, db: Session, code: str, event: str) -> str | None:
    campaign = db.get(CampaignDict, code)
    if campaign is None:
        return None
    state = db.get(CampaignJira, code)
    with _client(settings) as client:
        key = state.issue_key if state else None
        if event == "deployed":
            fields = _fields(settings, campaign)
            if key:
                client.put(f"/rest/api/2/issue/{key}", json={"fields": fields}).raise_for_status()
            else:
                created = client.post("/rest/api/2/issue", json={"fields": fields})
                created.raise_for_status()
                key = str(created.json()["key"])
            return key
        if not key:
            return None  # never created (JIRA was off at deploy): nothing to move
        names = TRANSITIONS[event]
        listed = client.get(f"/rest/api/2/issue/{key}/transitions")
        listed.raise_for_status()
        match = next(
            (t for t in listed.json().get("transitions", []) if str(t.get("name", "")).lower()
             in names), None,
        )  # fmt: skip
        if match is None:
            raise RuntimeError(f"{key} offers no transition named one of {', '.join(names)}")
        moved = client.post(f"/rest/api/2/issue/{key}/transitions",
                            json={"transition": {"id": match["id"]}})  # fmt: skip
        moved.raise_for_status()
        return key


def sync(
    settings: Settings,
    factory: sessionmaker[Session],
    code: str,
    event: str,
    sleep: Callable[[float], None] = time.sleep,
) -> CampaignJira | None:
    """The campaign's issue after `event` (deployed, finished, cancelled): retried, recorded,
    never raised."""
    if not configured(settings):
        return None
    error: str | None = None
    key: str | None = None
    wait = settings.jira_backoff_seconds
    attempts = 0
    for attempts in range(1, settings.jira_retries + 1):
        try:
            with factory() as db:
                key = _sync_once(settings, db, code, event)
            error = None
            break
        except (httpx.HTTPError, RuntimeError, KeyError, ValueError) as exc:
            error = f"{type(exc).__name__}: {exc}"[:2000]
            log.warning("jira sync failed", campaign=code, on=event, attempt=attempts, error=error)
            if attempts < settings.jira_retries:
                sleep(wait)
                wait *= 2
    with factory.begin() as db:
        state = db.get(CampaignJira, code) or CampaignJira(camp_cd=code)
        state.issue_key = key or state.issue_key
        state.state = "failed" if error else "synced"
        state.last_event = event
        state.attempts = attempts
        state.last_error = error
        state.updated_at = utcnow()
        db.add(state)
        db.flush()
        db.expunge(state)
    return state


def sync_later(settings: Settings, factory: sessionmaker[Session], code: str, event: str) -> None:
    """`sync` in a thread of its own (after the request's commit)."""
    if configured(settings):
        threading.Thread(
            target=sync, args=(settings, factory, code, event), name=f"jira-{code}", daemon=True
        ).start()


class JobSync:
    """The job runner's listener: a deploy that ran as a job creates or updates the issue,
    like one answered at once (in a thread of its own, after the job's commit)."""

    def __init__(self, settings: Settings, factory: sessionmaker[Session]) -> None:
        self.settings = settings
        self.factory = factory

    def __call__(self, job: JobOutcome) -> None:
        code = job.context.get("code")
        if job.kind == "campaign.deploy" and job.status is JobStatus.SUCCEEDED and code:
            sync_later(self.settings, self.factory, str(code), "deployed")


def state_of(db: Session, code: str) -> CampaignJira | None:
    return db.get(CampaignJira, code)
