"""Every mutating request leaves an audit row; so does every read that takes data out.

Policy: a request is audited by its method (POST, PUT, PATCH, DELETE under /api/) unless its
route says otherwise: read-only POSTs (audience preview, explain, split preview) declare
`dependencies=[NOT_AUDITED]`, exports and downloads (GETs) declare `dependencies=[AUDITED]`, and a
successful token refresh (routine, every few minutes per tab) calls `skip_audit` (a refused one
is still recorded).

A successful change writes its row in the request's own transaction (`AUDIT_HOOK`, which
`core.db.get_db` runs before and after its commit); a
refused or failed attempt is written afterwards by the middleware in a transaction of its own,
because the request's transaction was rolled back.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from dataquery.audit.models import AuditEntry
from dataquery.core.db import TransactionHook, naive_utc, utcnow

MUTATING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
REFUSED_STATUSES = frozenset({401, 403, 429})


@dataclass
class AuditContext:
    """What the request did, filled in as it goes; endpoints add target and summary."""

    method: str
    path: str
    client_ip: str | None
    username: str | None = None
    action: str | None = None
    target: str | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    written: bool = False
    # Set by an endpoint whose status is not its route's (202 when work goes to a job).
    status_code: int | None = None
    # None: decided by the method (`mutating`); True/False: the route decided (see the policy).
    audited: bool | None = None

    @property
    def mutating(self) -> bool:
        return self.method in MUTATING_METHODS and self.path.startswith("/api/")

    @property
    def recorded(self) -> bool:
        return self.mutating if self.audited is None else self.audited

    def describe_route(self, request: Request) -> None:
        route = request.scope.get("route")
        if route is not None and self.action is None:
            tags = getattr(route, "tags", None) or []
            name = getattr(route, "name", None) or self.path
            self.action = f"{tags[0]}.{name}" if tags else name
        if self.target is None and request.path_params:
            self.target = ",".join(f"{k}={v}" for k, v in request.path_params.items())

    def entry(self, outcome: str, status_code: int | None) -> AuditEntry:
        return AuditEntry(
            id=str(uuid.uuid4()),
            occurred_at=utcnow(),
            username=self.username,
            action=self.action or f"{self.method} {self.path}",
            target=self.target,
            outcome=outcome,
            status_code=status_code,
            client_ip=self.client_ip,
            summary=self.summary or None,
        )


def audit_context(request: Request) -> AuditContext:
    context: AuditContext | None = getattr(request.state, "audit", None)
    if context is None:  # requests that bypass the middleware (e.g. direct calls in tests)
        context = AuditContext(request.method, request.url.path, _client_ip(request))
        request.state.audit = context
    return context


def _client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def start_request(request: Request) -> AuditContext:
    context = AuditContext(request.method, request.url.path, _client_ip(request))
    request.state.audit = context
    return context


def _not_audited(request: Request) -> None:
    audit_context(request).audited = False


def _audited(request: Request) -> None:
    audit_context(request).audited = True


# Route dependencies: a POST that changes nothing, and a GET that takes a list out.
NOT_AUDITED = Depends(_not_audited)
AUDITED = Depends(_audited)


def skip_audit(request: Request) -> None:
    """For an endpoint that decides after its work that there is nothing to record."""
    audit_context(request).audited = False


def record_success(request: Request, db: Session) -> None:
    """Called by get_db before commit: the row lands with the change or not at all."""
    context = audit_context(request)
    if not context.recorded:
        return
    context.describe_route(request)
    route = request.scope.get("route")
    status_code = context.status_code or getattr(route, "status_code", None) or 200
    db.add(context.entry("success", status_code))


def mark_written(request: Request) -> None:
    """Called by get_db after its commit: the middleware need not write the row again."""
    audit_context(request).written = True


AUDIT_HOOK = TransactionHook(before_commit=record_success, after_commit=mark_written)


def record_outcome(factory: sessionmaker[Session], context: AuditContext, status_code: int) -> None:
    """Called by the middleware for audited requests whose row was not written with them."""
    outcome = (
        "success"
        if status_code < 400
        else "refused"
        if status_code in REFUSED_STATUSES
        else "failure"
    )
    with factory.begin() as db:
        db.add(context.entry(outcome, status_code))


# The log, read --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilter:
    """username exactly; action and target by substring; occurred_at in [since, until)."""

    username: str | None = None
    action: str | None = None
    outcome: str | None = None
    target: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def conditions(self) -> list[sa.ColumnElement[bool]]:
        conditions: list[sa.ColumnElement[bool]] = []
        if self.username:
            conditions.append(AuditEntry.username == self.username.strip().lower())
        if self.action:
            conditions.append(AuditEntry.action.contains(self.action, autoescape=True))
        if self.outcome:
            conditions.append(AuditEntry.outcome == self.outcome)
        if self.target:
            conditions.append(AuditEntry.target.contains(self.target, autoescape=True))
        if self.since:
            conditions.append(AuditEntry.occurred_at >= naive_utc(self.since))
        if self.until:
            conditions.append(AuditEntry.occurred_at < naive_utc(self.until))
        return conditions


def list_entries(
    db: Session, where: AuditFilter, *, limit: int, offset: int
) -> tuple[Sequence[AuditEntry], int]:
    """A page of the log, newest first, and how many rows match in all."""
    conditions = where.conditions()
    total = db.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(*conditions))
    rows = db.scalars(
        sa.select(AuditEntry)
        .where(*conditions)
        .order_by(AuditEntry.occurred_at.desc(), AuditEntry.id)
        .limit(limit)
        .offset(offset)
    ).all()
    return rows, total or 0
