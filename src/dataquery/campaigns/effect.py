"""The effect of a deployed campaign on an outcome: each arm against the control group.

An outcome is a catalog dataset of category `outcome` (iin, event_date, optional numeric
value), or the built-in `products` (products.opened_date; the campaign's product only when it
names one). The members are the deployed ones: mb21 (control) and mb22 (target; split into
arms by the stored experiment design when it has more than one). One query reads every member
with their post-period (start .. start + days) and pre-period (the same length before the
start) outcome; the statistics are `dataquery.sampling.effect`.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa
from sqlalchemy.orm import Session

from dataquery.bank.tables import CampaignDict
from dataquery.campaigns import experiment, service
from dataquery.campaigns.experiment import recompute
from dataquery.campaigns.schemas import (
    ArmEffect,
    CampaignStatus,
    CurrentBalance,
    DailyCurve,
    EffectGroup,
    EffectOut,
    LiftOut,
    OutcomeOption,
)
from dataquery.core.bulk import fetch_arrow
from dataquery.core.errors import Conflict, InvalidInput
from dataquery.core.problems import problem
from dataquery.datasets.models import Dataset, DatasetCategory
from dataquery.sampling.effect import Lift, compare_means, cuped, roi, two_proportions

BUILT_IN_PRODUCTS = "products"
_NUMERIC_TYPES = ("double", "float", "int", "decimal", "uint")


def outcome_options(db: Session) -> list[OutcomeOption]:
    """The outcomes an effect can be measured on: the built-in products, then the catalog's."""
    options = []
    if db.get(Dataset, BUILT_IN_PRODUCTS) is not None:
        options.append(OutcomeOption(name=BUILT_IN_PRODUCTS, built_in=True, has_value=False))
    for dataset in db.scalars(
        sa.select(Dataset)
        .where(Dataset.category == DatasetCategory.OUTCOME.value)
        .order_by(Dataset.name)
    ):
        columns = {str(c.get("name")): str(c.get("type", "")) for c in dataset.columns or []}
        options.append(
            OutcomeOption(
                name=dataset.name,
                built_in=False,
                has_value=_is_numeric(columns.get("value")),
                description=dataset.description,
                rows=dataset.row_count,
            )
        )
    return options


def _is_numeric(kind: str | None) -> bool:
    return kind is not None and kind.lower().startswith(_NUMERIC_TYPES)


def _unknown_outcome(name: str) -> InvalidInput:
    return InvalidInput(
        f"there is no outcome dataset {name!r}",
        code="effect.unknown_outcome",
        params={"name": name},
        errors=[
            problem("outcome", code="effect.unknown_outcome", message="not an outcome", name=name)
        ],
    )


def _events(
    db: Session, outcome: str, campaign: CampaignDict
) -> tuple[sa.TableClause, Any, Any, bool]:
    """The outcome's table, its date and value expressions, and whether it has values."""
    dataset = db.get(Dataset, outcome)
    if dataset is None:
        raise _unknown_outcome(outcome)
    if outcome == BUILT_IN_PRODUCTS and dataset.category == DatasetCategory.PRODUCT.value:
        table = sa.table(
            dataset.table_name,
            sa.column("iin", sa.String()),
            sa.column("opened_date", sa.Date()),
            sa.column("product_code", sa.String()),
        )
        return table, table.c.opened_date, None, False
    if dataset.category != DatasetCategory.OUTCOME.value:
        raise _unknown_outcome(outcome)
    columns = {str(c.get("name")): str(c.get("type", "")) for c in dataset.columns or []}
    if "iin" not in columns or "event_date" not in columns:
        raise InvalidInput(
            f"outcome {outcome!r} lacks iin or event_date",
            code="effect.outcome_columns",
            params={"name": outcome},
        )
    has_value = _is_numeric(columns.get("value"))
    table = sa.table(
        dataset.table_name,
        sa.column("iin", sa.String()),
        sa.column("event_date", sa.Date()),
        *([sa.column("value", sa.Float())] if has_value else []),
    )
    return table, table.c.event_date, table.c.value if has_value else None, has_value


