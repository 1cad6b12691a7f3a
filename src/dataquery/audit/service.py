"""Every mutating request leaves an audit row.

A successful change writes its row in the request's own transaction (`AUDIT_HOOK`, which
`core.db.get_db` runs before and after its commit); a
refused or failed attempt is written afterwards by the middleware in a transaction of its own,
because the request's transaction was rolled back.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session, sessionmaker

from dataquery.audit.models import AuditEntry
from dataquery.core.db import TransactionHook, utcnow

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

    @property
    def mutating(self) -> bool:
        return self.method in MUTATING_METHODS and self.path.startswith("/api/")

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


def record_success(request: Request, db: Session) -> None:
    """Called by get_db before commit: the row lands with the change or not at all."""
    context = audit_context(request)
    if not context.mutating:
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
    """Called by the middleware for mutating requests whose row was not written with them."""
    outcome = (
        "success"
        if status_code < 400
        else "refused"
        if status_code in REFUSED_STATUSES
        else "failure"
    )
    with factory.begin() as db:
        db.add(context.entry(outcome, status_code))
