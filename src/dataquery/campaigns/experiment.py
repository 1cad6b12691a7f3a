"""A campaign's experiment split: the saved audience's members with their balance covariates
read from the feature store in one query, the re-randomised stratified assignment and its
balance proof (`dataquery.sampling.experiment`), and the stored design a deploy recomputes.

The stored form (`dq_campaign_details.experiment`) is the design (groups with shares and
names, strata, rerandomize), the kept salt and the balance proof; a deploy computes the kept
salt's assignment only, so it writes exactly the groups the analyst saw (as long as the
feature store's strata columns did not change in between: a refresh may move members between
deciles, which re-deals their blocks but keeps the shares).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from dataquery.audiences.models import audience_members
from dataquery.bank.tables import local_control, local_target
from dataquery.campaigns.schemas import ExperimentOut, GroupShare, SplitDesign
from dataquery.core.bulk import fetch_arrow
from dataquery.core.db import utcnow
from dataquery.core.errors import Conflict, InvalidInput
from dataquery.core.problems import problem
from dataquery.datasets.models import Dataset
from dataquery.reference.models import Filial
from dataquery.sampling.experiment import (
    Covariates,
    assign,
    balance_proof,
    combine_strata,
    deciles,
)
from dataquery.sampling.split import iin_keys

CATEGORICAL_STRATA = ("age_band", "gender", "filial", "region", "device", "mau")
# Numeric feature-store columns checked for balance whenever the feature store has them.
BALANCE_NUMERIC = (
    "score_credit",
    "score_deposit",
    "score_travel",
    "score_insurance",
    "score_market",
    "balance_kzt",
    "txn_cnt_30d",
)
AGE_BANDS = (25, 35, 45, 55, 65)  # <25, 25–34, …, 65+
AGE_BAND_LABELS = ("<25", "25-34", "35-44", "45-54", "55-64", "65+")
_NUMERIC_TYPES = ("double", "float", "int", "decimal", "uint")


@dataclass(frozen=True)
class Members:
    iins: pa.Array
    covariates: Covariates
    strata_codes: dict[str, npt.NDArray[np.int64]]
    groups: npt.NDArray[np.int64] | None = None


def _feature_store(conn: Connection) -> tuple[str, dict[str, str]] | None:
    row = conn.execute(
        sa.select(Dataset.table_name, Dataset.columns).where(Dataset.name == "feature_store")
    ).first()
    if row is None:
        return None
    columns = {str(c.get("name")): str(c.get("type", "")).lower() for c in row[1] or []}
    return str(row[0]), columns


def numeric_columns(columns: dict[str, str]) -> set[str]:
    return {name for name, kind in columns.items() if kind.startswith(_NUMERIC_TYPES)}


def check_strata(conn: Connection, strata: Sequence[str], field: str = "strata") -> None:
    """422 naming every stratum that is neither a known categorical one nor a numeric column
    of the feature store; 409 when the feature store is not loaded."""
    store = _feature_store(conn)
    if store is None:
        raise Conflict(
            "the feature store (dataset feature_store) is not loaded: a stratified split reads "
            "its columns",
            code="split.feature_store_missing",
        )
    numeric = numeric_columns(store[1]) - {"iin"}
    unknown = [s for s in strata if s not in CATEGORICAL_STRATA and s not in numeric]
    if unknown:
        raise InvalidInput(
            f"unknown strata: {', '.join(unknown)}",
            code="split.unknown_strata",
            params={"names": ", ".join(unknown)},
            errors=[
                problem(
                    f"{field}.{list(strata).index(name)}",
                    code="split.unknown_stratum",
                    message=f"not a stratum: {name!r}",
                    name=name,
                    allowed=", ".join([*CATEGORICAL_STRATA, *sorted(numeric)]),
                )
                for name in unknown
            ],
        )


def _codes(values: pa.ChunkedArray | pa.Array) -> tuple[npt.NDArray[np.int64], list[str]]:
    """Dictionary codes of a text column (-1 = missing) and its labels, in sorted order."""
    text = pc.cast(values, pa.string())
    labels = sorted(str(v) for v in pc.unique(text.drop_null()).to_pylist())
    index = pc.index_in(text, value_set=pa.array(labels, pa.string()))
    return index.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64), labels


def _float(values: pa.ChunkedArray | pa.Array) -> npt.NDArray[np.float64]:
    return pc.cast(values, pa.float64()).fill_null(np.nan).to_numpy(zero_copy_only=False).copy()


def read_members(
    conn: Connection,
    audience_id: str | None,
    strata: Sequence[str],
    reference: date,
    source: sa.Subquery | None = None,
) -> Members:
    """The audience's members (in IIN order) with every balance covariate, in one query.
    `source` (columns iin and grp) instead of the audience: a deployed campaign's members,
    whose groups come back as `Members.groups`."""
    store = _feature_store(conn)
    if store is None:
        raise Conflict(
            "the feature store (dataset feature_store) is not loaded: a stratified split reads "
            "its columns",
            code="split.feature_store_missing",
        )
    table_name, columns = store
    numeric = numeric_columns(columns)
    wanted_numeric = [c for c in BALANCE_NUMERIC if c in numeric]
    wanted_numeric += [s for s in strata if s in numeric and s not in wanted_numeric]
    profile = [
        c for c in ("birth_date", "gender", "filial_code", "device_os", "is_mau") if c in columns
    ]
    fs = sa.table(
        table_name,
        sa.column("iin", sa.String()),
        *(sa.column(c) for c in profile),
        *(sa.column(c, sa.Float()) for c in wanted_numeric),
    )
    filials = Filial.__table__
    if source is not None:
        members: Any = source
        where: Any = sa.true()
        extra = [members.c.grp]
    else:
        members = audience_members.alias("m")
        where = members.c.audience_id == audience_id
        extra = []
    query = (
        sa.select(
            members.c.iin,
            *extra,
            # Booleans as 0/1: PostgreSQL's COPY writes them as t/f.
            *(
                sa.cast(fs.c[c], sa.Integer()).label(c) if c == "is_mau" else fs.c[c]
                for c in profile
            ),
            *(sa.cast(fs.c[c], sa.Float()).label(c) for c in wanted_numeric),
            filials.c.region.label("region"),
        )
        .select_from(members)
        .outerjoin(fs, fs.c.iin == members.c.iin)
        .where(where)
    )
    if "filial_code" in profile:
        query = query.outerjoin(filials, filials.c.code == fs.c.filial_code)
    else:
        query = query.outerjoin(filials, sa.false())
    types: dict[str, pa.DataType] = {
        "birth_date": pa.date32(),
        "gender": pa.string(),
        "filial_code": pa.string(),
        "device_os": pa.string(),
        "is_mau": pa.int8(),
    }
    schema = pa.schema(
        [("iin", pa.string())]
        + ([("grp", pa.int64())] if extra else [])
        + [(c, types[c]) for c in profile]
        + [(c, pa.float64()) for c in wanted_numeric]
        + [("region", pa.string())]
    )
    rows = fetch_arrow(conn, query, schema)
    rows = rows.take(pc.sort_indices(rows.column("iin")))
    n = rows.num_rows

    numeric_values: dict[str, npt.NDArray[np.float64]] = {}
    categorical: dict[str, tuple[npt.NDArray[np.int64], Sequence[str]]] = {}
    strata_codes: dict[str, npt.NDArray[np.int64]] = {}
    if "birth_date" in profile:
        days = pc.cast(rows.column("birth_date"), pa.int32()).to_numpy(zero_copy_only=False)
        born = np.asarray(days, dtype=np.float64)
        age = (reference.toordinal() - date(1970, 1, 1).toordinal() - born) / 365.25
        numeric_values["age"] = age
        band = np.where(np.isnan(age), -1, np.searchsorted(AGE_BANDS, np.nan_to_num(age), "right"))
        categorical["age_band"] = (band.astype(np.int64), list(AGE_BAND_LABELS))
    for name in wanted_numeric:
        numeric_values[name] = _float(rows.column(name))
    for stratum, column in (
        ("gender", "gender"),
        ("filial", "filial_code"),
        ("device", "device_os"),
        ("region", "region"),
    ):
        if column in profile or column == "region":
            categorical[stratum] = _codes(rows.column(column))
    if "is_mau" in profile:
        mau = rows.column("is_mau").fill_null(-1)
        categorical["mau"] = (mau.to_numpy(zero_copy_only=False).astype(np.int64), ["0", "1"])
    for stratum in strata:
        if stratum in categorical:
            strata_codes[stratum] = categorical[stratum][0]
        elif stratum in numeric_values:
            strata_codes[stratum] = deciles(numeric_values[stratum])
        else:
            strata_codes[stratum] = np.zeros(n, dtype=np.int64)
    # The balance covariates: age_band is age cut, region is filial grouped: both are left to
    # their finer column.
    shown = {k: v for k, v in categorical.items() if k not in ("age_band", "region")}
    return Members(
        rows.column("iin").combine_chunks(),
        Covariates(numeric=numeric_values, categorical=shown),
        strata_codes,
        rows.column("grp").to_numpy(zero_copy_only=False).astype(np.int64) if extra else None,
    )


def group_names(groups: Sequence[GroupShare]) -> list[str]:
    default = ["control", "A", "B", "C", "D"]
    return [g.name or default[i] for i, g in enumerate(groups)]


def design_groups(design: SplitDesign, control_share: float) -> list[GroupShare]:
    if design.groups is not None:
        return design.groups
    if not 0 < control_share < 1:
        raise InvalidInput(
            "a stratified split needs a control group: control_share above 0",
            code="split.no_control",
            errors=[problem("control_share", code="split.no_control", message="must be above 0")],
        )
    return [GroupShare(share=control_share), GroupShare(share=1 - control_share)]


@dataclass(frozen=True)
class ExperimentSplit:
    iins: pa.Array
    groups: npt.NDArray[np.int64]
    stored: dict[str, Any]


def run(
    conn: Connection,
    audience_id: str,
    seed: int,
    design: SplitDesign,
    control_share: float,
    reference: date,
) -> ExperimentSplit:
    """The re-randomised split of the audience and its balance proof, in the stored form."""
    groups = design_groups(design, control_share)
    shares = [g.share for g in groups]
    members = read_members(conn, audience_id, design.strata, reference)
    n = len(members.iins)
    strata = combine_strata([members.strata_codes[s] for s in design.strata], n)
    keys = iin_keys(members.iins) if n else np.zeros(0, dtype=np.uint64)
    stratified = frozenset(design.strata)
    result = assign(seed, keys, strata, shares, members.covariates, design.salts, stratified)
    before = assign(seed, keys, strata, shares, members.covariates, 1, stratified).groups
    proof = balance_proof(result.groups, shares, members.covariates, before)
    sizes = np.bincount(result.groups, minlength=len(shares)).tolist() if n else [0] * len(shares)
    stored = {
        "design": {
            "groups": [g.model_dump() for g in groups],
            "strata": list(design.strata),
            "rerandomize": design.salts,
        },
        "groups": [
            {"name": name, "share": g.share, "size": int(size)}
            for name, g, size in zip(group_names(groups), groups, sizes, strict=True)
        ],
        "strata": list(design.strata),
        "rerandomize": design.salts,
        "salt": result.salt,
        "max_smd_before": result.max_smd_before,
        "max_smd_after": result.max_smd_after,
        "strata_count": len(np.unique(strata)) if n else 0,
        "balance": proof,
        "computed_at": utcnow().isoformat(),
    }
    return ExperimentSplit(members.iins, result.groups, _jsonable(stored))


def recompute(
    conn: Connection, audience_id: str, seed: int, stored: dict[str, Any], reference: date
) -> tuple[pa.Array, npt.NDArray[np.int64]]:
    """The kept salt's groups of a stored design (deploy, effect): one salt, no proof."""
    design = SplitDesign.model_validate(stored["design"])
    groups = design_groups(design, 0.0)
    members = read_members(conn, audience_id, design.strata, reference)
    n = len(members.iins)
    strata = combine_strata([members.strata_codes[s] for s in design.strata], n)
    keys = iin_keys(members.iins) if n else np.zeros(0, dtype=np.uint64)
    result = assign(
        seed,
        keys,
        strata,
        [g.share for g in groups],
        members.covariates,
        1,
        frozenset(design.strata),
        only_salt=int(stored["salt"]),
    )
    return members.iins, result.groups


