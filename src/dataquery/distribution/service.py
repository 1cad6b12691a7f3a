"""The day's new-user pool dealt out to the active campaigns, once per day, in one transaction.

For a day D:
  pool       the IINs of `spss_user_pool` with pool_date = D that are in no campaign yet
             (no row in mb22_local_target or mb21_local_control)
  campaigns  deployed (or active) campaigns with pool_share, whose dates include D
  eligible   per campaign, the pool minus whom its own audience spec's suppression steps remove
             (lists, push opt-outs, recent contact, frequency cap; always the global control)
             as of D: `audiences.service.suppression_reasons`, the rules manual adds pass too
  deal       each eligible customer to exactly one campaign, sizes as equal as the rules allow
             (`deal.py`), seeded by D; each share split target/control by the campaign's own
             control share and seed (the deploy's split)
  write      mb22 / mb21, fd_rb2_campaigns_users by channel with the deploy's drop-out rules,
             off_limit_campaigns_users (contact date D), mb01 counts; in bulk, never row by row

A run is idempotent per day: a done day is not run again (the answer says so). On PostgreSQL a
transaction-scoped advisory lock serialises runs across app instances, and the second finds the
day done once the first commits; within a process a lock does the same (DuckDB has one
writing process).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.orm import Session, sessionmaker

from dataquery.audiences import spec as s
from dataquery.audiences.reach import push_reason, sms_reason
from dataquery.audiences.service import GLOBAL_CONTROL, is_suppression, suppression_flags
from dataquery.bank.tables import (
    CampaignDict,
    campaign_users,
    contact_history,
    local_control,
    local_target,
)
from dataquery.campaigns import deploy
from dataquery.campaigns import service as campaigns
from dataquery.campaigns.app_tables import CampaignDetail
from dataquery.campaigns.schemas import CampaignStatus, ChannelDropouts
from dataquery.core import metrics
from dataquery.core.bulk import fetch_arrow, staged
from dataquery.core.db import utcnow
from dataquery.core.errors import Conflict, DQError
from dataquery.core.logging import get_logger
from dataquery.datasets import contact_index, member_index
from dataquery.datasets.models import Dataset
from dataquery.distribution.deal import deal
from dataquery.distribution.models import DistributionRun
from dataquery.distribution.schemas import (
    CampaignShare,
    DistributionReport,
    RunStatus,
    RunTrigger,
)
from dataquery.sampling.split import control_mask, iin_keys

log = get_logger("dataquery.distribution")

POOL_DATASET = "spss_user_pool"
# pg_advisory_xact_lock key of the distribution ("DQDIST" in ASCII).
ADVISORY_LOCK_KEY = 0x445144495354
NO_ACTIVE_CAMPAIGN = "no_active_campaign"
SEVERAL_RULES = "several_rules"
_IIN = pa.schema([("iin", pa.string())])
_REASONS = pa.schema([("iin", pa.string()), ("reason", pa.string())])
_process_lock = threading.Lock()


def day_seed(day: date) -> int:
    """The day's seed: the deal of a day depends on the day and the data alone."""
    return day.toordinal()


# Reading -------------------------------------------------------------------------------------


def pool_table(db: Session) -> sa.TableClause:
    name = db.scalar(sa.select(Dataset.table_name).where(Dataset.name == POOL_DATASET))
    if name is None:
        raise Conflict(
            f"the new-user pool (dataset {POOL_DATASET}) is not loaded; load it first",
            code="distribution.pool_missing",
        )
    return sa.table(name, sa.column("iin", sa.String), sa.column("pool_date", sa.Date))


def pool_iins(db: Session, day: date) -> pa.Array:
    """The day's pool that no campaign holds yet, distinct, in IIN (byte) order."""
    pool = pool_table(db)
    held = sa.union(sa.select(local_target.c.iin), sa.select(local_control.c.iin)).subquery()
    query = (
        sa.select(pool.c.iin)
        .where(pool.c.pool_date == day, pool.c.iin.is_not(None))
        .where(~sa.exists().where(held.c.iin == pool.c.iin))
        .distinct()
    )
    iins = fetch_arrow(db.connection(), query, _IIN).column("iin").combine_chunks()
    return iins.take(pc.sort_indices(iins))


