"""Mail: sent after the work it reports on has committed, in a thread of its own, retried with
a growing wait, and logged (dq_notification_log). A mail that cannot be sent never fails the
work: its last error is logged and kept.

SMTP from the settings (DQ_SMTP_*): STARTTLS and login only when configured; no DQ_SMTP_HOST,
no mail (the log says so)."""

from __future__ import annotations

import smtplib
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from dataquery.auth.models import User
from dataquery.core.config import Settings
from dataquery.core.db import utcnow
from dataquery.core.logging import get_logger
from dataquery.notifications.models import NotificationLog, NotificationPreference
from dataquery.notifications.templates import Mail, language_of

log = get_logger("dataquery.notifications")

# What a user may choose to get (all on by default).
USER_KINDS = (
    "deploy_done",
    "deploy_failed",
    "upload_done",
    "upload_failed",
    "export_ready",
    "job_failed",
    "distribution_report",
)

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    maintype: str = XLSX_TYPE[0]
    subtype: str = XLSX_TYPE[1]


@dataclass
class Outbox:
    """Mails queued during a piece of work, sent once it has committed (`flush`)."""

    settings: Settings
    factory: sessionmaker[Session]
    pending: list[tuple[str, list[str], Mail, list[Attachment]]] = field(default_factory=list)
    sleep: Callable[[float], None] = time.sleep

    def add(self, kind: str, to: list[str], mail: Mail,
            attachments: list[Attachment] | None = None) -> None:  # fmt: skip
        if to:
            self.pending.append((kind, to, mail, attachments or []))

    def flush(self, wait: bool = False) -> list[threading.Thread]:
        threads = []
        for kind, to, mail, attachments in self.pending:
            thread = threading.Thread(
                target=send_logged,
                args=(self.settings, self.factory, kind, to, mail, attachments, self.sleep),
                name=f"mail-{kind}",
                daemon=True,
            )
            thread.start()
            threads.append(thread)
        self.pending = []
        if wait:
            for thread in threads:
                thread.join()
        return threads


def message(settings: Settings, to: list[str], mail: Mail,
            attachments: list[Attachment]) -> EmailMessage:  # fmt: skip
    msg = EmailMessage()
    msg["From"] = settings.smtp_from
    msg["To"] = ", ".join(to)
    msg["Subject"] = mail.subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain="dataquery")
    msg.set_content(mail.text)  # the plain-text alternative
    msg.add_alternative(mail.html, subtype="html")
    for item in attachments:
        msg.add_attachment(
            item.content, maintype=item.maintype, subtype=item.subtype, filename=item.filename
        )
    return msg


def deliver(settings: Settings, msg: EmailMessage) -> None:
    assert settings.smtp_host
    with smtplib.SMTP(
        settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_seconds
    ) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            password = settings.smtp_password.get_secret_value() if settings.smtp_password else ""
            smtp.login(settings.smtp_user, password)
        smtp.send_message(msg)


def send_logged(
    settings: Settings,
    factory: sessionmaker[Session],
    kind: str,
    to: list[str],
    mail: Mail,
    attachments: list[Attachment],
    sleep: Callable[[float], None] = time.sleep,
) -> NotificationLog:
    """Tries up to DQ_SMTP_RETRIES times, waiting DQ_SMTP_BACKOFF_SECONDS, then twice that…;
    never raises. The outcome is one row of the send log."""
    entry = NotificationLog(
        id=str(uuid.uuid4()), created_at=utcnow(), kind=kind, recipients=", ".join(to),
        subject=mail.subject[:300], status="failed", attempts=0,
    )  # fmt: skip
    if not settings.smtp_host:
        entry.status, entry.error = "skipped", "DQ_SMTP_HOST is not set"
    else:
        msg = message(settings, to, mail, attachments)
        wait = settings.smtp_backoff_seconds
        for attempt in range(1, settings.smtp_retries + 1):
            entry.attempts = attempt
            try:
                deliver(settings, msg)
            except (OSError, smtplib.SMTPException) as exc:
                entry.error = f"{type(exc).__name__}: {exc}"[:2000]
                log.warning("mail not sent", kind=kind, attempt=attempt, error=entry.error)
                if attempt < settings.smtp_retries:
                    sleep(wait)
                    wait *= 2
                continue
            entry.status, entry.error, entry.sent_at = "sent", None, utcnow()
            break
    try:
        with factory.begin() as db:
            db.add(entry)
    except Exception:  # the log is best effort too: a mail never fails anything
        log.exception("mail log not written", kind=kind)
    return entry


# Preferences ---------------------------------------------------------------------------------


def preferences(db: Session, username: str) -> NotificationPreference:
    return db.get(NotificationPreference, username) or NotificationPreference(
        username=username, language="ru", kinds={}
    )


def wants(pref: NotificationPreference, kind: str) -> bool:
    return bool((pref.kinds or {}).get(kind, True))


def save_preferences(
    db: Session, username: str, language: str, kinds: dict[str, bool]
) -> NotificationPreference:
    pref = db.get(NotificationPreference, username) or NotificationPreference(username=username)
    pref.language = language_of(language)
    pref.kinds = {k: bool(v) for k, v in kinds.items() if k in USER_KINDS}
    pref.updated_at = utcnow()
    db.add(pref)
    db.flush()
    return pref


def language_for_address(db: Session, address: str) -> str:
    """The language of the user with this mail address (their preference), else Russian."""
    username = db.scalar(
        sa.select(User.username).where(sa.func.lower(User.email) == address.lower())
    )
    return language_of(preferences(db, username).language) if username else "ru"


def user_recipient(db: Session, username: str, kind: str) -> tuple[str, str] | None:
    """(address, language) of a user who wants `kind` mails and has an address."""
    user = db.get(User, username)
    if user is None or not user.email or not user.enabled:
        return None
    pref = preferences(db, username)
    return (user.email, language_of(pref.language)) if wants(pref, kind) else None


def admins(db: Session, kind: str) -> list[tuple[str, str]]:
    names = db.scalars(sa.select(User.username).where(User.role == "admin")).all()
    return [r for r in (user_recipient(db, name, kind) for name in names) if r is not None]


def by_language(recipients: list[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for address, language in recipients:
        grouped.setdefault(language, []).append(address)
    return grouped


def recent(db: Session, limit: int = 100) -> list[NotificationLog]:
    return list(
        db.scalars(
            sa.select(NotificationLog).order_by(NotificationLog.created_at.desc()).limit(limit)
        )
    )


def as_params(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (f"{v:,}".replace(",", " ") if isinstance(v, int) else v) for k, v in values.items()}
