"""Deploy: a draft's split written into the bank's tables in one transaction, in bulk.

    mb01_camp_dict            status draft → deployed, counts, deployed_at (a conditional
                              UPDATE: of two concurrent deploys one finds no draft → 409)
    mb22_local_target         target group   } Arrow: a registered view on DuckDB, COPY on
    mb21_local_control        control group  } PostgreSQL
    fd_rb2_campaigns_users    target × channel, with p_sid and phone   } INSERT … SELECT from
    off_limit_campaigns_users the contact history at the start date    } the feature-store join,
                                                                         made once (a temp table)
    rb3_tr_campaign_dict      RB3 bonus terms
    fd_rb2_pop_up_campaign    pop-up content

An A/B/n experiment of arm campaigns is deployed by its lead, all arms in the one
transaction: each arm's target under its own code, channels and texts, and the one control
group in mb21 under every arm's code.

Rows go in IIN order, so primary keys and indexes grow at their end. Nothing is written row by
row, and nothing is committed before the end: a failure anywhere, or the process dying, leaves
the draft as it was and no row of the campaign in any table.

Who drops out of a channel, and why (the first reason that applies), by the rules the audience
preview applies too (`audiences.reach`): push: not_in_feature_store, no_p_sid, push_disabled,
opted_out (only when the campaign names a push event type); sms: not_in_feature_store,
no_valid_phone (not +77 and 9 digits); popup: none.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from dataquery.audiences.access import Viewer
from dataquery.audiences.reach import opted_out_of, push_reason, sms_reason
from dataquery.auth.models import User
from dataquery.bank.tables import (
    CampaignDict,
    PopUpCampaign,
    RB3CampaignDict,
    campaign_users,
    contact_history,
    local_control,
    local_target,
)
from dataquery.campaigns import service
from dataquery.campaigns.schemas import (
    ArmDeploy,
    CampaignStatus,
    ChannelDropouts,
    DeployAccepted,
    DeployReport,
)
from dataquery.campaigns.split import Split, split_audience, split_result
from dataquery.core import metrics
from dataquery.core.bulk import compiled_sql, staged
from dataquery.core.db import utcnow
from dataquery.core.errors import Conflict, InvalidInput
from dataquery.core.problems import problem
from dataquery.core.progress import Progress, no_progress
from dataquery.core.schemas import Notice
from dataquery.datasets import contact_index, member_index
from dataquery.datasets.models import Dataset
from dataquery.jobs.runner import JobAudit, JobRunner, job_handler

# Above this many members a deploy runs as a job the UI polls (202 + job_id).
JOB_THRESHOLD = 200_000


# A deploy's stages, in order: `done` of a stage is its index, so the bar moves by steps.
STAGES = (
    "job.stage.split",
    "job.stage.write_target",
    "job.stage.write_control",
    "job.stage.write_deliveries",
    "job.stage.write_contacts",
    "job.stage.commit",
)


# What the warehouse offers -------------------------------------------------------------------


@dataclass(frozen=True)
class Sources:
    """The catalog tables a deploy reads: the feature store (p_sid, phone, push_enabled) and,
    when the campaign names a push event type, the push opt-outs."""

    feature_store: sa.TableClause | None
    optouts: sa.TableClause | None


def _dataset_table(db: Session, name: str) -> str | None:
    return db.scalar(sa.select(Dataset.table_name).where(Dataset.name == name))


def sources(db: Session, channels: list[str], push_event_type: str | None) -> Sources:
    feature_store = optouts = None
    if {"push", "sms"} & set(channels):
        name = _dataset_table(db, "feature_store")
        if name is None:
            raise Conflict(
                "the feature store (dataset feature_store) is not loaded: push and SMS need its "
                "p_sid and phone; load it first",
                code="campaign.deploy.feature_store_missing",
            )
        feature_store = sa.table(
            name,
            sa.column("iin", sa.String),
            sa.column("p_sid", sa.String),
            sa.column("phone", sa.String),
            sa.column("push_enabled", sa.Boolean),
        )
    if "push" in channels and push_event_type:
        name = _dataset_table(db, "push_optouts")
        if name is None:
            raise Conflict(
                f"the campaign excludes opt-outs of {push_event_type!r}, but the dataset "
                "push_optouts is not loaded",
                code="campaign.deploy.push_optouts_missing",
                params={"push_event_type": push_event_type},
            )
        optouts = sa.table(name, sa.column("iin", sa.String), sa.column("event_type", sa.String))
    return Sources(feature_store, optouts)


def reach(targets: sa.FromClause, src: Sources, push_event_type: str | None) -> sa.Select[Any]:
    """Per target IIN: p_sid, phone, and why it drops out of push and of SMS (NULL: it stays)."""
    fs = src.feature_store
    if fs is None:
        return sa.select(
            targets.c.iin,
            sa.null().label("p_sid"),
            sa.null().label("phone"),
            sa.null().label("push_reason"),
            sa.null().label("sms_reason"),
        )
    joined = targets.outerjoin(fs, fs.c.iin == targets.c.iin)
    in_store = fs.c.iin.is_not(None)
    opted_out = None
    if src.optouts is not None and push_event_type:
        opted = opted_out_of(src.optouts, push_event_type)
        joined = joined.outerjoin(opted, opted.c.iin == targets.c.iin)
        opted_out = opted.c.iin.is_not(None)
    return sa.select(
        targets.c.iin,
        fs.c.p_sid,
        fs.c.phone,
        push_reason(in_store, fs.c.p_sid, fs.c.push_enabled, opted_out).label("push_reason"),
        sms_reason(in_store, fs.c.phone).label("sms_reason"),
    ).select_from(joined)


def channel_dropouts(
    conn: Connection, targets: sa.FromClause, src: Sources, campaign: Plan
) -> dict[str, ChannelDropouts]:
    """Eligible and dropped per channel, with reasons, in one pass over the targets."""
    rows = reach(targets, src, campaign.push_event_type).subquery("reach")
    return _count_dropouts(conn, rows, campaign.channels)


def _count_dropouts(
    conn: Connection, rows: sa.FromClause, channels: list[str]
) -> dict[str, ChannelDropouts]:
    counted = conn.execute(
        sa.select(rows.c.push_reason, rows.c.sms_reason, sa.func.count()).group_by(
            rows.c.push_reason, rows.c.sms_reason
        )
    ).all()
    total = sum(int(n) for _, _, n in counted)
    report: dict[str, ChannelDropouts] = {}
    for channel in channels:
        reasons: dict[str, int] = {}
        if channel in ("push", "sms"):
            column = 0 if channel == "push" else 1
            for row in counted:
                if row[column] is not None:
                    reasons[row[column]] = reasons.get(row[column], 0) + int(row[2])
        dropped = sum(reasons.values())
        report[channel] = ChannelDropouts(
            eligible=total - dropped, dropped=dropped, reasons=reasons
        )
    return report


def deliver(
    conn: Connection,
    targets: sa.FromClause,
    src: Sources,
    campaign: Plan,
    contact_date: date,
    now: datetime,
    progress: Progress = no_progress,
    rows_written: Rows | None = None,
) -> dict[str, ChannelDropouts]:
    """fd_rb2_campaigns_users (target × channel) and off_limit_campaigns_users (the contact on
    `contact_date`) for the targets; returns eligible and dropped per channel.

    The join with the feature store runs once, into a temporary table; every table is then
    filled from it in IIN order, so the primary keys and indexes are written sequentially."""
    with materialized(conn, reach(targets, src, campaign.push_event_type)) as rows:
        _refuse_duplicates(conn, campaign.code, targets, rows)
        dropouts = _count_dropouts(conn, rows, campaign.channels)
        deliveries, contacts = [], []
        for channel in campaign.channels:
            keep = {
                "push": rows.c.push_reason.is_(None),
                "sms": rows.c.sms_reason.is_(None),
            }.get(channel, sa.true())
            channel_value = sa.literal(channel, sa.String).label("channel")
            deliveries.append(
                sa.select(
                    sa.literal(campaign.code, sa.String),
                    rows.c.iin,
                    channel_value,
                    rows.c.p_sid,
                    rows.c.phone,
                    sa.literal(campaign.stream, sa.String),
                    sa.literal(campaign.start_date, sa.Date),
                    sa.literal(campaign.end_date, sa.Date),
                    sa.literal(now, sa.DateTime),
                ).where(keep)
            )
            contacts.append(
                sa.select(
                    rows.c.iin,
                    sa.literal(campaign.code, sa.String),
                    sa.literal(campaign.stream, sa.String),
                    channel_value,
                    sa.literal(contact_date, sa.Date),
                ).where(keep)
            )
        # One statement per table, in key order: the indexes grow at their end.
        delivery = sa.union_all(*deliveries).subquery("delivery")
        columns = [
            "camp_cd", "iin", "channel", "p_sid", "phone", "stream", "start_date", "end_date",
            "created_at",
        ]  # fmt: skip
        conn.execute(
            sa.insert(campaign_users).from_select(
                columns,
                sa.select(*delivery.c).order_by(
                    bytewise(conn, delivery.c.iin), bytewise(conn, delivery.c.channel)
                ),
            )
        )
        if rows_written is not None:
            # The drop-outs are known: neither a delivery nor a contact row for them.
            rows_written.done += sum(report.eligible for report in dropouts.values())
            rows_written.total -= 2 * sum(report.dropped for report in dropouts.values())
        _stage(progress, "job.stage.write_contacts", rows_written)
        contact = sa.union_all(*contacts).subquery("contact")
        conn.execute(
            sa.insert(contact_history).from_select(
                ["iin", "camp_cd", "stream", "channel", "contact_date"],
                sa.select(*contact.c).order_by(
                    bytewise(conn, contact.c.iin), bytewise(conn, contact.c.channel)
                ),
            )
        )
        if rows_written is not None:
            rows_written.done += sum(report.eligible for report in dropouts.values())
        return dropouts


def _refuse_duplicates(
    conn: Connection, code: str, targets: sa.FromClause, rows: sa.FromClause
) -> None:
    """The delivery list's key (camp_cd, iin, channel) is checked here, not only by a primary
    key: the DuckDB tables have none (migration 0009). Two counts, of tables just written."""
    expected = conn.execute(sa.select(sa.func.count()).select_from(targets)).scalar_one()
    joined = conn.execute(sa.select(sa.func.count()).select_from(rows)).scalar_one()
    if joined != expected:
        raise Conflict(
            f"deploy of {code} failed and nothing was written: the feature store holds "
            f"{joined - expected} target rows more than once, so the delivery list "
            "(fd_rb2_campaigns_users) would repeat them (duplicate key)",
            code="campaign.deploy.write_failed",
            params={"campaign": code},
        )


@contextmanager
def materialized(conn: Connection, query: sa.Select[Any]) -> Iterator[sa.TableClause]:
    """The rows of `query` as a temporary table for the block (DuckDB, PostgreSQL); other
    engines read the query itself each time."""
    columns: list[sa.ColumnClause[Any]] = [sa.column(c.name) for c in query.selected_columns]
    if conn.dialect.name not in ("duckdb", "postgresql"):
        yield query.subquery("reach")  # type: ignore[misc]
        return
    name = f"dq_reach_{uuid.uuid4().hex[:12]}"
    sql, params = compiled_sql(conn, query)
    on_commit = " ON COMMIT DROP" if conn.dialect.name == "postgresql" else ""
    driver_params = tuple(params) if isinstance(params, list) else params
    conn.exec_driver_sql(f"CREATE TEMPORARY TABLE {name}{on_commit} AS {sql}", driver_params)
    # On failure the rollback removes the table (it was created in this transaction).
    yield sa.table(name, *columns)
    conn.exec_driver_sql(f"DROP TABLE {name}")


def bytewise(conn: Connection, column: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    """Sort key in byte order. IINs and channel codes are ASCII, so it is also the index order;
    PostgreSQL sorts three times faster by "C" than by a locale's collation."""
    return column.collate("C") if conn.dialect.name == "postgresql" else column