def active_campaigns(db: Session, day: date) -> list[CampaignDict]:
    """Deployed campaigns that take a share of the pool and run on `day`, by code."""
    live = [CampaignStatus.DEPLOYED.value, CampaignStatus.ACTIVE.value]
    return list(
        db.scalars(
            sa.select(CampaignDict)
            .join(CampaignDetail, CampaignDetail.camp_cd == CampaignDict.camp_cd)
            .where(
                CampaignDetail.pool_share.is_(True),
                CampaignDict.status.in_(live),
                CampaignDict.start_date <= day,
                CampaignDict.end_date >= day,
            )
            .order_by(CampaignDict.camp_cd)
        )
    )


def _spec_of(campaign: CampaignDict) -> s.AudienceSpec | None:
    if not campaign.audience_spec:
        return None
    try:
        return s.AudienceSpec.model_validate(campaign.audience_spec)
    except ValidationError:
        # A spec of an older shape: its suppression steps cannot be read; the global
        # control still applies (suppression_reasons adds it always).
        log.warning("campaign spec unreadable", campaign=campaign.camp_cd)
        return None


@dataclass(frozen=True)
class Eligibility:
    """`eligible[i, c]`: campaign c accepts pool customer i; `barred[c]`: the reason code per
    customer c refuses (None where it accepts)."""

    eligible: npt.NDArray[np.bool_]
    reasons: list[pa.Array]


def _suppression_filters(campaign: CampaignDict) -> list[s.Filter]:
    spec = _spec_of(campaign)
    filters = [f for f in (spec.filters if spec else []) if is_suppression(f)]
    gc = s.SuppressionFilter(list=GLOBAL_CONTROL)
    return filters if any(_key(f) == _key(gc) for f in filters) else [gc, *filters]


def _key(item: s.Filter) -> str:
    return item.model_dump_json()


def eligibility(db: Session, day: date, pool: pa.Array, targets: list[CampaignDict]) -> Eligibility:
    """One query over the staged pool for every campaign at once: the union of their
    suppression steps, each evaluated once (`suppression_flags`); a campaign refuses whom any
    of its own steps removes, for the first of them. Contacts count whoever made them: the
    pool holds customers of no campaign, so none has contacts of the campaign it may join."""
    eligible = np.ones((len(pool), len(targets)), dtype=np.bool_)
    if not targets or not len(pool):
        return Eligibility(eligible, [pa.nulls(len(pool), pa.string()) for _ in targets])
    own = [_suppression_filters(c) for c in targets]
    union: dict[str, s.Filter] = {}
    for filters in own:
        union.update({_key(f): f for f in filters})
    spec = s.AudienceSpec(reference_date=day, filters=list(union.values()))
    conn = db.connection()
    with staged(conn, pa.table({"iin": pool})) as checked:
        flags = suppression_flags(db, spec, checked, None, day)
        step_of = {
            _key(flags.filters[st.filter_index]): st
            for st in flags.steps
            if st.filter_index is not None
        }
        columns = [flags.flags.c.iin] + [flags.flags.c[f"p_{st.number}"] for st in flags.steps]
        query = sa.select(*columns).where(sa.or_(*(flags.fails(st) for st in flags.steps)))
        schema = pa.schema(
            [("iin", pa.string())] + [(f"p_{st.number}", pa.int8()) for st in flags.steps]
        )
        failing = fetch_arrow(conn, query, schema)
    at = pc.index_in(failing.column("iin"), value_set=pool).to_numpy(zero_copy_only=False)
    fails = {
        st.number: failing.column(f"p_{st.number}").to_numpy(zero_copy_only=False) == 0
        for st in flags.steps
    }
    reasons: list[pa.Array] = []
    for column, filters in enumerate(own):
        reason = np.full(len(pool), None, dtype=object)
        refused = np.zeros(len(at), dtype=np.bool_)
        for item in filters:  # the campaign's own order: the first step that removes names it
            st = step_of[_key(item)]
            first = fails[st.number] & ~refused
            reason[at[first]] = flags.reason(st)
            refused |= fails[st.number]
        eligible[at[refused], column] = False
        reasons.append(pa.array(reason, pa.string()))
    return Eligibility(eligible, reasons)


