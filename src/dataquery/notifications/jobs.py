"""Mails about jobs (`JobRunner.on_finish`): the owner hears of a large upload done or failed,
an export ready, a deploy run as a job done or failed; admins of any job that failed. Each in
the recipient's language, only when they want that kind; sent after the job's commit, retried
and logged by the outbox, never failing the job."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from dataquery.bank.tables import CampaignDict
from dataquery.core.config import Settings
from dataquery.jobs.runner import JobOutcome, JobStatus
from dataquery.notifications import service as mail
from dataquery.notifications.templates import render

EXPORTS = ("query.export", "campaign.export")
DEPLOY = "campaign.deploy"


class JobMail:
    """The runner's listener; `wait` (tests) joins the sending threads."""

    def __init__(
        self, settings: Settings, factory: sessionmaker[Session], wait: bool = False
    ) -> None:
        self.settings = settings
        self.factory = factory
        self.wait = wait

    def __call__(self, job: JobOutcome) -> None:
        try:
            self._send(job)
        except Exception:  # a mail never fails the work it reports on
            mail.log.exception("job mail not queued", job_id=job.job_id, kind=job.kind)

    def _send(self, job: JobOutcome) -> None:
        outbox = mail.Outbox(self.settings, self.factory)
        failed = job.status is JobStatus.FAILED
        error = (job.error or "")[:500]
        with self.factory() as db:
            owner_mail = self._owner_mail(db, job, failed, error)
            if owner_mail is not None:
                kind, username, params = owner_mail
                recipient = mail.user_recipient(db, username, kind)
                if recipient is not None:
                    address, language = recipient
                    outbox.add(kind, [address], render(kind, language, params))
            admins = mail.admins(db, "job_failed") if failed else []
        params = mail.as_params(
            {"kind": job.kind, "job_id": job.job_id, "owner": job.owner or "—", "error": error}
        ) | {"link": f"{self.settings.public_url}/monitoring"}
        for language, to in mail.by_language(admins).items():
            outbox.add("job_failed", to, render("job_failed", language, params))
        outbox.flush(wait=self.wait)

    def _owner_mail(
        self, db: Session, job: JobOutcome, failed: bool, error: str
    ) -> tuple[str, str, dict[str, Any]] | None:
        """(kind, username, params) of the owner's mail about this job, if it has one."""
        result = job.result if isinstance(job.result, dict) else {}
        url = self.settings.public_url
        if job.kind == "upload" and job.owner:
            filename = str(job.context.get("filename") or result.get("filename") or "—")
            if failed:
                return "upload_failed", job.owner, {"filename": filename, "error": error,
                                                    "link": f"{url}/uploads"}  # fmt: skip
            params = mail.as_params(
                {"filename": filename, "rows_total": int(result.get("rows_total") or 0),
                 "unique_iins": int(result.get("unique_iins") or 0)}
            )  # fmt: skip
            return "upload_done", job.owner, params | {"link": f"{url}/uploads"}
        if job.kind in EXPORTS and job.owner and not failed:
            params = mail.as_params(
                {"filename": str(result.get("filename") or job.context.get("filename") or "—"),
                 "rows": int(result.get("rows") or job.context.get("rows") or 0)}
            )  # fmt: skip
            return "export_ready", job.owner, params | {"link": url + str(
                job.context.get("page") or "/")}  # fmt: skip
        if job.kind == DEPLOY and job.context.get("code"):
            code = str(job.context["code"])
            campaign = db.get(CampaignDict, code)
            if campaign is None:
                return None
            values: dict[str, Any] = {"code": code, "name": campaign.camp_name}
            if failed:
                values["error"] = error
            else:
                values |= {
                    "target": int(result.get("target") or campaign.target_cnt or 0),
                    "control": int(result.get("control") or campaign.control_cnt or 0),
                }
            link = {"link": f"{url}/campaigns/{code}"}
            kind = "deploy_failed" if failed else "deploy_done"
            return kind, campaign.owner, mail.as_params(values) | link
        return None
