"""/api/v1/campaigns: drafts, split, deploy, members, statistics, exports.

`user` reads everything; analysts create campaigns and manage their own; admins manage all and
alone delete (with their password). Campaigns are made only from saved audiences the caller may
use (see `service`).
"""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Query, Request, Response, status
from fastapi.responses import StreamingResponse
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from dataquery.appsettings.deps import Effective
from dataquery.audiences.schemas import Overlap
from dataquery.audit.service import AUDITED, NOT_AUDITED, audit_context
from dataquery.auth.deps import AdminUser, AnalystUser, AppSettings, CurrentUser
from dataquery.auth.service import confirm_password
from dataquery.campaigns import deploy, effect, export, members, service, stats
from dataquery.campaigns.schemas import (
    CampaignCopy,
    CampaignCreate,
    CampaignList,
    CampaignOut,
    CampaignStats,
    CampaignStatus,
    CampaignType,
    CampaignUpdate,
    CurrentBalance,
    Dashboard,
    Deleted,
    DeployAccepted,
    DeployReport,
    EffectiveStatus,
    EffectOut,
    ExperimentArms,
    ExportFormat,
    ExportGroup,
    ExportLink,
    ExportLinkRequest,
    ExportQueued,
    MembersChange,
    MembersReport,
    OutcomeOption,
    PasswordConfirmation,
    SmsCount,
    SmsSegments,
    SplitPreviewRequest,
    SplitResult,
    StatusChange,
)
from dataquery.campaigns.sms import segment_warning, sms_length
from dataquery.core import metrics
from dataquery.core.db import DB
from dataquery.core.errors import DQError, NotFound
from dataquery.core.progress import Progress
from dataquery.core.schemas import errors
from dataquery.integrations import jira
from dataquery.jobs.runner import Runner, job_handler, job_settings
from dataquery.notifications.campaigns import notify_owner

router = APIRouter(
    prefix="/campaigns", tags=["campaigns"], responses=errors(401, 403, 404, 409, 422)
)


def _audit(request: Request, code: str, **summary: Any) -> None:
    context = audit_context(request)
    context.target = f"code={code}"
    context.summary.update({k: v for k, v in summary.items() if v is not None})


@router.post("", status_code=status.HTTP_201_CREATED)
def create_campaign(
    request: Request, db: DB, user: AnalystUser, effective: Effective, body: CampaignCreate
) -> CampaignOut:
    """A new draft with its code(s) from the database sequences; 422 names every bad field.
    Without `control_share`, the default control share setting."""
    if "control_share" not in body.model_fields_set:
        body = body.model_copy(update={"control_share": effective.default_control_share})
    campaign = service.create(db, user, body)
    _audit(request, campaign.camp_cd, type=campaign.camp_type, name=campaign.camp_name)
    return service.to_out(db, campaign, user)