def undistributed_reasons(rule: Eligibility, left: npt.NDArray[np.bool_]) -> dict[str, int]:
    """Reason -> count of the customers no campaign accepts: the rule that bars them, when
    every campaign bars them by the same one; `several_rules` otherwise."""
    if not left.any():
        return {}
    if not rule.reasons:
        return {NO_ACTIVE_CAMPAIGN: int(left.sum())}
    columns = [r.filter(pa.array(left)) for r in rule.reasons]
    first = columns[0]
    same = np.ones(len(first), dtype=np.bool_)
    for other in columns[1:]:
        same &= pc.fill_null(pc.equal(first, other), False).to_numpy(zero_copy_only=False)
    counted: dict[str, int] = {}
    if (~same).any():
        counted[SEVERAL_RULES] = int((~same).sum())
    values, counts = np.unique(
        first.filter(pa.array(same)).to_numpy(zero_copy_only=False).astype(str),
        return_counts=True,
    )
    counted.update({str(v): int(n) for v, n in zip(values, counts, strict=True)})
    return dict(sorted(counted.items()))


# The run -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    campaign: CampaignDict
    target: pa.Array
    control: pa.Array


def plan_day(db: Session, day: date) -> tuple[pa.Array, list[Share], dict[str, int]]:
    """Who goes where on `day`: the pool, each campaign's share, the reasons of the rest."""
    pool = pool_iins(db, day)
    targets = active_campaigns(db, day)
    rule = eligibility(db, day, pool, targets)
    keys = iin_keys(pool) if len(pool) else np.zeros(0, dtype=np.uint64)
    dealt = deal(rule.eligible, keys, day_seed(day)).campaign
    shares = []
    for column, campaign in enumerate(targets):
        members = np.flatnonzero(dealt == column)  # ascending: the pool's IIN order
        iins = pool.take(pa.array(members, pa.int64()))
        control = (
            control_mask(campaign.split_seed, keys[members], float(campaign.control_share))
            if len(members)
            else np.zeros(0, dtype=np.bool_)
        )
        shares.append(
            Share(campaign, iins.filter(pa.array(~control)), iins.filter(pa.array(control)))
        )
    return pool, shares, undistributed_reasons(rule, dealt < 0)


def _plan_of(db: Session, campaign: CampaignDict) -> deploy.Plan:
    detail = campaigns.get_detail(db, campaign.camp_cd)
    return deploy.Plan(
        code=campaign.camp_cd,
        camp_type=campaign.camp_type,
        stream=campaign.stream,
        channels=campaigns.channels_of(campaign),
        start_date=campaign.start_date,
        end_date=campaign.end_date,
        audience_id=campaign.audience_id or "",
        control_share=float(campaign.control_share),
        split_seed=campaign.split_seed,
        push_event_type=detail.push_event_type,
        xls_ow_id=campaign.xls_ow_id,
        rb3=None,
        popup=None,
        deep_link=campaign.deep_link,
    )


def _write_share(
    db: Session, day: date, share: Share, now: datetime, username: str | None, dry_run: bool
) -> dict[str, ChannelDropouts]:
    """The share into the bank's tables with the deploy's own statements (or, dry, only the
    channel drop-outs)."""
    conn = db.connection()
    plan = _plan_of(db, share.campaign)
    src = deploy.sources(db, plan.channels, plan.push_event_type)
    with staged(conn, pa.table({"iin": share.target})) as targets:
        if dry_run:
            return deploy.channel_dropouts(conn, targets, src, plan)
        deploy.insert_group(conn, local_target, targets, plan, now)
        with staged(conn, pa.table({"iin": share.control})) as controls:
            deploy.insert_group(conn, local_control, controls, plan, now)
        channels = deploy.deliver(conn, targets, src, plan, day, now)
    _count_and_record(db, day, share, now, username)
    return channels


def _count_and_record(
    db: Session, day: date, share: Share, now: datetime, username: str | None
) -> None:
    """mb01's counts grow by the share; the campaign's history says so."""
    code = share.campaign.camp_cd
    db.connection().execute(
        sa.update(CampaignDict)
        .where(CampaignDict.camp_cd == code)
        .values(
            target_cnt=CampaignDict.target_cnt + len(share.target),
            control_cnt=CampaignDict.control_cnt + len(share.control),
            updated_at=now,
        )
    )
    campaigns.record_event(
        db,
        code,
        username,
        "pool_added",
        {"day": day.isoformat(), "target": len(share.target), "control": len(share.control)},
    )


