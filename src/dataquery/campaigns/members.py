"""Adding and removing members of a deployed campaign by hand (pasted IINs or an upload),
keeping mb22/mb21, fd_rb2_campaigns_users, off_limit_campaigns_users and the counts in
mb01_camp_dict consistent, in the request's one transaction.

Adding to the target group also writes the delivery rows (per channel, with the same drop-out
rules as the deploy) and the contact history at the later of the start date and today. IINs
added to a target group must pass the campaign's own suppression steps (its spec's lists,
upload excludes, push opt-outs, recent contact and frequency cap, as of the bank's today, its
own contacts not counting) and the global control group: the audience engine evaluates them
(`audiences.service.check_suppression`) and the report counts the blocked per step. An
administrator may add the blocked ones with `force` (audited); IINs in the global control
group (mb11) are never added to a target group. An IIN is in at most one
group of a campaign. Removing takes the IIN out of every table of the campaign.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import pyarrow as pa
import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.orm import Session

from dataquery import iin as iin_rules
from dataquery.audiences import service as audiences
from dataquery.audiences.models import Audience
from dataquery.audiences.spec import AudienceSpec
from dataquery.auth.models import User
from dataquery.auth.roles import Role
from dataquery.bank.tables import (
    CampaignDict,
    campaign_users,
    contact_history,
    global_control,
    local_control,
    local_target,
)
from dataquery.campaigns import deploy, service
from dataquery.campaigns.schemas import (
    BlockedReason,
    CampaignStatus,
    InvalidExample,
    MembersChange,
    MembersReport,
)
from dataquery.campaigns.split import IIN_SCHEMA
from dataquery.core.bulk import fetch_arrow, staged
from dataquery.core.db import utcnow
from dataquery.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from dataquery.datasets import contact_index, member_index
from dataquery.uploads.schemas import RowError

MAX_EXAMPLES = 20


@dataclass
class Checked:
    """The input, validated: unique normalised IINs and what was wrong with the rest."""

    iins: pa.Array
    received: int = 0
    invalid: int = 0
    duplicate: int = 0
    normalized: int = 0
    examples: list[InvalidExample] = field(default_factory=list)


def check_pasted(values: list[Any]) -> Checked:
    seen: set[str] = set()
    checked = Checked(pa.array([], pa.string()), received=len(values))
    for value in values:
        result = iin_rules.check(value)
        if not result.valid or result.normalized is None:
            checked.invalid += 1
            if len(checked.examples) < MAX_EXAMPLES:
                checked.examples.append(
                    InvalidExample(
                        input="" if value is None else str(value)[:40],  # never "None"
                        code=result.reason_code or iin_rules.REASON_CODES["invalid_format"],
                        params=result.params,
                    )
                )
            continue
        if result.normalized in seen:
            checked.duplicate += 1
            continue
        seen.add(result.normalized)
        checked.normalized += int(result.was_normalized)
    checked.iins = pa.array(sorted(seen), pa.string())
    return checked


def check_upload(db: Session, user: User, upload_id: str) -> Checked:
    """An accepted upload: its IINs were validated and made unique when it was uploaded."""
    from dataquery.datasets.models import Dataset
    from dataquery.uploads.models import Upload

    upload = db.get(Upload, upload_id)
    if upload is None or (upload.owner != user.username and Role(user.role) is not Role.ADMIN):
        raise NotFound(
            f"upload {upload_id!r} not found",
            code="upload.not_found",
            params={"upload_id": upload_id},
        )
    table_name = db.scalar(sa.select(Dataset.table_name).where(Dataset.name == upload.dataset_name))
    if table_name is None:
        raise Conflict(
            f"upload {upload_id} is not ready (status {upload.status})",
            code="campaign.members.upload_not_ready",
            params={"upload_id": upload_id, "status": upload.status},
        )
    rows = sa.table(table_name, sa.column("iin", sa.String))
    iins = fetch_arrow(db.connection(), sa.select(rows.c.iin), IIN_SCHEMA).column("iin")
    stored = [RowError.model_validate(e) for e in (upload.errors or [])[:MAX_EXAMPLES]]
    examples = [
        InvalidExample(input=(error.value or "")[:40], code=error.code, params=error.params)
        for error in stored
    ]
    return Checked(
        iins.combine_chunks(),
        received=upload.rows_total,
        invalid=upload.rows_total - upload.rows_valid,
        duplicate=upload.rows_duplicate,
        normalized=upload.rows_normalized,
        examples=examples,
    )


def _members_of(code: str) -> sa.Subquery:
    return sa.union_all(
        sa.select(local_target.c.iin).where(local_target.c.camp_cd == code),
        sa.select(local_control.c.iin).where(local_control.c.camp_cd == code),
    ).subquery("members")


def change(
    db: Session, user: User, code: str, data: MembersChange, action: Literal["add", "remove"]
) -> MembersReport:
    if (data.iins is None) == (data.upload_id is None):
        raise InvalidInput("give either iins or upload_id", code="campaign.members.iins_or_upload")
    if data.force and Role(user.role) is not Role.ADMIN:
        raise PermissionDenied(
            "only an administrator may add IINs the campaign's suppression steps block",
            code="campaign.members.force_admin_only",
        )
    campaign = service.get_campaign(db, code, lock=True)
    service.ensure_can_manage(user, campaign)
    if campaign.status not in (CampaignStatus.DEPLOYED, CampaignStatus.ACTIVE):
        hint = (
            "change the draft's audience instead"
            if campaign.status == CampaignStatus.DRAFT
            else "that is final"
        )
        raise Conflict(
            f"campaign {campaign.camp_cd} is {campaign.status}: {hint}",
            code="campaign.members.not_deployed",
            params={"campaign": campaign.camp_cd, "status": campaign.status},
        )
    checked = (
        check_pasted(data.iins)
        if data.iins is not None
        else check_upload(db, user, data.upload_id or "")
    )
    report = MembersReport(
        code=campaign.camp_cd,
        group=data.group,
        action=action,
        received=checked.received,
        valid=len(checked.iins),
        invalid=checked.invalid,
        duplicate=checked.duplicate,
        normalized=checked.normalized,
        already_member=0,
        global_control=0,
        not_member=0,
        changed=0,
        blocked=[],
        channels={},
        invalid_examples=checked.examples,
        target_count=campaign.target_cnt,
        control_count=campaign.control_cnt,
    )
    with service.write_conflicts_as_409(f"campaign {campaign.camp_cd} is being changed"):
        if len(checked.iins):
            if action == "add":
                _add(db, campaign, checked.iins, data.group, report, force=data.force)
            else:
                _remove(db, campaign, checked.iins, data.group, report)
            if report.changed:
                member_index.index_campaign(db, campaign.camp_cd, service.today())
        target, control = service.member_counts(db, campaign.camp_cd)
        campaign.target_cnt, campaign.control_cnt = target, control
        campaign.updated_at = utcnow()
        report.target_count, report.control_count = target, control
        summary = report.model_dump(
            mode="json", exclude={"invalid_examples": True, "blocked": {"__all__": {"sample"}}}
        )
        kind = "members_added" if action == "add" else "members_removed"
        service.record_event(db, campaign.camp_cd, user.username, kind, summary)
        db.flush()
    return report


def campaign_spec(db: Session, campaign: CampaignDict) -> AudienceSpec | None:
    """The spec the campaign was built from (stored with it, else its saved audience's), or
    None when there is none or it no longer parses (then only the global control applies)."""
    raw = campaign.audience_spec
    if raw is None and campaign.audience_id:
        raw = db.scalar(sa.select(Audience.spec).where(Audience.id == campaign.audience_id))
    if raw is None:
        return None
    try:
        return AudienceSpec.model_validate(raw)
    except ValidationError:
        return None


def _add(
    db: Session,
    campaign: CampaignDict,
    iins: pa.Array,
    group: str,
    report: MembersReport,
    force: bool = False,
) -> None:
    conn = db.connection()
    code = campaign.camp_cd
    with staged(conn, pa.table({"iin": iins})) as given:
        members = _members_of(code)
        in_campaign = sa.exists().where(members.c.iin == given.c.iin)
        report.already_member = int(
            conn.execute(sa.select(sa.func.count()).select_from(given).where(in_campaign)).scalar()
            or 0
        )
        fresh = fetch_arrow(conn, sa.select(given.c.iin).where(sa.not_(in_campaign)), IIN_SCHEMA)
    new_iins = fresh.column("iin").combine_chunks()
    if group == "target" and len(new_iins):
        new_iins = _pass_suppression(db, campaign, new_iins, report, force)
    report.changed = len(new_iins)
    if not len(new_iins):
        return
    now = utcnow()
    plan = deploy.Plan(
        code=code,
        camp_type=campaign.camp_type,
        stream=campaign.stream,
        channels=service.channels_of(campaign),
        start_date=campaign.start_date,
        end_date=campaign.end_date,
        audience_id=campaign.audience_id or "",
        control_share=float(campaign.control_share),
        split_seed=campaign.split_seed,
        push_event_type=service.get_detail(db, code).push_event_type,
        xls_ow_id=campaign.xls_ow_id,
        rb3=None,
        popup=None,
        deep_link=campaign.deep_link,
    )
    table = local_target if group == "target" else local_control
    with staged(conn, pa.table({"iin": new_iins})) as added:
        deploy.insert_group(conn, table, added, plan, now)
        if group == "target":
            src = deploy.sources(db, plan.channels, plan.push_event_type)
            contact = max(campaign.start_date, service.today())
            report.channels = deploy.deliver(conn, added, src, plan, contact, now)
            contact_index.refresh(db, sa.select(added.c.iin))


def _pass_suppression(
    db: Session, campaign: CampaignDict, iins: pa.Array, report: MembersReport, force: bool
) -> pa.Array:
    """The IINs that may join the target group: those the campaign's suppression steps do not
    block (all of them when forced), never the global control's. Fills the report's counts."""
    conn = db.connection()
    with staged(conn, pa.table({"iin": iins})) as given:
        in_global = sa.exists().where(global_control.c.iin == given.c.iin)
        report.global_control = int(
            conn.execute(sa.select(sa.func.count()).select_from(given).where(in_global)).scalar()
            or 0
        )
        spec = campaign_spec(db, campaign)
        check = audiences.check_suppression(db, spec, given, campaign.camp_cd)
        blocked = check.blocked.subquery("blocked")
        report.blocked_total = int(
            conn.execute(sa.select(sa.func.count()).select_from(blocked)).scalar() or 0
        )
        report.blocked = [
            BlockedReason(
                code=found.step.code,
                params=found.step.params,
                count=found.count,
                sample=found.sample,
            )
            for found in check.steps
        ]
        report.forced = force and report.blocked_total > report.global_control
        conditions: list[sa.ColumnElement[bool]] = [sa.not_(in_global)]
        if not force:
            conditions.append(given.c.iin.not_in(sa.select(blocked.c.iin)))
        kept = fetch_arrow(conn, sa.select(given.c.iin).where(*conditions), IIN_SCHEMA)
    return kept.column("iin").combine_chunks()


def _remove(
    db: Session, campaign: CampaignDict, iins: pa.Array, group: str, report: MembersReport
) -> None:
    conn = db.connection()
    code = campaign.camp_cd
    table = local_target if group == "target" else local_control
    with staged(conn, pa.table({"iin": iins})) as given:
        chosen = sa.select(given.c.iin)
        removed = conn.execute(
            sa.delete(table).where(table.c.camp_cd == code, table.c.iin.in_(chosen))
        ).rowcount
        if group == "target":
            for rows in (campaign_users, contact_history):
                conn.execute(sa.delete(rows).where(rows.c.camp_cd == code, rows.c.iin.in_(chosen)))
            contact_index.refresh(db, chosen)
    report.changed = int(removed or 0)
    report.not_member = len(iins) - report.changed