@router.get("")
def list_campaigns(
    db: DB,
    _: CurrentUser,
    type: CampaignType | None = None,
    stream: str | None = None,
    status: Annotated[list[CampaignStatus] | None, Query(description="Stored status.")] = None,
    state: Annotated[
        list[EffectiveStatus] | None, Query(description="What it does today (effective_status).")
    ] = None,
    owner: str | None = None,
    date_from: date | None = Query(default=None, description="Running on or after this day."),
    date_to: date | None = Query(default=None, description="Running on or before this day."),
    q: str | None = Query(default=None, max_length=200, description="Code, name, description."),
    sort: str = Query(default="-created_at", description="created_at, start_date, name, …"),
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> CampaignList:
    rows, total = service.list_campaigns(
        db,
        camp_type=type,
        stream=stream,
        status=[s.value for s in status] if status else None,
        state=state,
        owner=owner,
        date_from=date_from,
        date_to=date_to,
        text=q,
        sort=sort,
        limit=limit,
        offset=offset,
    )
    labels = service.experiment_labels(db, [c.camp_cd for c in rows])
    return CampaignList(
        items=[service.summary(c, labels.get(c.camp_cd)) for c in rows],
        total=total,
        limit=limit,
        offset=offset,
    )


@router.get("/dashboard")
def get_dashboard(
    db: DB, _: CurrentUser, days: Annotated[int, Query(ge=1, le=366)] = 30
) -> Dashboard:
    """Counts across campaigns; per-day series over the last `days` days (contacts also ahead)."""
    return stats.dashboard(db, days)


@router.get("/sms-segments")
def count_sms(
    _: CurrentUser, text: Annotated[str, Query(max_length=4000)], language: str = "ru"
) -> SmsCount:
    """The segment counter of the details form, by the same rules as the saved draft."""
    length = sms_length(text)
    return SmsCount(
        segments=SmsSegments(**length.as_dict()),
        warning=segment_warning(language, length),
    )


@router.post("/split-preview", dependencies=[NOT_AUDITED])
def preview_split(db: DB, user: AnalystUser, body: SplitPreviewRequest) -> SplitResult:
    """Target/control sizes and the sample-ratio check for a share and seed, before a draft
    (of one of the caller's saved audiences: someone else's is answered as a missing one)."""
    return service.preview_split(db, user, body)


@router.get("/outcomes")
def list_outcomes(db: DB, _: CurrentUser) -> list[OutcomeOption]:
    """The outcomes an effect can be measured on: products (built in) and the catalog's
    datasets of category `outcome` (iin, event_date, optional value)."""
    return effect.outcome_options(db)


@router.get("/{code}")
def get_campaign(db: DB, user: CurrentUser, code: str) -> CampaignOut:
    return service.to_out(db, service.get_campaign(db, code), user)


@router.get("/{code}/effect")
def get_effect(
    db: DB,
    _: CurrentUser,
    code: str,
    outcome: Annotated[str, Query(min_length=1, max_length=64)] = effect.BUILT_IN_PRODUCTS,
    days: Annotated[int, Query(ge=1, le=366)] = 30,
    cost_per_contact: Annotated[float | None, Query(ge=0, le=1e9)] = None,
) -> EffectOut:
    """Each arm against control over [start, start + days): conversion and mean value, lift
    with 95 % CI and p-value, CUPED with the pre-period of the same length, ROI with a cost per
    contact. 409 for a draft (nothing deployed)."""
    return effect.effect(db, code, outcome, days, cost_per_contact)


@router.get("/{code}/balance")
def get_current_balance(db: DB, _: CurrentUser, code: str) -> CurrentBalance:
    """ "Стратифицировать": the balance proof re-run on the deployed campaign's current members
    (control mb21 against the arms of mb22). 409 for a draft (its proof is in `split`)."""
    return effect.current_balance(db, code)


@router.patch("/{code}")
def update_campaign(
    request: Request, db: DB, user: AnalystUser, code: str, body: CampaignUpdate
) -> CampaignOut:
    """Changes a draft (owner or admin); the result is validated like a new draft."""
    campaign = service.update(db, user, code, body)
    _audit(request, campaign.camp_cd, fields=sorted(body.model_dump(exclude_unset=True)))
    return service.to_out(db, campaign, user)


# A deploy refused because one ran or runs already: nothing failed, nobody is mailed.
_NOT_A_FAILURE = frozenset(
    {
        "campaign.deploy.not_draft",
        "campaign.deploy.deployed_meanwhile",
        "campaign.deploy.running",
        "campaign.busy",
    }
)


@router.post(
    "/{code}/deploy",
    responses={202: {"model": DeployAccepted, "description": "Started as a job: poll /jobs/{id}"}},
)
def deploy_campaign(
    request: Request,
    response: Response,
    tasks: BackgroundTasks,
    settings: AppSettings,
    db: DB,
    user: AnalystUser,
    runner: Runner,
    effective: Effective,
    code: str,
    dry_run: bool = False,
    background: bool | None = Query(
        default=None,
        description="Run as a job (202 + job_id). Default: only above the deploy job "
        f"threshold setting (default {deploy.JOB_THRESHOLD}) members.",
    ),
) -> DeployReport | DeployAccepted:
    """dry_run: rows per table and drop-outs per channel, nothing written. Otherwise writes
    every bank table in one transaction; a second deploy answers 409."""
    campaign = service.get_campaign(db, code, lock=not dry_run)
    service.ensure_can_manage(user, campaign)
    _audit(request, campaign.camp_cd, dry_run=dry_run)
    if dry_run:
        return deploy.dry_run(db, campaign, user)
    mail = {"code": campaign.camp_cd, "name": campaign.camp_name}
    owner, factory = campaign.owner, request.app.state.sessionmaker
    try:
        result = deploy.deploy_now_or_as_job(
            db, runner, campaign, user, background, effective.deploy_job_threshold_rows
        )
    except DQError as exc:  # nothing was written: the owner hears why (not of a double click)
        if exc.code not in _NOT_A_FAILURE:
            notify_owner(settings, factory, owner, "deploy_failed", mail | {"error": exc.detail})
        raise
    if isinstance(result, DeployReport):  # mailed once the request's transaction commits
        done = mail | {"target": result.target, "control": result.control}
        tasks.add_task(notify_owner, settings, factory, owner, "deploy_done", done)
        tasks.add_task(jira.sync, settings, factory, campaign.camp_cd, "deployed")
    if isinstance(result, DeployAccepted):
        _audit(request, campaign.camp_cd, job_id=result.job_id, members=result.members)
        response.status_code = audit_context(request).status_code = status.HTTP_202_ACCEPTED
    else:
        _audit(request, campaign.camp_cd, tables=result.tables)
    return result


@router.post("/{code}/copy", status_code=status.HTTP_201_CREATED)
def copy_campaign(
    request: Request, db: DB, user: AnalystUser, code: str, body: CampaignCopy | None = None
) -> CampaignOut:
    """A new draft with new code(s), from any campaign as a template."""
    campaign = service.copy(db, user, code, body or CampaignCopy())
    _audit(request, campaign.camp_cd, copied_from=code)
    return service.to_out(db, campaign, user)


@router.post("/{code}/arms", status_code=status.HTTP_201_CREATED)
def create_arms(request: Request, db: DB, user: AnalystUser, code: str) -> ExperimentArms:
    """A/B/n: a draft campaign for each arm of the draft's design that has none yet (a copy of
    the draft, its texts and channels then edited on their own). The draft leads: it deploys
    every arm in one transaction, the shared control group under each arm's code."""
    created = service.create_arms(db, user, code)
    _audit(request, code.strip().upper(), arms=",".join(c.camp_cd for c in created))
    arms = service.experiment_arms(db, service.get_campaign(db, code))
    assert arms is not None
    return arms


@router.post("/{code}/status")
def change_status(
    request: Request,
    tasks: BackgroundTasks,
    settings: AppSettings,
    db: DB,
    user: AnalystUser,
    code: str,
    body: StatusChange,
) -> CampaignOut:
    """activate (deployed → active, between its dates), finish (once started), cancel (a draft,
    or deployed and not started: its members are released). 409 otherwise. Finishing or
    cancelling moves the campaign's JIRA issue (after the commit)."""
    campaign = service.change_status(db, user, code, body.status, body.reason)
    _audit(request, campaign.camp_cd, status=body.status)
    if body.status in ("finished", "cancelled"):
        factory = request.app.state.sessionmaker
        tasks.add_task(jira.sync, settings, factory, campaign.camp_cd, str(body.status))
    return service.to_out(db, campaign, user)


@router.post("/{code}/members")
def add_members(
    request: Request, db: DB, user: AnalystUser, code: str, body: MembersChange
) -> MembersReport:
    """Adds IINs (pasted, or an upload's) to the target or control group of a deployed
    campaign, with a validation report. Target adds must pass the campaign's suppression steps
    and the global control (counts per step in `blocked`); `force` (administrators only, 403
    otherwise) adds the blocked ones except the global control's, and is audited."""
    report = members.change(db, user, code, body, "add")
    _audit(
        request,
        report.code,
        group=body.group,
        added=report.changed,
        blocked_total=report.blocked_total or None,
        forced=report.forced or None,
        blocked=[b.model_dump(exclude={"sample"}) for b in report.blocked] or None,
    )
    return report


@router.post("/{code}/members/remove")
def remove_members(
    request: Request, db: DB, user: AnalystUser, code: str, body: MembersChange
) -> MembersReport:
    report = members.change(db, user, code, body, "remove")
    _audit(request, report.code, group=body.group, removed=report.changed)
    return report


@router.delete("/{code}")
def delete_campaign(
    request: Request,
    db: DB,
    user: AdminUser,
    settings: AppSettings,
    code: str,
    body: PasswordConfirmation,
) -> Deleted:
    """Removes the campaign from every table at once (admin, password re-entered)."""
    confirm_password(settings, user, body.password)
    rows = service.delete(db, user, code)
    _audit(request, code.strip().upper(), rows=rows)
    return Deleted(code=code.strip().upper(), rows=rows)


@router.get("/{code}/overlap")
def campaign_overlap(db: DB, _: CurrentUser, code: str) -> Overlap:
    """How many of its members (a draft: its saved audience) are already in other deployed
    campaigns whose dates overlap its own: the top 10 campaigns and the split per stream."""
    return service.campaign_overlap(db, service.get_campaign(db, code))


@router.get("/{code}/stats")
def campaign_stats(db: DB, _: CurrentUser, code: str) -> CampaignStats:
    return stats.campaign_stats(db, service.get_campaign(db, code))


@router.get(
    "/{code}/export",
    dependencies=[AUDITED],  # who took which list out
    response_class=StreamingResponse,
    responses={200: {"content": {t: {} for t in export.MEDIA_TYPES.values()}}},
)
def export_members(
    request: Request,
    db: DB,
    user: CurrentUser,
    code: str,
    format: ExportFormat = "csv",
    group: ExportGroup = "all",
) -> StreamingResponse:
    """The members as a file, streamed (IIN as text in XLSX)."""
    campaign = service.get_campaign(db, code)
    _audit(request, campaign.camp_cd, format=format, group=group)
    return _file(request, campaign.camp_cd, format, group, user.username)


def _file(
    request: Request, code: str, format: str, group: str, username: str | None
) -> StreamingResponse:
    filename = f"{code}_{group}.{format}"
    chunks = export.stream(request.app.state.engine, code, group, format)
    return StreamingResponse(
        metrics.tracked_stream("campaign.export", username, chunks),
        media_type=export.MEDIA_TYPES[format],
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


@router.post(
    "/{code}/export-link",
    dependencies=[AUDITED],  # who took which list out
    responses={202: {"model": ExportQueued}},
)
def export_link(
    request: Request,
    response: Response,
    db: DB,
    user: CurrentUser,
    settings: AppSettings,
    runner: Runner,
    code: str,
    body: ExportLinkRequest,
) -> ExportLink | ExportQueued:
    """A link valid for two minutes that the browser downloads the file from directly (to disk,
    not into the page's memory): no bearer token in the URL, the signature is the right. An XLSX
    of more than 100 000 rows is written by a job first (202, with progress; its result is the
    link)."""
    campaign = service.get_campaign(db, code)
    _audit(request, campaign.camp_cd, format=body.format, group=body.group)
    secret, username = settings.secret_key.get_secret_value(), user.username
    camp_cd, fmt, group = campaign.camp_cd, body.format, body.group
    if fmt != "xlsx":
        return _export_link(secret, camp_cd, fmt, group, username)
    target, control = service.member_counts(db, camp_cd)
    rows = {"target": target, "control": control}.get(group, target + control)
    if rows <= export.XLSX_JOB_ROWS:
        return _export_link(secret, camp_cd, fmt, group, username)
    params = {"code": camp_cd, "group": group, "rows": rows, "username": username,
              # for the mail that says it is ready
              "filename": f"{camp_cd}_{group}.xlsx", "page": f"/campaigns/{camp_cd}"}  # fmt: skip
    job = runner.enqueue(db, "campaign.export", username, params)
    response.status_code = status.HTTP_202_ACCEPTED
    return ExportQueued(job_id=job.id, rows=rows)


def _export_link(
    secret: str, code: str, fmt: str, group: str, username: str, file: str = ""
) -> ExportLink:
    token, expires = export.sign_link(secret, code, fmt, group, username, file)
    return ExportLink(
        url=f"/api/v1/campaigns/exports/{token}",
        expires_at=expires,
        filename=f"{code}_{group}.{fmt}",
    )


@job_handler("campaign.export")
def export_job(db: Session, params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """A large XLSX's job: the file in DQ_DATA_DIR, and the link to it (its result)."""
    settings = job_settings(db)
    code, group, rows, username = (
        params["code"],
        params["group"],
        params["rows"],
        params["username"],
    )
    name = f"{uuid.uuid4().hex}.xlsx"
    folder = export.exports_dir(settings.data_dir)
    engine = db.get_bind()
    assert isinstance(engine, Engine)
    with metrics.track_query("campaign.export", username) as timer:
        export.write_job_file(engine, code, group, folder / name, rows, progress)
        timer.rows, timer.detail = rows, code
    secret = settings.secret_key.get_secret_value()
    return _export_link(secret, code, "xlsx", group, username, name).model_dump(mode="json")


@router.get(
    "/exports/{token}",
    dependencies=[NOT_AUDITED],  # audited when the link was made
    response_class=StreamingResponse,
    responses={200: {"content": {t: {} for t in export.MEDIA_TYPES.values()}}, **errors(401)},
)
def download_export(request: Request, db: DB, settings: AppSettings, token: str) -> Response:
    """The file of a link from `export-link`."""
    claims = export.read_link(settings.secret_key.get_secret_value(), token)
    campaign = service.get_campaign(db, claims["code"])
    if not claims["file"]:
        return _file(
            request, campaign.camp_cd, claims["format"], claims["group"], claims.get("sub")
        )
    path = export.exports_dir(settings.data_dir) / claims["file"]
    if not re.fullmatch(r"[0-9a-f]{32}\.xlsx", claims["file"]) or not path.exists():
        raise NotFound(
            "the exported file is gone (fetched once already, or expired); export again",
            code="campaign.export.file_gone",
        )
    filename = f"{campaign.camp_cd}_{claims['group']}.xlsx"
    return StreamingResponse(
        export.stream_file(path),
        media_type=export.MEDIA_TYPES["xlsx"],
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
