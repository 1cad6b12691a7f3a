"""Mails about a campaign to its owner (in their language, if they want that kind)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from dataquery.core.config import Settings
from dataquery.notifications import service as mail
from dataquery.notifications.templates import render


def notify_owner(
    settings: Settings,
    factory: sessionmaker[Session],
    owner: str,
    kind: str,
    params: dict[str, Any],
    wait: bool = False,
) -> None:
    """`kind` (deploy_done, deploy_failed) to `owner`; nothing when they opted out or have no
    address. Runs after the work's commit (or its rollback, for a failure): never raises."""
    try:
        with factory() as db:
            recipient = mail.user_recipient(db, owner, kind)
        if recipient is None:
            return
        address, language = recipient
        link = f"{settings.public_url}/campaigns/{params.get('code', '')}"
        outbox = mail.Outbox(settings, factory)
        outbox.add(kind, [address], render(kind, language, mail.as_params(params) | {"link": link}))
        outbox.flush(wait=wait)
    except Exception:  # a mail never fails the work it reports on
        mail.log.exception("owner mail not queued", kind=kind)
