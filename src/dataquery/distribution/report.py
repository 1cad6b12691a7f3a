"""The daily report mail: per campaign counts as an HTML table (and plain text), the reasons of
the undistributed, and an XLSX of the day's IINs (as text: leading zeros kept) to the list in
the run-time setting `notification_recipients` (an admin's, stored in the warehouse; when empty,
DQ_DISTRIBUTION_REPORT_TO), in each recipient's language. Admins hear of a failed run."""

from __future__ import annotations

import io

import sqlalchemy as sa
import xlsxwriter
from sqlalchemy.orm import Session, sessionmaker

from dataquery.appsettings.service import runtime
from dataquery.bank.tables import local_control, local_target
from dataquery.core.config import Settings
from dataquery.distribution.schemas import DistributionReport
from dataquery.notifications import service as mail
from dataquery.notifications.templates import render


def iins_xlsx(db: Session, report: DistributionReport) -> bytes:
    """camp_cd, campaign, group, iin: the rows the run wrote, the IIN a text cell."""
    names = {c.code: c.name for c in report.campaigns}
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet(report.day.isoformat())
    text = workbook.add_format({"num_format": "@"})
    for column, title in enumerate(("camp_cd", "campaign", "group", "iin")):
        sheet.write_string(0, column, title)
    sheet.set_column(3, 3, 14, text)
    row = 1
    for group, table in (("target", local_target), ("control", local_control)):
        query = (
            sa.select(table.c.camp_cd, table.c.iin)
            .where(table.c.camp_cd.in_(list(names)), table.c.created_at == report.written_at)
            .order_by(table.c.camp_cd, table.c.iin)
        )
        for code, iin in db.execute(query):
            sheet.write_string(row, 0, code)
            sheet.write_string(row, 1, names.get(code, ""))
            sheet.write_string(row, 2, group)
            sheet.write_string(row, 3, iin, text)
            row += 1
    workbook.close()
    return buffer.getvalue()


def report_recipients(db: Session, settings: Settings) -> list[str]:
    """The setting `notification_recipients`, or DQ_DISTRIBUTION_REPORT_TO while it is empty."""
    return runtime(db, settings).notification_recipients or settings.distribution_report_to


def send_report(
    settings: Settings, factory: sessionmaker[Session], report: DistributionReport,
    wait: bool = False,
) -> None:  # fmt: skip
    """Queues the report to its recipients (after the run's commit)."""
    outbox = mail.Outbox(settings, factory)
    with factory() as db:
        addresses = report_recipients(db, settings)
        if not addresses:
            return
        attachment = mail.Attachment(f"distribution_{report.day.isoformat()}.xlsx",
                                     iins_xlsx(db, report))  # fmt: skip
        recipients = [(a, mail.language_for_address(db, a)) for a in addresses]
    table = [[c.code, c.name, c.target, c.control] for c in report.campaigns]
    params = mail.as_params(
        {"day": report.day.isoformat(), "distributed": report.distributed,
         "pool_size": report.pool_size}
    ) | {"undistributed": report.undistributed, "attached": True,
         "link": f"{settings.public_url}/monitoring/distribution"}  # fmt: skip
    for language, to in mail.by_language(recipients).items():
        outbox.add(
            "distribution_report", to, render("distribution_report", language, params, table),
            [attachment],
        )  # fmt: skip
    outbox.flush(wait=wait)


def send_failure(
    settings: Settings, factory: sessionmaker[Session], day: str, error: str, wait: bool = False
) -> None:
    """Admins (who want job failure mails) hear that a run failed."""
    outbox = mail.Outbox(settings, factory)
    with factory() as db:
        recipients = mail.admins(db, "job_failed")
    for language, to in mail.by_language(recipients).items():
        params = {"day": day, "error": error[:500]}
        outbox.add("distribution_failed", to, render("distribution_failed", language, params))
    outbox.flush(wait=wait)