def _read(
    db: Session,
    campaign: CampaignDict,
    members: sa.Subquery,
    outcome: str,
    start: date,
    end: date,
    pre_start: date,
) -> tuple[pa.Table, bool]:
    table, event_date, value, has_value = _events(db, outcome, campaign)
    post = sa.and_(event_date >= start, event_date < end)
    pre = sa.and_(event_date >= pre_start, event_date < start)
    amount = sa.func.coalesce(sa.cast(value, sa.Float()), 0.0) if value is not None else None
    where = [event_date >= pre_start, event_date < end]
    if outcome == BUILT_IN_PRODUCTS and campaign.product_code:
        where.append(table.c.product_code == campaign.product_code)
    events = (
        sa.select(
            table.c.iin.label("iin"),
            sa.func.max(sa.case((post, 1), else_=0)).label("post_conv"),
            sa.func.max(sa.case((pre, 1), else_=0)).label("pre_conv"),
            sa.func.min(sa.case((post, event_date), else_=None)).label("first_post"),
            *(
                [
                    sa.func.sum(sa.case((post, amount), else_=0.0)).label("post_value"),
                    sa.func.sum(sa.case((pre, amount), else_=0.0)).label("pre_value"),
                ]
                if amount is not None
                else []
            ),
        )
        .where(*where)
        .group_by(table.c.iin)
        .subquery("events")
    )
    query = sa.select(
        members.c.iin,
        members.c.grp,
        sa.func.coalesce(events.c.post_conv, 0).label("post_conv"),
        sa.func.coalesce(events.c.pre_conv, 0).label("pre_conv"),
        events.c.first_post,
        *(
            [
                sa.func.coalesce(events.c.post_value, 0.0).label("post_value"),
                sa.func.coalesce(events.c.pre_value, 0.0).label("pre_value"),
            ]
            if has_value
            else []
        ),
    ).select_from(members.outerjoin(events, events.c.iin == members.c.iin))
    schema = pa.schema(
        [
            ("iin", pa.string()),
            ("grp", pa.int64()),
            ("post_conv", pa.int64()),
            ("pre_conv", pa.int64()),
            ("first_post", pa.date32()),
            *([("post_value", pa.float64()), ("pre_value", pa.float64())] if has_value else []),
        ]
    )
    return fetch_arrow(db.connection(), query, schema), has_value


def members_of(db: Session, campaign: CampaignDict) -> tuple[sa.Subquery, CampaignDict | None]:
    """Who is compared: the campaign's mb21 (group 0) and mb22 (group 1); for an experiment of
    arm campaigns (its lead returned too), the lead's mb21 and each arm's mb22 under its group,
    the same whichever of its campaigns is asked."""
    lead = service.experiment_lead(db, campaign.camp_cd)
    if lead is None:
        return experiment.member_groups(campaign.camp_cd, [(1, campaign.camp_cd)]), None
    arms = [(a.group, a.campaign.camp_cd) for a in service.arms_of(db, lead) if a.campaign]
    return experiment.member_groups(lead.camp_cd, arms), lead


def _group_names(db: Session, lead: CampaignDict) -> list[str]:
    stored = service.get_detail(db, lead.camp_cd).experiment or {}
    return [str(g["name"]) for g in stored.get("groups", [])]


def _arms(
    db: Session, campaign: CampaignDict, rows: pa.Table
) -> tuple[npt.NDArray[np.int64], list[str]]:
    """Group per member (0 control, 1.. arms) and the groups' names. A multi-arm design splits
    the target by its kept salt; target members it does not place in an arm (added by hand,
    or moved by a feature-store refresh) are left out (-1): they were not randomised."""
    groups = rows.column("grp").to_numpy(zero_copy_only=False).astype(np.int64)
    stored = service.get_detail(db, campaign.camp_cd).experiment
    if stored is None:
        return groups, ["control", "target"]
    names = [str(g["name"]) for g in stored["groups"]]
    if len(names) <= 2 or not campaign.audience_id:
        return groups, names[:2]
    iins, assigned = recompute(
        db.connection(), campaign.audience_id, campaign.split_seed, stored, service.today()
    )
    if len(iins) == 0:
        return groups, names
    position = pc.index_in(rows.column("iin"), value_set=iins)
    found = position.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    arm = np.where(found >= 0, assigned[np.maximum(found, 0)], -1)
    target = groups == 1
    groups = np.where(target, np.where(arm >= 1, arm, -1), 0)
    return groups, names


def _lift(lift: Lift) -> LiftOut:
    def f(value: Any) -> float:
        number = float(value)
        return number if np.isfinite(number) else 0.0

    return LiftOut(
        control=f(lift.control),
        treatment=f(lift.treatment),
        absolute=f(lift.absolute),
        absolute_low=f(lift.absolute_low),
        absolute_high=f(lift.absolute_high),
        relative=f(lift.relative),
        relative_low=f(lift.relative_low),
        relative_high=f(lift.relative_high),
        p_value=f(lift.p_value),
        significant=bool(float(lift.p_value) < 0.05),
    )


