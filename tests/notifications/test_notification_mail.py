"""Mail through a real SMTP server (aiosmtpd, started here): the daily distribution report in
each recipient's language with an XLSX of IINs as text, retries with backoff, a send log, and a
dead mail server that never fails the run it reports on."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from python_calamine import CalamineWorkbook

from dataquery.appsettings import service as appsettings
from dataquery.appsettings.schemas import SettingsUpdate
from dataquery.core.config import Settings
from dataquery.core.db import create_warehouse_engine, make_sessionmaker
from dataquery.distribution import service
from dataquery.distribution.report import send_failure, send_report
from dataquery.notifications.models import NotificationLog
from dataquery.notifications.service import save_preferences

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "distribution"))
from dist_data import ACTIVE, DAY, build_bank
from smtp_inbox import Inbox, free_port


def _settings(url: str, port: int, **changes: Any) -> Settings:
    values: dict[str, Any] = {
        "warehouse_url": url, "smtp_host": "127.0.0.1", "smtp_port": port,
        "smtp_backoff_seconds": 0, "smtp_from": "dataquery@bank.kz",
        "distribution_report_to": ["ops@bank.kz", "aigul@bank.kz"],
    }  # fmt: skip
    return Settings(**(values | changes))


@pytest.fixture
def bank_engine(duckdb_url: str, demo_files: Path, tmp_path: Path) -> Iterator[Any]:
    engine = create_warehouse_engine(duckdb_url)
    build_bank(engine, demo_files, tmp_path, size=300)
    with make_sessionmaker(engine).begin() as db:
        db.execute(
            sa.text(
                "INSERT INTO dq_users (username, role, enabled, email, created_at, updated_at)"
                " VALUES ('aigul', 'admin', true, 'Aigul@bank.kz', now(), now())"
            )
        )
        save_preferences(db, "aigul", "kz", {})
    yield engine
    engine.dispose()


def test_the_report_reaches_each_recipient_in_their_language(
    bank_engine: Any, duckdb_url: str, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    settings = _settings(duckdb_url, port)
    factory = make_sessionmaker(bank_engine)
    report = service.distribute(
        factory, DAY, after_commit=lambda done: send_report(settings, factory, done, wait=True)
    )
    assert len(inbox.messages) == 2
    by_recipient = {tuple(to): msg for to, msg in inbox.messages}
    ru, kz = by_recipient[("ops@bank.kz",)], by_recipient[("aigul@bank.kz",)]
    assert ru["Subject"].startswith(f"Распределение пула за {DAY.isoformat()}")
    assert kz["Subject"].startswith(f"{DAY.isoformat()} күнгі пулды бөлу")
    for msg in (ru, kz):
        assert msg["From"] == "dataquery@bank.kz"
        plain = msg.get_body(("plain",))
        html = msg.get_body(("html",))
        assert plain is not None and html is not None
        assert all(code in plain.get_content() for code in ACTIVE)
        assert "<table" in html.get_content() and ACTIVE[0] in html.get_content()
        (attachment,) = list(msg.iter_attachments())
        assert attachment.get_filename() == f"distribution_{DAY.isoformat()}.xlsx"
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(attachment.get_content()))
        rows = workbook.get_sheet_by_index(0).to_python()
        assert rows[0] == ["camp_cd", "campaign", "group", "iin"]
        iins = [row[3] for row in rows[1:]]
        assert len(iins) == report.distributed
        assert all(isinstance(iin, str) and len(iin) == 12 for iin in iins)
    with factory() as db:
        logged = db.scalars(sa.select(NotificationLog)).all()
    assert sorted((e.status, e.attempts) for e in logged) == [("sent", 1), ("sent", 1)]


def test_a_refused_send_is_retried_and_logged(
    bank_engine: Any, duckdb_url: str, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    inbox.refuse = 2
    settings = _settings(duckdb_url, port, distribution_report_to=["ops@bank.kz"])
    factory = make_sessionmaker(bank_engine)
    service.distribute(
        factory, DAY, after_commit=lambda done: send_report(settings, factory, done, wait=True)
    )
    assert len(inbox.messages) == 1 and inbox.attempts == 3
    with factory() as db:
        entry = db.scalars(sa.select(NotificationLog)).one()
    assert (entry.status, entry.attempts, entry.error) == ("sent", 3, None)


def test_a_dead_mail_server_never_fails_the_run(bank_engine: Any, duckdb_url: str) -> None:
    settings = _settings(duckdb_url, free_port(), smtp_retries=2)  # nobody listens there
    factory = make_sessionmaker(bank_engine)
    report = service.distribute(
        factory, DAY, after_commit=lambda done: send_report(settings, factory, done, wait=True)
    )
    assert report.status.value == "done" and report.distributed > 0
    send_failure(settings, factory, DAY.isoformat(), "boom", wait=True)  # to the admin
    with factory() as db:
        logged = db.scalars(sa.select(NotificationLog).order_by(NotificationLog.kind)).all()
    assert [(e.kind, e.status, e.attempts) for e in logged] == [
        ("distribution_failed", "failed", 2),
        ("distribution_report", "failed", 2),
        ("distribution_report", "failed", 2),
    ]
    assert all("Connection" in (e.error or "") or "refused" in (e.error or "") for e in logged)


def test_the_report_goes_to_the_recipients_an_admin_stored(
    bank_engine: Any, duckdb_url: str, smtp: tuple[Inbox, int]
) -> None:
    """The run-time setting `notification_recipients` wins over DQ_DISTRIBUTION_REPORT_TO; reset
    (empty), the environment's list is used again."""
    inbox, port = smtp
    settings = _settings(duckdb_url, port, distribution_report_to=["ops@bank.kz"])
    factory = make_sessionmaker(bank_engine)
    with factory.begin() as db:
        appsettings.update(
            db, settings,
            SettingsUpdate(notification_recipients=["Aigul@bank.kz", "crm@bank.kz"]), "admin",
        )  # fmt: skip
    report = service.distribute(factory, DAY)
    send_report(settings, factory, report, wait=True)
    received = sorted((tuple(to), msg["Subject"][:4]) for to, msg in inbox.messages)
    assert received == [(("aigul@bank.kz",), f"{DAY.year}"), (("crm@bank.kz",), "Расп")]

    with factory.begin() as db:
        appsettings.update(db, settings, SettingsUpdate(reset=["notification_recipients"]), "admin")
    send_report(settings, factory, report, wait=True)
    assert [to for to, _ in inbox.messages[2:]] == [["ops@bank.kz"]]