def _write_shares(
    db: Session,
    day: date,
    shares: list[Share],
    now: datetime,
    username: str | None,
    dry_run: bool,
) -> dict[str, dict[str, ChannelDropouts]]:
    """Every share at once: one staged table of all members, one INSERT per bank table, one
    feature-store join for every campaign's deliveries (the deploy's drop-out rules). A
    campaign that names a push event type joins its own opt-outs: it goes the deploy's way,
    on its own."""
    plans = {sh.campaign.camp_cd: _plan_of(db, sh.campaign) for sh in shares}
    alone = [
        sh for sh in shares
        if plans[sh.campaign.camp_cd].push_event_type
        and "push" in plans[sh.campaign.camp_cd].channels
    ]  # fmt: skip
    together = [sh for sh in shares if sh not in alone and len(sh.target) + len(sh.control)]
    result = {
        sh.campaign.camp_cd: _write_share(db, day, sh, now, username, dry_run) for sh in alone
    }
    for sh in shares:
        if sh not in alone and sh not in together:  # an empty share: nothing to write
            result[sh.campaign.camp_cd] = {
                c: ChannelDropouts(eligible=0, dropped=0, reasons={})
                for c in plans[sh.campaign.camp_cd].channels
            }
    if together:
        result.update(_write_together(db, day, together, plans, now, dry_run))
    if not dry_run:
        for sh in together:
            _count_and_record(db, day, sh, now, username)
        _index(db, day, shares)
    return result


def _index(db: Session, day: date, shares: list[Share]) -> None:
    """The audience engine's indexes follow the new members in the same transaction: each
    group's member bits, and the targets' latest contacts."""
    written = [sh for sh in shares if len(sh.target) + len(sh.control)]
    if not written:
        return
    data = pa.table(
        {
            "camp_cd": pa.concat_arrays(
                [
                    pa.array([sh.campaign.camp_cd] * (len(sh.target) + len(sh.control)))
                    for sh in written
                ]
            ),
            "iin": pa.concat_arrays([pa.concat_arrays([sh.target, sh.control]) for sh in written]),
            "grp": pa.concat_arrays(
                [pa.array(["t"] * len(sh.target) + ["c"] * len(sh.control)) for sh in written]
            ),
        }
    )
    with staged(db.connection(), data) as members:
        groups = [
            (sh.campaign.camp_cd, group, name)
            for sh in written
            for group, name in (("t", "local_target"), ("c", "local_control"))
        ]
        member_index.add_members_of_groups(db, members, groups, day)
        contact_index.refresh(db, sa.select(members.c.iin).where(members.c.grp == "t"))


def _write_together(
    db: Session,
    day: date,
    shares: list[Share],
    plans: dict[str, deploy.Plan],
    now: datetime,
    dry_run: bool,
) -> dict[str, dict[str, ChannelDropouts]]:
    conn = db.connection()
    codes, iins, groups = [], [], []
    for sh in shares:  # in (camp_cd, iin) order: the keys grow at their end
        for group, members in (("t", sh.target), ("c", sh.control)):
            codes.append(pa.repeat(sh.campaign.camp_cd, len(members)))
            iins.append(members)
            groups.append(pa.repeat(group, len(members)))
    data = pa.table(
        {
            "camp_cd": pa.concat_arrays([pa.array(c, pa.string()) for c in codes]),
            "iin": pa.concat_arrays(iins),
            "grp": pa.concat_arrays([pa.array(g, pa.string()) for g in groups]),
        }
    )
    channels = sorted({c for p in plans.values() for c in p.channels if p.code in
                       {sh.campaign.camp_cd for sh in shares}})  # fmt: skip
    src = deploy.sources(db, channels, None)
    with staged(conn, data) as members:

        def per_campaign(attribute: str, kind: sa.types.TypeEngine[Any]) -> sa.ColumnElement[Any]:
            return sa.case(
                *(
                    (members.c.camp_cd == sh.campaign.camp_cd,
                     sa.literal(getattr(plans[sh.campaign.camp_cd], attribute), kind))
                    for sh in shares
                )
            )  # fmt: skip

        stream = per_campaign("stream", sa.String())
        start, end = per_campaign("start_date", sa.Date()), per_campaign("end_date", sa.Date())
        if not dry_run:
            for table, group in ((local_target, "t"), (local_control, "c")):
                conn.execute(
                    sa.insert(table).from_select(
                        ["camp_cd", "iin", "stream", "start_date", "end_date", "created_at"],
                        sa.select(
                            members.c.camp_cd, members.c.iin, stream, start, end,
                            sa.literal(now, sa.DateTime),
                        ).where(members.c.grp == group),
                    )
                )  # fmt: skip
        fs = src.feature_store
        t = sa.select(members.c.camp_cd, members.c.iin).where(members.c.grp == "t").subquery("t")
        reach: sa.Select[Any]
        if fs is None:
            reach = sa.select(
                t.c.camp_cd, t.c.iin, sa.null().label("p_sid"),
                sa.null().label("phone"), sa.null().label("push_reason"),
                sa.null().label("sms_reason"),
            )  # fmt: skip
        else:
            in_store = fs.c.iin.is_not(None)
            reach = sa.select(
                t.c.camp_cd,
                t.c.iin,
                fs.c.p_sid,
                fs.c.phone,
                push_reason(in_store, fs.c.p_sid, fs.c.push_enabled, None).label("push_reason"),
                sms_reason(in_store, fs.c.phone).label("sms_reason"),
            ).select_from(t.outerjoin(fs, fs.c.iin == t.c.iin))
        with deploy.materialized(conn, reach) as rows:
            expected = sum(len(sh.target) for sh in shares)
            joined = conn.execute(sa.select(sa.func.count()).select_from(rows)).scalar_one()
            if joined != expected:
                raise Conflict(
                    f"the feature store holds {joined - expected} pool rows more than once, "
                    "so the delivery list (fd_rb2_campaigns_users) would repeat them",
                    code="distribution.duplicate_features",
                )
            dropouts = _dropouts(conn, rows, shares, plans)
            if not dry_run:
                _deliver_together(conn, rows, shares, plans, channels, day, now)
    return dropouts