def roomy(conn: Connection) -> None:
    """PostgreSQL: memory for this transaction's joins and sorts of millions of rows, which
    the default work_mem (4 MB) would spill to disk in batches."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL work_mem = '256MB'")


# The plan ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """What a deploy needs of the campaign, read once (the job runs on its own session)."""

    code: str
    camp_type: str
    stream: str
    channels: list[str]
    start_date: date
    end_date: date
    audience_id: str
    control_share: float
    split_seed: int
    push_event_type: str | None
    xls_ow_id: str | None
    rb3: dict[str, Any] | None
    popup: dict[str, Any] | None
    deep_link: str | None
    experiment: dict[str, Any] | None = None


def plan_of(
    db: Session, campaign: CampaignDict, deployer: User | None = None, *, as_arm: bool = False
) -> Plan:
    """Checks a draft can be deployed now; 409/422 otherwise. The saved audience must be one
    the deployer may use (an analyst's own; any for an administrator): someone else's is
    answered as a missing one. `deployer=None`: already checked (the job's second look).
    An arm of an experiment deploys with its lead (`as_arm`), never alone."""
    detail = service.get_detail(db, campaign.camp_cd)
    if detail.experiment_lead and not as_arm:
        raise Conflict(
            f"campaign {campaign.camp_cd} is an arm of experiment {detail.experiment_lead}: "
            "deploy the experiment from its lead",
            code="campaign.experiment.deploy_lead",
            params={"campaign": campaign.camp_cd, "lead": detail.experiment_lead},
        )
    if campaign.status != CampaignStatus.DRAFT:
        raise Conflict(
            f"campaign {campaign.camp_cd} is already {campaign.status}",
            code="campaign.deploy.not_draft",
            params={"campaign": campaign.camp_cd, "status": campaign.status},
        )
    if campaign.start_date < service.today():
        start = campaign.start_date.isoformat()
        raise InvalidInput(
            f"start_date: {campaign.start_date} has passed; move the dates of the draft first",
            code="campaign.deploy.start_passed",
            params={"start_date": start},
            errors=[
                problem(
                    "start_date",
                    code="campaign.start_in_past",
                    message="in the past",
                    start_date=start,
                    today=service.today().isoformat(),
                )
            ],
        )
    channels = service.channels_of(campaign)
    disabled = service.disabled_references(db, campaign.stream, channels, detail.push_event_type)
    if disabled:
        raise InvalidInput(
            "the draft names reference data disabled since it was saved; edit it first",
            code="campaign.deploy.disabled_reference",
            errors=disabled,
        )
    viewer = Viewer.of(deployer) if deployer is not None else None
    size = service.audience_size(db, campaign.audience_id, viewer) if campaign.audience_id else None
    if size is None:
        raise service.no_such_audience(campaign.audience_id)
    if size == 0:
        raise Conflict(
            f"the saved audience {campaign.audience_id!r} is empty: nothing to deploy",
            code="campaign.deploy.audience_empty",
            params={"audience_id": campaign.audience_id},
        )
    return Plan(
        code=campaign.camp_cd,
        camp_type=campaign.camp_type,
        stream=campaign.stream,
        channels=channels,
        start_date=campaign.start_date,
        end_date=campaign.end_date,
        audience_id=campaign.audience_id or "",
        control_share=float(campaign.control_share),
        split_seed=campaign.split_seed,
        push_event_type=detail.push_event_type,
        xls_ow_id=campaign.xls_ow_id,
        rb3=detail.rb3,
        popup=detail.popup,
        deep_link=campaign.deep_link,
        experiment=detail.experiment,
    )


@dataclass(frozen=True)
class Group:
    """A campaign a deploy writes: its plan and its target members (an experiment's arm, or
    the whole target group); every one gets the split's control group in mb21."""

    plan: Plan
    iins: pa.Array
    arm: str | None = None

    @property
    def size(self) -> int:
        return len(self.iins)


def arm_plans(
    db: Session, campaign: CampaignDict, plan: Plan, deployer: User | None
) -> list[tuple[int, str, Plan]]:
    """The lead and its arm campaigns, each arm's (group, name, plan), when the lead's
    experiment has arm campaigns; [] for a campaign deployed alone (the plain split, or an
    experiment whose arms stay in one target group). Every arm must have its campaign."""
    arms = service.arms_of(db, campaign) if plan.experiment else []
    if not any(arm.campaign is not None for arm in arms if arm.group > 1):
        return []
    missing = [arm.name for arm in arms if arm.campaign is None]
    if missing:
        raise Conflict(
            f"experiment {plan.code} has no campaign yet for its arm(s) {', '.join(missing)}: "
            "create them first",
            code="campaign.experiment.arms_missing",
            params={"campaign": plan.code, "arms": ", ".join(missing)},
        )
    plans = []
    for arm in arms:
        assert arm.campaign is not None
        arm_plan = plan if arm.group == 1 else plan_of(db, arm.campaign, deployer, as_arm=True)
        plans.append((arm.group, arm.name, arm_plan))
    return plans


def groups_of(split: Split, plan: Plan, arms: list[tuple[int, str, Plan]]) -> list[Group]:
    if not arms:
        return [Group(plan, split.target_iins)]
    assert split.groups is not None
    return [
        Group(arm_plan, split.iins.filter(pa.array(split.groups == index)), name)
        for index, name, arm_plan in arms
    ]


def _merged(dropouts: list[dict[str, ChannelDropouts]]) -> dict[str, ChannelDropouts]:
    """Eligible and dropped per channel over every campaign of the deploy."""
    merged: dict[str, ChannelDropouts] = {}
    for report in dropouts:
        for channel, counts in report.items():
            total = merged.setdefault(channel, ChannelDropouts(eligible=0, dropped=0, reasons={}))
            total.eligible += counts.eligible
            total.dropped += counts.dropped
            for reason, n in counts.reasons.items():
                total.reasons[reason] = total.reasons.get(reason, 0) + n
    return merged


def _tables(
    groups: list[Group], control: int, channels: dict[str, ChannelDropouts]
) -> dict[str, int]:
    delivery = sum(c.eligible for c in channels.values())
    return {
        "mb01_camp_dict": len(groups),
        "rb3_tr_campaign_dict": sum(1 for g in groups if g.plan.camp_type == "RB3"),
        "fd_rb2_campaigns_users": delivery,
        "mb22_local_target": sum(g.size for g in groups),
        "mb21_local_control": control * len(groups),
        "off_limit_campaigns_users": delivery,
        "fd_rb2_pop_up_campaign": sum(1 for g in groups if "popup" in g.plan.channels),
    }


def _warnings(target: int, channels: dict[str, ChannelDropouts]) -> list[Notice]:
    warnings = []
    if target == 0:
        warnings.append(
            Notice(code="notice.campaign.target_empty", message="the target group is empty")
        )
    for channel, report in channels.items():
        total = report.eligible + report.dropped
        if total and report.dropped / total > 0.5:
            warnings.append(
                Notice(
                    code="notice.campaign.channel_dropouts",
                    message=f"{channel}: {report.dropped} of {total} targets drop out",
                    params={"channel": channel, "dropped": report.dropped, "total": total},
                )
            )
    return warnings


def _report(
    plan: Plan,
    split: Split,
    groups: list[Group],
    dropouts: list[dict[str, ChannelDropouts]],
    *,
    dry_run: bool,
    started: float,
) -> DeployReport:
    """The deploy's report: an experiment of arm campaigns is reported as a whole, with each
    arm's part in `arms`."""
    channels = _merged(dropouts)
    return DeployReport(
        code=plan.code,
        dry_run=dry_run,
        target=split.target_size,
        control=split.control_size,
        split=split_result(
            split.target_size, split.control_size, plan.control_share, experiment=plan.experiment
        ),
        tables=_tables(groups, split.control_size, channels),
        channels=channels,
        warnings=_warnings(split.target_size, channels),
        seconds=round(time.perf_counter() - started, 3),
        arms=[
            ArmDeploy(code=g.plan.code, name=g.arm, target=g.size, channels=report)
            for g, report in zip(groups, dropouts, strict=True)
            if g.arm is not None
        ],
    )


# Dry run -------------------------------------------------------------------------------------


def dry_run(db: Session, campaign: CampaignDict, deployer: User | None = None) -> DeployReport:
    """What a deploy would write, per table, and who drops out of each channel; writes nothing."""
    started = time.perf_counter()
    plan = plan_of(db, campaign, deployer)
    arms = arm_plans(db, campaign, plan, deployer)
    conn = db.connection()
    roomy(conn)
    split = split_audience(
        conn, plan.audience_id, plan.split_seed, plan.control_share, plan.experiment
    )
    groups = groups_of(split, plan, arms)
    dropouts = []
    for group in groups:
        src = sources(db, group.plan.channels, group.plan.push_event_type)
        with staged(conn, pa.table({"iin": group.iins})) as targets:
            dropouts.append(channel_dropouts(conn, targets, src, group.plan))
    return _report(plan, split, groups, dropouts, dry_run=True, started=started)


# Deploy --------------------------------------------------------------------------------------


def deploy(
    db: Session,
    campaign: CampaignDict,
    username: str,
    progress: Progress = no_progress,
    deployer: User | None = None,
) -> DeployReport:
    """Writes every table in the session's transaction; the caller commits (or rolls back)."""
    with metrics.track_query("deploy.write", username) as timer:
        report = _deploy(db, campaign, username, progress, deployer)
        timer.rows = sum(report.tables.values())
        timer.detail = report.code
    for table, rows in report.tables.items():
        if rows:
            metrics.ROWS_DEPLOYED.labels(table).inc(rows)
    return report


def _deploy(
    db: Session,
    campaign: CampaignDict,
    username: str,
    progress: Progress,
    deployer: User | None,
) -> DeployReport:
    started = time.perf_counter()
    plan = plan_of(db, campaign, deployer)
    arms = arm_plans(db, campaign, plan, deployer)
    conn = db.connection()
    roomy(conn)
    sources_of = {p.code: sources(db, p.channels, p.push_event_type) for p in _plans(plan, arms)}
    _stage(progress, "job.stage.split")
    split = split_audience(
        conn, plan.audience_id, plan.split_seed, plan.control_share, plan.experiment
    )
    groups = groups_of(split, plan, arms)
    now = utcnow()
    for group in groups:
        if not _claim(conn, group.plan, group.size, split.control_size, now):
            raise Conflict(
                f"campaign {group.plan.code} is no longer a draft: it was deployed meanwhile",
                code="campaign.deploy.deployed_meanwhile",
                params={"campaign": group.plan.code},
            )
    codes = [g.plan.code for g in groups]
    try:
        dropouts = _write(conn, groups, split.control_iins, sources_of, now, progress)
        history = contact_history.c
        contact_index.refresh(db, sa.select(history.iin).where(history.camp_cd.in_(codes)))
        for code in codes:
            member_index.index_campaign(db, code, service.today())
    except sa.exc.IntegrityError as exc:
        raise Conflict(
            f"deploy of {plan.code} failed and nothing was written: {_first_line(exc.orig)}",
            code="campaign.deploy.write_failed",
            params={"campaign": plan.code},
        ) from exc
    report = _report(plan, split, groups, dropouts, dry_run=False, started=started)
    service.record_event(db, plan.code, username, "deployed", report.model_dump(mode="json"))
    for arm in report.arms:
        if arm.code != plan.code:
            detail = {**arm.model_dump(mode="json"), "experiment": plan.code}
            service.record_event(db, arm.code, username, "deployed", detail)
    db.flush()
    db.expire(campaign)
    written = sum(report.tables.values())
    _stage(progress, "job.stage.commit", Rows(written, written))
    return report


def _plans(plan: Plan, arms: list[tuple[int, str, Plan]]) -> list[Plan]:
    return [arm_plan for _, _, arm_plan in arms] or [plan]


def _claim(conn: Connection, plan: Plan, target: int, control: int, now: datetime) -> bool:
    """draft → deployed, only if still a draft: PostgreSQL's row lock makes a concurrent deploy
    wait and then find no draft; DuckDB fails the second writer (answered 409)."""
    with service.write_conflicts_as_409(f"campaign {plan.code} is being deployed already"):
        result = conn.execute(
            sa.update(CampaignDict)
            .where(
                CampaignDict.camp_cd == plan.code,
                CampaignDict.status == CampaignStatus.DRAFT.value,
            )
            .values(
                status=CampaignStatus.DEPLOYED.value,
                target_cnt=target,
                control_cnt=control,
                deployed_at=now,
                updated_at=now,
            )
        )
    return result.rowcount == 1


def insert_group(
    conn: Connection, table: sa.Table, members: sa.FromClause, plan: Plan, now: datetime
) -> None:
    """mb22 or mb21 rows for `members` (a staged set, already in IIN order)."""
    conn.execute(
        sa.insert(table).from_select(
            ["camp_cd", "iin", "stream", "start_date", "end_date", "created_at"],
            sa.select(
                sa.literal(plan.code, sa.String),
                members.c.iin,
                sa.literal(plan.stream, sa.String),
                sa.literal(plan.start_date, sa.Date),
                sa.literal(plan.end_date, sa.Date),
                sa.literal(now, sa.DateTime),
            ),
        )
    )


def _write(
    conn: Connection,
    groups: list[Group],
    control_iins: pa.Array,
    sources_of: dict[str, Sources],
    now: datetime,
    progress: Progress,
) -> list[dict[str, ChannelDropouts]]:
    """The split goes to the warehouse once, as staged IIN sets (a zero-copy Arrow view on
    DuckDB; on PostgreSQL a one-column COPY into a temporary table, which costs about half of
    COPYing the full rows into mb22 and gives the join its statistics); every bank table is
    filled from there by INSERT … SELECT. An experiment's arms each get their campaign's rows,
    and the one control group under each arm's code."""
    control = len(control_iins)
    rows = Rows(sum(g.size * (1 + 2 * len(g.plan.channels)) + control for g in groups))
    dropouts = []
    with staged(conn, pa.table({"iin": control_iins})) as controls:
        for group in groups:
            _stage(progress, "job.stage.write_target", rows)
            with staged(conn, pa.table({"iin": group.iins})) as targets:
                insert_group(conn, local_target, targets, group.plan, now)
                rows.done += group.size
                _stage(progress, "job.stage.write_control", rows)
                insert_group(conn, local_control, controls, group.plan, now)
                rows.done += control
                _stage(progress, "job.stage.write_deliveries", rows)
                src = sources_of[group.plan.code]
                dropouts.append(
                    deliver(
                        conn, targets, src, group.plan, group.plan.start_date, now, progress, rows
                    )
                )
            _write_details(conn, group.plan, now)
    return dropouts


def _write_details(conn: Connection, plan: Plan, now: datetime) -> None:
    if plan.camp_type == "RB3" and plan.rb3:
        terms = dict(plan.rb3)
        terms["mcc_codes"] = ",".join(terms.get("mcc_codes") or []) or None
        for key in ("bonus_value", "bonus_cap", "min_txn_amount"):
            if terms.get(key) is not None:
                terms[key] = Decimal(str(terms[key]))
        for key in ("accrual_start", "accrual_end"):
            if terms.get(key):
                terms[key] = date.fromisoformat(str(terms[key]))
        conn.execute(
            sa.insert(RB3CampaignDict).values(
                camp_cd=plan.code, xls_ow_id=plan.xls_ow_id, created_at=now, **terms
            )
        )
    if "popup" in plan.channels and plan.popup:
        popup = dict(plan.popup)
        popup["deep_link"] = popup.get("deep_link") or plan.deep_link
        conn.execute(
            sa.insert(PopUpCampaign).values(
                camp_cd=plan.code,
                start_date=plan.start_date,
                end_date=plan.end_date,
                created_at=now,
                **popup,
            )
        )


def _first_line(error: object) -> str:
    return str(error).strip().splitlines()[0][:300] if str(error).strip() else type(error).__name__


def deploy_now_or_as_job(
    db: Session,
    runner: JobRunner,
    campaign: CampaignDict,
    user: User,
    background: bool | None,
    job_threshold: int = JOB_THRESHOLD,
) -> DeployReport | DeployAccepted:
    """In the request's transaction, or as a job when asked to or above `job_threshold`
    members (`background=None`; an admin setting): the report, or the accepted job to poll."""
    size = service.audience_size(db, campaign.audience_id or "") or 0
    if background or (background is None and size > job_threshold):
        return start_job(runner, db, campaign, user)
    with deploy_slot(runner, campaign.camp_cd):
        return deploy(db, campaign, user.username, deployer=user)


def _stage(progress: Progress, stage_code: str, rows: Rows | None = None) -> None:
    """The stage, and how far: rows written of the rows to write once the split is known
    (the web shows "n of N rows" and moves the bar by them), else the stage's place."""
    if rows is None:
        progress(stage_code, STAGES.index(stage_code), len(STAGES))
    else:
        progress(stage_code, rows.done, max(rows.total, rows.done))


@dataclass
class Rows:
    """Rows written so far of a deploy's `total`: its groups, and a delivery and a contact row
    per target and channel (at most; drop-outs make it fewer)."""

    total: int
    done: int = 0


# Background deploys --------------------------------------------------------------------------


def _busy(code: str) -> Callable[[str], Conflict]:
    def conflict(job_id: str) -> Conflict:
        job = f" (job {job_id})" if job_id else ""
        return Conflict(
            f"campaign {code} is being deployed right now{job}",
            code="campaign.deploy.running",
            params={"campaign": code},
        )

    return conflict


@contextmanager
def deploy_slot(runner: JobRunner, code: str) -> Iterator[None]:
    """One deploy of a campaign at a time in this process: a second one answers 409 at once
    (the conditional UPDATE of mb01 still guards against other processes)."""
    runner.hold(_slot(code), _busy(code))
    try:
        yield
    finally:
        runner.release(_slot(code))


@job_handler("campaign.deploy")
def deploy_job(db: Session, params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """A background deploy: mb01's conditional UPDATE makes a second run find it deployed."""
    code, username = params["code"], params["username"]
    report = deploy(db, service.get_campaign(db, code), username, progress)
    return report.model_dump(mode="json")


def _slot(code: str) -> str:
    return f"campaign.deploy:{code}"


def start_job(runner: JobRunner, db: Session, campaign: CampaignDict, user: User) -> DeployAccepted:
    """Runs the deploy as a job (the runner owns its session, commit, audit row and progress)."""
    plan = plan_of(db, campaign, user)  # fail fast, before a job exists
    for arm_plan in _plans(plan, arm_plans(db, campaign, plan, user)):
        sources(db, arm_plan.channels, arm_plan.push_event_type)
    members = service.audience_size(db, plan.audience_id) or 0
    code, username = plan.code, user.username

    job = runner.enqueue(
        db,
        "campaign.deploy",
        username,
        {"code": code, "username": username},
        audit=JobAudit(username, "campaigns.deploy_job", f"code={code}"),
        exclusive=_slot(code),
        busy=_busy(code),
    )
    detail = service.get_detail(db, code)
    detail.deploy_job_id = job.id
    db.add(detail)
    db.flush()
    return DeployAccepted(code=code, job_id=job.id, members=members)
