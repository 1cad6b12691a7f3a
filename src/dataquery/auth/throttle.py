"""Throttling of password checks (sign-in and re-entry), race-free and shared by every server.

Each check first writes a `pending` row and commits it in a transaction of its own, then counts
the window's pending rows in a fresh transaction. Every attempt sees its own row and all the
rows committed before it, so the k-th of any number of concurrent attempts counts at least k:
no more than `login_max_failures` of them reach the password check. (Counting afterwards, from
audit rows written once the response was out, let 25 of 30 concurrent guesses through.) The
rows live in the warehouse, so servers sharing one database share the count.

A row stays `pending` (and counts) until its check is known to have succeeded: a wrong password
needs no second write, which matters because the request's transaction is rolled back then.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dataquery.auth.models import PasswordAttempt
from dataquery.core.config import Settings
from dataquery.core.db import utcnow
from dataquery.core.errors import TooManyRequests

LOGIN = "login"
CONFIRMATION = "confirmation"


def start_attempt(
    db: Session,
    settings: Settings,
    *,
    purpose: str,
    username: str,
    client_ip: str | None,
    per_ip: bool,
) -> str:
    """Records an attempt and returns its id, or refuses it with 429 (Retry-After) when the user
    (or, with `per_ip`, the address) already has `login_max_failures` attempts in the window
    that did not succeed. Uses connections of its own, never `db`'s transaction."""
    attempt_id = str(uuid.uuid4())
    window = timedelta(seconds=settings.login_window_seconds)
    scopes: list[sa.ColumnElement[bool]] = [PasswordAttempt.username == username]
    if per_ip and client_ip:
        scopes.append(PasswordAttempt.client_ip == client_ip)
    with Session(db.get_bind()) as own:
        with own.begin():
            own.add(
                PasswordAttempt(
                    id=attempt_id,
                    attempted_at=utcnow(),
                    username=username,
                    client_ip=client_ip,
                    purpose=purpose,
                    outcome="pending",
                )
            )
        # A new transaction, so its snapshot holds every attempt committed up to now.
        with own.begin():
            since = utcnow() - window
            oldest_over_limit: datetime | None = None
            for scope in scopes:
                attempts, oldest = own.execute(
                    sa.select(sa.func.count(), sa.func.min(PasswordAttempt.attempted_at)).where(
                        scope,
                        PasswordAttempt.attempted_at >= since,
                        PasswordAttempt.outcome == "pending",
                    )
                ).one()
                if attempts > settings.login_max_failures:
                    oldest_over_limit = oldest
                    break
            if oldest_over_limit is not None:
                # A refused attempt checks nothing: it does not count against the next ones.
                _set_outcome(own, attempt_id, "throttled")
    if oldest_over_limit is not None:
        retry_after = max(1, int((oldest_over_limit + window - utcnow()).total_seconds()) + 1)
        raise TooManyRequests(
            f"too many failed password attempts; try again in {retry_after} s",
            retry_after=retry_after,
            code="auth.too_many_attempts",
        )
    return attempt_id


def mark_succeeded(db: Session, attempt_id: str) -> None:
    """The password was right: the attempt stops counting once `db`'s transaction commits."""
    _set_outcome(db, attempt_id, "succeeded")


def _set_outcome(db: Session, attempt_id: str, outcome: str) -> None:
    db.execute(
        sa.update(PasswordAttempt).where(PasswordAttempt.id == attempt_id).values(outcome=outcome)
    )