def _dropouts(
    conn: sa.Connection, rows: sa.TableClause, shares: list[Share], plans: dict[str, deploy.Plan]
) -> dict[str, dict[str, ChannelDropouts]]:
    counted = conn.execute(
        sa.select(rows.c.camp_cd, rows.c.push_reason, rows.c.sms_reason, sa.func.count()).group_by(
            rows.c.camp_cd, rows.c.push_reason, rows.c.sms_reason
        )
    ).all()
    out: dict[str, dict[str, ChannelDropouts]] = {}
    for sh in shares:
        code = sh.campaign.camp_cd
        mine = [r for r in counted if r[0] == code]
        total = sum(int(r[3]) for r in mine)
        report = {}
        for channel in plans[code].channels:
            reasons: dict[str, int] = {}
            if channel in ("push", "sms"):
                at = 1 if channel == "push" else 2
                for r in mine:
                    if r[at] is not None:
                        reasons[r[at]] = reasons.get(r[at], 0) + int(r[3])
            dropped = sum(reasons.values())
            report[channel] = ChannelDropouts(
                eligible=total - dropped, dropped=dropped, reasons=reasons
            )
        out[code] = report
    return out


def _deliver_together(
    conn: sa.Connection,
    rows: sa.TableClause,
    shares: list[Share],
    plans: dict[str, deploy.Plan],
    channels: list[str],
    day: date,
    now: datetime,
) -> None:
    def per_campaign(attribute: str, kind: sa.types.TypeEngine[Any]) -> sa.ColumnElement[Any]:
        return sa.case(
            *(
                (rows.c.camp_cd == sh.campaign.camp_cd,
                 sa.literal(getattr(plans[sh.campaign.camp_cd], attribute), kind))
                for sh in shares
            )
        )  # fmt: skip

    stream = per_campaign("stream", sa.String())
    start, end = per_campaign("start_date", sa.Date()), per_campaign("end_date", sa.Date())
    deliveries, contacts = [], []
    for channel in channels:
        taking = [
            sh.campaign.camp_cd for sh in shares if channel in plans[sh.campaign.camp_cd].channels
        ]
        keep = sa.and_(
            rows.c.camp_cd.in_(taking),
            {"push": rows.c.push_reason.is_(None), "sms": rows.c.sms_reason.is_(None)}.get(
                channel, sa.true()
            ),
        )
        value = sa.literal(channel, sa.String).label("channel")
        deliveries.append(
            sa.select(
                rows.c.camp_cd, rows.c.iin, value, rows.c.p_sid, rows.c.phone, stream, start, end,
                sa.literal(now, sa.DateTime),
            ).where(keep)
        )  # fmt: skip
        contacts.append(
            sa.select(rows.c.iin, rows.c.camp_cd, stream, value, sa.literal(day, sa.Date)).where(
                keep
            )
        )
    delivery = sa.union_all(*deliveries).subquery("delivery")
    conn.execute(
        sa.insert(campaign_users).from_select(
            ["camp_cd", "iin", "channel", "p_sid", "phone", "stream", "start_date", "end_date",
             "created_at"],
            sa.select(*delivery.c).order_by(
                deploy.bytewise(conn, delivery.c.camp_cd), deploy.bytewise(conn, delivery.c.iin),
                deploy.bytewise(conn, delivery.c.channel),
            ),
        )
    )  # fmt: skip
    contact = sa.union_all(*contacts).subquery("contact")
    conn.execute(
        sa.insert(contact_history).from_select(
            ["iin", "camp_cd", "stream", "channel", "contact_date"],
            sa.select(*contact.c).order_by(
                deploy.bytewise(conn, contact.c.iin), deploy.bytewise(conn, contact.c.channel)
            ),
        )
    )


