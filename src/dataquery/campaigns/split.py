"""A campaign's target/control split: seed + IIN → group (dataquery.sampling), over the saved
audience's IINs fetched as Arrow, and the sample-ratio check against the intended share."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from dataquery.audiences.models import audience_members
from dataquery.campaigns.experiment import recompute, to_out
from dataquery.campaigns.schemas import SplitResult
from dataquery.core.bulk import fetch_arrow
from dataquery.core.clock import bank_today
from dataquery.sampling.balance import sample_ratio
from dataquery.sampling.split import control_mask, iin_keys

IIN_SCHEMA = pa.schema([("iin", pa.string())])


@dataclass(frozen=True)
class Split:
    iins: pa.Array
    control: npt.NDArray[np.bool_]
    # An experiment's group per member (0 = control, 1.. = arms); None for the plain split.
    groups: npt.NDArray[np.int64] | None = field(default=None)

    @property
    def target_iins(self) -> pa.Array:
        return self.iins.filter(pa.array(~self.control))

    @property
    def control_iins(self) -> pa.Array:
        return self.iins.filter(pa.array(self.control))

    @property
    def control_size(self) -> int:
        return int(self.control.sum())

    @property
    def target_size(self) -> int:
        return len(self.iins) - self.control_size


def audience_iins(conn: Connection, audience_id: str) -> pa.Array:
    query = sa.select(audience_members.c.iin).where(audience_members.c.audience_id == audience_id)
    iins = fetch_arrow(conn, query, IIN_SCHEMA).column("iin").combine_chunks()
    # In IIN order, so the deploy writes every primary key and index sequentially. Sorted here:
    # Arrow compares bytes, PostgreSQL would compare by the database's collation (slower).
    return iins.take(pc.sort_indices(iins))


def split_audience(
    conn: Connection,
    audience_id: str,
    seed: int,
    control_share: float,
    experiment: dict[str, Any] | None = None,
    reference: date | None = None,
) -> Split:
    """The plain split by the seeded hash; with a stored experiment design, the kept salt of
    its re-randomised stratified split (group 0 is the control group)."""
    if experiment is not None:
        iins, groups = recompute(conn, audience_id, seed, experiment, reference or bank_today())
        return Split(iins, groups == 0, groups)
    iins = audience_iins(conn, audience_id)
    return split_iins(iins, seed, control_share)


def split_iins(iins: pa.Array, seed: int, control_share: float) -> Split:
    mask = (
        control_mask(seed, iin_keys(iins), control_share)
        if len(iins)
        else np.zeros(0, dtype=np.bool_)
    )
    return Split(iins, mask)


def split_result(
    target: int,
    control: int,
    control_share: float,
    source: str = "audience",
    experiment: dict[str, Any] | None = None,
) -> SplitResult:
    total = target + control
    ratio = sample_ratio([target, control], [1.0 - control_share, control_share])
    return SplitResult(
        target=target,
        control=control,
        control_share=control_share,
        observed_control_share=control / total if total else 0.0,
        chi2=ratio.chi2,
        srm_p_value=ratio.p_value,
        mismatch=ratio.mismatch,
        source=source,
        experiment=to_out(experiment) if experiment is not None else None,
    )