def to_out(stored: dict[str, Any]) -> ExperimentOut:
    return ExperimentOut.model_validate(stored)


def _jsonable(value: Any) -> Any:
    """Floats that JSON can hold (NaN/inf → None), numpy scalars as Python ones."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def member_groups(control: str, targets: Sequence[tuple[int, str]]) -> sa.Subquery:
    """A deployed campaign's members as (iin, grp): mb21 of `control` as group 0, and mb22 of
    each (group, code) of `targets` (one campaign: (1, its code); an experiment: its arms)."""
    return sa.union_all(
        sa.select(local_control.c.iin.label("iin"), sa.literal(0).label("grp")).where(
            local_control.c.camp_cd == control
        ),
        *(
            sa.select(local_target.c.iin.label("iin"), sa.literal(group).label("grp")).where(
                local_target.c.camp_cd == code
            )
            for group, code in targets
        ),
    ).subquery("members")


def current_balance(
    conn: Connection,
    members: sa.Subquery,
    arms: Callable[[pa.Array, npt.NDArray[np.int64]], npt.NDArray[np.int64]],
    names: Sequence[str],
    shares: Sequence[float],
    reference: date,
) -> dict[str, Any]:
    """The balance proof of a deployed campaign's current members ("Стратифицировать"):
    `member_groups` (mb21 the control, mb22 the target), split into arms by `arms` (-1: left
    out)."""
    read = read_members(conn, None, (), reference, source=members)
    assert read.groups is not None
    groups = arms(read.iins, read.groups)
    placed = groups >= 0
    covariates = Covariates(
        numeric={k: v[placed] for k, v in read.covariates.numeric.items()},
        categorical={
            k: (codes[placed], labels) for k, (codes, labels) in read.covariates.categorical.items()
        },
    )
    proof = balance_proof(groups[placed], shares, covariates)
    sizes = proof["sizes"]
    assert isinstance(sizes, list)
    return _jsonable(
        {
            "groups": [
                {"name": name, "share": share, "size": int(size)}
                for name, share, size in zip(names, shares, sizes, strict=True)
            ],
            "unplaced": int((~placed).sum()),
            "balance": proof,
            "computed_at": utcnow().isoformat(),
        }
    )