def done_run(db: Session, day: date) -> DistributionRun | None:
    return db.scalars(
        sa.select(DistributionRun).where(
            DistributionRun.day == day, DistributionRun.status == RunStatus.DONE.value
        )
    ).first()


def lock(db: Session) -> None:
    """PostgreSQL: one distribution at a time across every app instance, until this
    transaction ends."""
    if db.get_bind().dialect.name == "postgresql":
        db.execute(sa.select(sa.func.pg_advisory_xact_lock(ADVISORY_LOCK_KEY)))


def run_day(
    db: Session,
    day: date,
    *,
    dry_run: bool = False,
    trigger: RunTrigger = RunTrigger.MANUAL,
    username: str | None = None,
) -> DistributionReport:
    """Distributes `day` in the session's transaction (the caller commits), or reports what it
    would do (dry run). A done day is a no-op that says so."""
    started = time.perf_counter()
    started_at = utcnow()
    if not dry_run:
        lock(db)
    existing = done_run(db, day)
    if existing is not None:
        return DistributionReport(
            day=day,
            status=RunStatus.ALREADY_DONE,
            run_id=existing.id,
            pool_size=existing.pool_size,
            distributed=existing.distributed,
            campaigns=[],
            undistributed=existing.undistributed or {},
            seconds=round(time.perf_counter() - started, 3),
        )
    deploy.roomy(db.connection())
    pool, shares, undistributed = plan_day(db, day)
    now = utcnow()
    out = []
    written = _write_shares(db, day, shares, now, username, dry_run)
    for share in shares:
        channels = written[share.campaign.camp_cd]
        out.append(
            CampaignShare(
                code=share.campaign.camp_cd,
                name=share.campaign.camp_name,
                target=len(share.target),
                control=len(share.control),
                channels=channels,
            )
        )
    report = DistributionReport(
        day=day,
        status=RunStatus.DRY_RUN if dry_run else RunStatus.DONE,
        run_id=None,
        pool_size=len(pool),
        distributed=sum(c.target + c.control for c in out),
        campaigns=out,
        undistributed=undistributed,
        seconds=0.0,
    )
    report.seconds = round(time.perf_counter() - started, 3)
    if not dry_run:
        report.written_at = now
        run = _run_row(day, report, trigger, username, started_at)
        db.add(run)
        db.flush()
        report.run_id = run.id
    return report


def _run_row(
    day: date,
    report: DistributionReport,
    trigger: RunTrigger,
    username: str | None,
    started_at: datetime,
    error: str | None = None,
) -> DistributionRun:
    return DistributionRun(
        id=str(uuid.uuid4()),
        day=day,
        status=report.status.value,
        trigger=trigger.value,
        username=username,
        started_at=started_at,
        finished_at=utcnow(),
        seconds=report.seconds,
        pool_size=report.pool_size,
        distributed=report.distributed,
        campaigns={c.code: {"target": c.target, "control": c.control} for c in report.campaigns},
        undistributed=report.undistributed,
        error=error,
    )


