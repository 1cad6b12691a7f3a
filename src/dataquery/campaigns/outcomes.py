"""Synthetic outcomes of a deployed campaign, with a planted effect (`dataquery demo outcomes`).

Every member of the campaign (mb21 control, mb22 target; an experiment of arm campaigns: the
shared control and every arm, the lift for the asked campaign's arm) gets a habit h
(lognormal, mean 1), the same in both periods, so the pre-period predicts the post-period as
real behaviour does:

* pre-period [start − days, start): converts with probability base · h;
* post-period [start, start + days): base · h, plus `lift` (absolute) for the target;
* each conversion has a value (KZT, lognormal around 25 000 · h) and a day uniform in its
  period.

Written as Parquet (iin, event_date, value) and registered in the catalog as the dataset
`outcome_<code>` of category `outcome`, like every other dataset. Deterministic for a seed.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import sqlalchemy as sa
from sqlalchemy.orm import Session

from dataquery.campaigns import service
from dataquery.campaigns.effect import members_of
from dataquery.campaigns.schemas import CampaignStatus
from dataquery.core.bulk import fetch_arrow
from dataquery.core.errors import Conflict, InvalidInput
from dataquery.datasets.catalog import DatasetSpec
from dataquery.datasets.models import Dataset, DatasetCategory
from dataquery.datasets.service import load_dataset

BASE_RATE = 0.08
MEAN_VALUE = 25_000.0
OUTCOME_SCHEMA = pa.schema(
    [("iin", pa.string()), ("event_date", pa.date32()), ("value", pa.float64())]
)


def outcome_name(code: str) -> str:
    return f"outcome_{code.lower()}"


def synthetic_outcomes(
    iins: pa.Array,
    target: np.ndarray,
    start: date,
    days: int,
    lift: float,
    seed: int,
    base_rate: float = BASE_RATE,
) -> pa.Table:
    """The outcome rows of the members (pure: numpy and Arrow in memory)."""
    if not 0 <= base_rate + lift <= 1:
        raise ValueError("base_rate + lift must be within 0..1")
    rng = np.random.default_rng(seed)
    n = len(iins)
    habit = rng.lognormal(-0.18, 0.6, n)  # mean ≈ 1
    p = np.clip(base_rate * habit, 0, 1)
    pre = rng.random(n) < p
    post = rng.random(n) < np.clip(p + lift * target, 0, 1)
    day0 = (start - date(1970, 1, 1)).days
    pre_days = day0 - days + rng.integers(0, days, n)
    post_days = day0 + rng.integers(0, days, n)
    values = np.round(MEAN_VALUE * habit * rng.lognormal(-0.08, 0.4, (2, n)), 2)
    which = np.r_[np.flatnonzero(pre), np.flatnonzero(post)]
    dates = np.r_[pre_days[pre], post_days[post]].astype(np.int32)
    amounts = np.r_[values[0][pre], values[1][post]]
    order = np.argsort(which, kind="stable")
    return pa.table(
        {
            "iin": iins.take(pa.array(which[order])),
            "event_date": pa.array(dates[order], pa.int32()).cast(pa.date32()),
            "value": pa.array(amounts[order], pa.float64()),
        },
        schema=OUTCOME_SCHEMA,
    )


def plant(db: Session, code: str, lift: float, days: int, seed: int, out_dir: Path) -> Dataset:
    """Writes and registers the synthetic outcome of campaign `code` (deployed)."""
    campaign = service.get_campaign(db, code)
    if campaign.status in (CampaignStatus.DRAFT, CampaignStatus.CANCELLED):
        raise Conflict(
            f"campaign {code} is {campaign.status}: it has no deployed members",
            code="effect.not_deployed",
            params={"campaign": code, "status": campaign.status},
        )
    if not 0 <= BASE_RATE + lift <= 1 or days < 1:
        raise InvalidInput(
            "lift must keep the conversion within 0..1 and days must be positive",
            code="effect.demo.bad_lift",
            params={"lift": lift, "days": days},
        )
    # An experiment of arm campaigns: all its members, the lift for this campaign's arm.
    members, lead = members_of(db, campaign)
    group = 1 if lead is None else service.get_detail(db, campaign.camp_cd).arm or 1
    rows = fetch_arrow(
        db.connection(),
        sa.select(members.c.iin, members.c.grp).order_by(members.c.iin),
        pa.schema([("iin", pa.string()), ("grp", pa.int64())]),
    )
    target = rows.column("grp").to_numpy(zero_copy_only=False) == group
    table = synthetic_outcomes(
        rows.column("iin").combine_chunks(),
        target.astype(np.int64),
        campaign.start_date,
        days,
        lift,
        seed,
    )
    name = outcome_name(campaign.camp_cd)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{name}.parquet"
    pq.write_table(table, path)
    spec = DatasetSpec(
        name,
        DatasetCategory.OUTCOME,
        f"Синтетический результат кампании {campaign.camp_cd}: "
        f"+{lift:.3f} к конверсии цели, {days} дн. (seed {seed})",
        name,
    )
    return load_dataset(db, spec, path)