def effect(
    db: Session,
    code: str,
    outcome: str,
    days: int,
    cost_per_contact: float | None = None,
) -> EffectOut:
    campaign = service.get_campaign(db, code)
    if campaign.status in (CampaignStatus.DRAFT, CampaignStatus.CANCELLED):
        raise Conflict(
            f"campaign {code} is {campaign.status}: it has no deployed groups to compare",
            code="effect.not_deployed",
            params={"campaign": code, "status": campaign.status},
        )
    if cost_per_contact is None:
        # The campaign's own cost unless the request asks about another one.
        cost_per_contact = service.get_detail(db, code).cost_per_contact
    start = campaign.start_date
    today = service.today()
    # The window is the asked one even when it reaches past today (then its last days have no
    # events yet; `observed_days` says how many have passed): synthetic outcomes may lie ahead.
    observed = max(0, min(days, (today - start).days + 1))
    end = start + timedelta(days=days)
    pre_start = start - timedelta(days=days)
    members, lead = members_of(db, campaign)
    rows, has_value = _read(db, campaign, members, outcome, start, end, pre_start)
    if lead is None:
        groups, names = _arms(db, campaign, rows)
    else:
        groups = rows.column("grp").to_numpy(zero_copy_only=False).astype(np.int64)
        names = _group_names(db, lead)
    post_conv = rows.column("post_conv").to_numpy(zero_copy_only=False).astype(np.float64)
    pre_conv = rows.column("pre_conv").to_numpy(zero_copy_only=False).astype(np.float64)
    post_value = pre_value = None
    if has_value:
        post_value = rows.column("post_value").to_numpy(zero_copy_only=False).astype(np.float64)
        pre_value = rows.column("pre_value").to_numpy(zero_copy_only=False).astype(np.float64)
    first = rows.column("first_post")
    first_day = (
        pc.cast(first, pa.int32()).fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    )
    start_day = (start - date(1970, 1, 1)).days
    offset = np.where(first_day >= 0, first_day - start_day, -1)

    placed = groups >= 0
    conv_cuped = cuped(post_conv[placed], pre_conv[placed])
    adjusted_conv = np.zeros_like(post_conv)
    adjusted_conv[placed] = conv_cuped.adjusted
    value_cuped = None
    adjusted_value = None
    if post_value is not None and pre_value is not None:
        value_cuped = cuped(post_value[placed], pre_value[placed])
        adjusted_value = np.zeros_like(post_value)
        adjusted_value[placed] = value_cuped.adjusted

    group_rows: list[EffectGroup] = []
    daily: list[DailyCurve] = []
    for index, name in enumerate(names):
        mask = groups == index
        size = int(mask.sum())
        converted = int(post_conv[mask].sum())
        group_rows.append(
            EffectGroup(
                index=index,
                name=name,
                members=size,
                converted=converted,
                conversion_rate=converted / size if size else 0.0,
                mean_value=float(post_value[mask].mean())
                if post_value is not None and size
                else None,
            )
        )
        counts = np.bincount(offset[mask & (offset >= 0)], minlength=days)[:days]
        cumulative = np.cumsum(counts) / size if size else np.zeros(days)
        daily.append(DailyCurve(index=index, name=name, cumulative_rate=cumulative.tolist()))

    arms: list[ArmEffect] = []
    control = group_rows[0]
    for arm in group_rows[1:]:
        conversion = two_proportions(arm.converted, arm.members, control.converted, control.members)
        value_lift = value_lift_cuped = None
        if post_value is not None and adjusted_value is not None:
            value_lift = _lift(compare_means(post_value, groups, arm.index))
            value_lift_cuped = _lift(compare_means(adjusted_value, groups, arm.index))
        arm_roi = None
        if cost_per_contact and value_lift is not None and arm.members:
            arm_roi = roi(value_lift.absolute, arm.members, cost_per_contact)
        arms.append(
            ArmEffect(
                index=arm.index,
                name=arm.name,
                conversion=_lift(conversion),
                conversion_cuped=_lift(compare_means(adjusted_conv, groups, arm.index)),
                value=value_lift,
                value_cuped=value_lift_cuped,
                roi=arm_roi,
            )
        )
    return EffectOut(
        code=campaign.camp_cd,
        outcome=outcome,
        days=days,
        observed_days=observed,
        window_start=start,
        window_end=end - timedelta(days=1),
        pre_start=pre_start,
        has_value=has_value,
        cost_per_contact=cost_per_contact,
        groups=group_rows,
        arms=arms,
        variance_reduction_conversion=conv_cuped.variance_reduction,
        variance_reduction_value=value_cuped.variance_reduction if value_cuped else None,
        unplaced=int((~placed).sum()),
        dates=[(start + timedelta(days=d)).isoformat() for d in range(days)],
        daily=daily,
    )


def current_balance(db: Session, code: str) -> CurrentBalance:
    """The balance check re-run on the deployed campaign's current members (members added or
    removed by hand since the deploy included): mb21 against the arms of mb22."""
    campaign = service.get_campaign(db, code)
    if campaign.status in (CampaignStatus.DRAFT, CampaignStatus.CANCELLED):
        raise Conflict(
            f"campaign {code} is {campaign.status}: it has no deployed groups to compare",
            code="effect.not_deployed",
            params={"campaign": code, "status": campaign.status},
        )
    members, lead = members_of(db, campaign)
    stored = service.get_detail(db, (lead or campaign).camp_cd).experiment
    if stored is not None:
        names = [str(g["name"]) for g in stored["groups"]]
        shares = [float(g["share"]) for g in stored["groups"]]
    else:
        share = float(campaign.control_share)
        names, shares = ["control", "target"], [share, 1 - share]

    def arms(iins: pa.Array, groups: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        if lead is not None:
            return groups  # each arm's campaign holds its arm
        placed, _ = _arms(db, campaign, pa.table({"iin": iins, "grp": groups}))
        return placed

    if len(names) > 2 and not campaign.audience_id and lead is None:
        names, shares = [*names[:1], "target"], [shares[0], 1 - shares[0]]
    result = experiment.current_balance(
        db.connection(), members, arms, names, shares, service.today()
    )
    return CurrentBalance.model_validate(result)