def distribute(
    factory: sessionmaker[Session],
    day: date,
    *,
    dry_run: bool = False,
    trigger: RunTrigger = RunTrigger.MANUAL,
    username: str | None = None,
    after_commit: Callable[[DistributionReport], None] | None = None,
    on_failure: Callable[[date, str], None] | None = None,
) -> DistributionReport:
    """One day in a transaction of its own, committed here. A failure rolls everything back
    and is kept as a `failed` run (with its error) before it is raised again. `after_commit`
    (the report mail) follows a done run, `on_failure` a failed one; neither can fail it."""
    started_at = utcnow()
    started = time.perf_counter()
    with _process_lock:
        try:
            with factory.begin() as db:
                report = run_day(db, day, dry_run=dry_run, trigger=trigger, username=username)
        except Exception as exc:
            if not dry_run:
                detail = _record_failure(factory, day, trigger, username, started_at, started, exc)
                _quietly(on_failure, day, detail)
            raise
    log.info(
        "distribution",
        day=day.isoformat(),
        status=report.status.value,
        pool=report.pool_size,
        distributed=report.distributed,
        seconds=report.seconds,
    )
    if report.status is RunStatus.DONE:
        metrics.DISTRIBUTION_LAST_SUCCESS.set_to_current_time()
        _quietly(after_commit, report)
    return report


def _quietly(hook: Callable[..., None] | None, *args: Any) -> None:
    """Side effects after the work (mail): logged when they fail, never raised."""
    if hook is None:
        return
    try:
        hook(*args)
    except Exception:
        log.exception("distribution follow-up failed")


def _record_failure(
    factory: sessionmaker[Session],
    day: date,
    trigger: RunTrigger,
    username: str | None,
    started_at: datetime,
    started: float,
    exc: Exception,
) -> str:
    detail = exc.detail if isinstance(exc, DQError) else f"{type(exc).__name__}: {exc}"
    log.error("distribution failed", day=day.isoformat(), error=detail[:500])
    failed = DistributionReport(
        day=day,
        status=RunStatus.FAILED,
        run_id=None,
        pool_size=0,
        distributed=0,
        campaigns=[],
        undistributed={},
        seconds=round(time.perf_counter() - started, 3),
    )
    with factory.begin() as db:
        db.add(_run_row(day, failed, trigger, username, started_at, error=detail[:4000]))
    return detail


# Catching up ---------------------------------------------------------------------------------


def last_done_day(db: Session) -> date | None:
    return db.scalar(
        sa.select(sa.func.max(DistributionRun.day)).where(
            DistributionRun.status == RunStatus.DONE.value
        )
    )


def due_days(last_done: date | None, today: date, today_due: bool, limit: int) -> list[date]:
    """The days to run now, in order: those after the last done day up to today (if its run
    time has passed) or yesterday, at most `limit` back; with no run ever, only today."""
    if last_done is None:
        return [today] if today_due else []
    until = today if today_due else today - timedelta(days=1)
    first = max(last_done + timedelta(days=1), until - timedelta(days=limit - 1))
    days = []
    day = first
    while day <= until:
        days.append(day)
        day += timedelta(days=1)
    return days


def run_due(
    factory: sessionmaker[Session],
    today: date,
    today_due: bool,
    limit: int,
    trigger: RunTrigger,
    after_commit: Callable[[DistributionReport], None] | None = None,
    on_failure: Callable[[date, str], None] | None = None,
) -> list[DistributionReport]:
    """Every due day in order; a failed day stops the catch-up (the next start tries again).
    Without a loaded pool there is nothing to run: no day is marked, so once the pool is
    loaded the next start or 09:00 runs the days it has."""
    with factory() as db:
        last = last_done_day(db)
        if db.scalar(sa.select(Dataset.name).where(Dataset.name == POOL_DATASET)) is None:
            log.warning("distribution skipped: the pool is not loaded", dataset=POOL_DATASET)
            return []
    reports = []
    for day in due_days(last, today, today_due, limit):
        try:
            reports.append(
                distribute(
                    factory, day, trigger=trigger, after_commit=after_commit, on_failure=on_failure
                )
            )
        except Exception:  # recorded as a failed run; the days after wait for it
            break
    return reports


def history(db: Session, limit: int = 60) -> list[DistributionRun]:
    return list(
        db.scalars(
            sa.select(DistributionRun)
            .order_by(DistributionRun.day.desc(), DistributionRun.started_at.desc())
            .limit(limit)
        )
    )


def summary_of(run: DistributionRun) -> dict[str, Any]:
    return {"day": run.day.isoformat(), "status": run.status, "distributed": run.distributed}
