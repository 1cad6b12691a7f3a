"""Audiences: preview a spec, save a frozen snapshot, list, explain one IIN.

Every result comes from statements compiled by `audiences.compiler` and run in the caller's
transaction; the IINs never travel through Python except the 20 sample rows. Results are fetched
eagerly (on DuckDB a second execute on a connection invalidates a pending result).
"""

from __future__ import annotations

import dataclasses
import time
import uuid
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dataquery import iin as iin_module
from dataquery.audiences import spec as s
from dataquery.audiences.access import Viewer, get_visible_audience, may_see_audience
from dataquery.audiences.compiler import (
    AGE_BANDS,
    COLUMN_SQL_TYPES,
    NO_DEVICE,
    SAMPLE_SIZE,
    UNDER_18,
    UNKNOWN,
    Compiler,
    Expression,
    ReachPlan,
    Step,
)
from dataquery.audiences.models import Audience, audience_members
from dataquery.audiences.overlap import PARTS as OVERLAP_PARTS
from dataquery.audiences.overlap import (
    Window,
    any_campaign,
    from_bits,
    from_rows,
    marked_campaigns,
)
from dataquery.audiences.reach import PUSH_REASONS, SMS_REASONS, reason_at
from dataquery.audiences.resolve import (
    SUPPRESSION_CATEGORIES,
    UPLOAD_PURPOSE_SUPPRESSION,
    filterable_columns,
    is_score_column,
    resolve,
)
from dataquery.audiences.schemas import (
    AudienceCreate,
    AudienceSummary,
    AudienceVersion,
    AudienceVersionCreate,
    Bucket,
    ColumnOption,
    Distributions,
    ExplainGroup,
    ExplainOut,
    ExplainStep,
    FeatureStoreInfo,
    FunnelStep,
    ListOption,
    OptionsOut,
    Overlap,
    PreviewOut,
    ProductOption,
    Reachability,
    SampleRow,
    UploadOption,
)
from dataquery.auth.models import User
from dataquery.bank.tables import CampaignDict
from dataquery.core.clock import bank_today
from dataquery.core.db import utcnow
from dataquery.core.errors import Conflict, DQError, InvalidInput
from dataquery.core.problems import problem
from dataquery.core.schemas import Notice
from dataquery.datasets.access import visible_datasets
from dataquery.datasets.models import Dataset, DatasetCategory, upload_id_of
from dataquery.reference.models import Channel, Filial, PushEventType, Stream
from dataquery.reference.schemas import ChannelOut, FilialOut, PushEventTypeOut, StreamOut

GLOBAL_CONTROL = "global_control"
MAX_PAGE = 200


def viewer_of(user: User | None) -> Viewer | None:
    """None: the operator (CLI), who sees every saved audience."""
    return None if user is None else Viewer.of(user)


def compile_spec(
    db: Session, spec: s.AudienceSpec, viewer: Viewer | None, indexed: bool = True
) -> Compiler:
    """`indexed=False` joins every suppression list, product, opt-out and campaign group, also
    those the list and member indexes mark, reads the contact history instead of the contact
    index, and the p_sid and phone instead of the reach index: explain tests each step on its
    own, and a source IIN missing from the feature store has no bits."""
    resolved = resolve(db, spec, viewer)
    if not indexed:
        resolved = dataclasses.replace(
            resolved, list_bits={}, contact_index=False, member_bits={}, reach_index=False
        )
    return Compiler(spec, resolved)


# --- preview ---------------------------------------------------------------------------------


def funnel_from_counts(compiler: Compiler, counts: dict[int, int]) -> list[FunnelStep]:
    """The funnel from (first failing step → rows). Rank's top_n and the limit keep at most
    that many of what remains; they are applied here because they need no row data."""
    remaining = sum(counts.values())
    steps: list[FunnelStep] = []
    for step in compiler.steps:
        removed = 0 if step.number == 0 else counts.get(step.number, 0)
        if step.top_n is not None:
            removed += max(0, remaining - removed - step.top_n)
        remaining -= removed
        steps.append(
            FunnelStep(
                step=step.number,
                kind=step.kind,
                code=step.code,
                params=step.params,
                removed=removed,
                remaining=remaining,
                filter_index=step.filter_index,
            )
        )
    return steps


def warnings_for(spec: s.AudienceSpec, size: int) -> list[Notice]:
    warnings = []
    if not any(
        isinstance(f, s.SuppressionFilter) and f.list == GLOBAL_CONTROL for f in spec.filters
    ):
        warnings.append(
            Notice(
                code="notice.audience.global_control_kept",
                message="The global control group is not excluded: "
                "its members must never be contacted.",
            )
        )
    if size == 0:
        warnings.append(Notice(code="notice.audience.empty", message="The audience is empty."))
    return warnings


def _buckets(counts: dict[str, int], always: Sequence[str], tail: Sequence[str]) -> list[Bucket]:
    """`always` keys first (zero when absent), then any others in order, `tail` keys last."""
    ordered = list(always) + sorted(k for k in counts if k not in always and k not in tail)
    ordered += [k for k in tail if k in counts]
    return [Bucket(key=key, count=counts.get(key, 0)) for key in ordered]


def _distributions(rows: Iterable[Any]) -> Distributions:
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        counts.setdefault(row.part, {})[row.key] = int(row.n)
    bands = [name for name, _low, _high in AGE_BANDS]
    return Distributions(
        age=_buckets(
            counts.get("age_band", {}),
            [UNDER_18, *bands] if UNDER_18 in counts.get("age_band", {}) else bands,
            [UNKNOWN],
        ),
        gender=_buckets(counts.get("gender", {}), ["M", "F"], [UNKNOWN]),
        filial=_buckets(counts.get("filial", {}), [], [UNKNOWN]),
        device=_buckets(counts.get("device", {}), ["android", "ios", NO_DEVICE], []),
    )


def reach_plan(db: Session, compiler: Compiler, push_event_type: str | None) -> ReachPlan:
    """Reachability's inputs; an unknown push event type is a 422, a missing opt-outs dataset
    (when one is named) a 409, as a deploy of a campaign naming it would answer."""
    if not push_event_type:
        return ReachPlan()
    if db.get(PushEventType, push_event_type) is None:
        raise InvalidInput(
            f"push_event_type: unknown push event type {push_event_type!r}",
            code="audience.invalid_spec",
            errors=[
                problem(
                    "push_event_type",
                    code="audience.unknown_push_event_types",
                    message=f"unknown push event types {push_event_type!r}",
                    names=push_event_type,
                )
            ],
        )
    if compiler.resolved.push_optouts is None:
        raise Conflict(
            f"reachability by push leaves out opt-outs of {push_event_type!r}, but the dataset "
            "push_optouts is not loaded",
            code="audience.reach.push_optouts_missing",
            params={"push_event_type": push_event_type},
        )
    return ReachPlan(compiler.resolved.push_optouts, push_event_type)


def reachability_from(rows: Iterable[Any], total: int, plan: ReachPlan) -> Reachability:
    """The "reach" part's rows (step = 10 × push reason + SMS reason, n) as counts per channel."""
    dropouts: dict[str, dict[str, int]] = {"push": {}, "sms": {}}
    for row in rows:
        code = int(row.step)
        for channel, reason in (
            ("push", reason_at(code // 10, PUSH_REASONS)),
            ("sms", reason_at(code % 10, SMS_REASONS)),
        ):
            if reason is not None:
                dropouts[channel][reason] = dropouts[channel].get(reason, 0) + int(row.n)
    return Reachability(
        total=total,
        push=total - sum(dropouts["push"].values()),
        sms=total - sum(dropouts["sms"].values()),
        popup=total,  # the pop-up drops no one (audiences.reach)
        push_event_type=plan.push_event_type,
        dropouts=dropouts,
    )


def overlap_warning(overlap: Overlap | None) -> list[Notice]:
    if overlap is None or overlap.members == 0:
        return []
    return [
        Notice(
            code="notice.audience.overlap",
            message=f"{overlap.members} of the audience are already in "
            f"{overlap.campaign_count} deployed campaign(s) with overlapping dates",
            params={"members": overlap.members, "campaigns": overlap.campaign_count},
        )
    ]


def preview(
    db: Session,
    spec: s.AudienceSpec,
    viewer: Viewer | None,
    *,
    sample: bool = True,
    distributions: bool = True,
    reachability: bool = False,
    push_event_type: str | None = None,
    overlap: bool = False,
) -> PreviewOut:
    """The funnel, size, sample, distributions, reachability and overlap of a spec: one
    statement (plus a lookup of the top overlapping campaigns' names)."""
    started = time.perf_counter()
    compiler = compile_spec(db, spec, viewer)
    plan = reach_plan(db, compiler, push_event_type) if reachability else None
    window = Window(spec.reference_date) if overlap else None
    # No deployed campaign overlaps: nothing to join the final rows with (the common case).
    joined = window if window is not None and any_campaign(db, window) else None
    bits = compiler.resolved.member_bits
    marked = marked_campaigns(db, joined, bits) if joined is not None and bits else None
    reach_rows: list[Any] = []
    overlap_rows: list[Any] = []
    if sample or distributions or plan is not None or window is not None:
        statement = compiler.preview(
            SAMPLE_SIZE if sample else 0,
            distributions,
            plan,
            joined,
            marked,
            read_back=db.get_bind().dialect.name == "duckdb",
        )
        rows = db.execute(statement).all()
        counts = {int(r.step): int(r.n) for r in rows if r.part == "funnel"}
        reach_rows = [r for r in rows if r.part == "reach"]
        overlap_rows = [r for r in rows if r.part in OVERLAP_PARTS]
        if marked is not None:
            overlap_rows = from_bits(overlap_rows, marked)
        profile = [r for r in rows if r.part not in ("funnel", "sample", "reach", *OVERLAP_PARTS)]
        sample_rows = [
            SampleRow(
                iin=r.iin,
                age=r.age,
                gender=r.gender,
                filial=r.filial,
                device=r.device,
                mau=r.mau,
                score=r.score,
            )
            for r in rows
            if r.part == "sample"
        ]
    else:
        counts = {int(step): int(n) for step, n in db.execute(compiler.funnel()).all()}
        profile, sample_rows = [], []
    funnel = funnel_from_counts(compiler, counts)
    size = funnel[-1].remaining
    overlap_out = from_rows(db, overlap_rows, window) if window is not None else None
    return PreviewOut(
        reference_date=spec.reference_date,
        funnel=funnel,
        size=size,
        sample=sample_rows if sample else [],
        distributions=_distributions(profile) if distributions else Distributions(),
        warnings=warnings_for(spec, size) + overlap_warning(overlap_out),
        elapsed_ms=round((time.perf_counter() - started) * 1000, 1),
        reachability=reachability_from(reach_rows, size, plan) if plan is not None else None,
        overlap=overlap_out,
    )


def funnel_only(db: Session, spec: s.AudienceSpec, viewer: Viewer | None) -> list[FunnelStep]:
    compiler = compile_spec(db, spec, viewer)
    counts = {int(step): int(n) for step, n in db.execute(compiler.funnel()).all()}
    return funnel_from_counts(compiler, counts)


# --- saved audiences -------------------------------------------------------------------------


def save(db: Session, owner: User, data: AudienceCreate) -> Audience:
    """Freeze the spec's audience: INSERT ... SELECT of its IINs, then the funnel beside it.

    The funnel is computed after the insert, in the same transaction; if the two disagree the
    data changed in between (possible on PostgreSQL's read committed) and the save is refused
    rather than storing a funnel that does not match the snapshot. A new audience is version 1
    of its own family.
    """
    return _freeze(db, viewer_of(owner), owner.username, data.name, data.spec, family=None)


def save_version(
    db: Session, user: User, audience_id: str, data: AudienceVersionCreate
) -> Audience:
    """A new version of the audience's family: a new row with its own frozen snapshot, numbered
    one more than the family's newest. The versions before stay as they are (campaigns keep the
    one they were built on). Owner or admin; to anyone else the audience is missing (404)."""
    viewer = viewer_of(user)
    base = get_visible_audience(db, viewer, audience_id)
    return _freeze(db, viewer, base.owner, data.name or base.name, data.spec, family=base.family_id)


def _next_version(db: Session, family_id: str) -> int:
    """One more than the family's newest version. On PostgreSQL the family's rows are locked
    first, so two concurrent saves of one family take turns and get distinct numbers; DuckDB
    has no row locks: there the unique (family_id, version) index refuses the second (409)."""
    if db.get_bind().dialect.name != "duckdb":
        db.execute(
            sa.select(Audience.id).where(Audience.family_id == family_id).with_for_update()
        ).all()
    newest = db.execute(
        sa.select(sa.func.max(Audience.version)).where(Audience.family_id == family_id)
    ).scalar_one()
    return int(newest or 0) + 1


def version_taken(family_id: str) -> Conflict:
    return Conflict(
        "another version of this audience was saved at the same time; reload and save again",
        code="audience.version_taken",
        params={"family_id": family_id},
    )


def _freeze(
    db: Session,
    viewer: Viewer | None,
    owner: str,
    name: str,
    spec: s.AudienceSpec,
    *,
    family: str | None,
) -> Audience:
    """Save one version: the snapshot, the funnel that must match it, then the row. `family`
    None starts a new family (version 1, family_id = its own id)."""
    compiler = compile_spec(db, spec, viewer)
    audience_id = str(uuid.uuid4())
    final = compiler.members().subquery("final")
    db.execute(
        sa.insert(audience_members).from_select(
            ["audience_id", "iin"],
            sa.select(sa.literal(audience_id, sa.String(36)), final.c.iin),
        )
    )
    size = snapshot_size(db, audience_id)
    counts = {int(step): int(n) for step, n in db.execute(compiler.funnel()).all()}
    funnel = funnel_from_counts(compiler, counts)
    if funnel[-1].remaining != size:
        raise Conflict(
            "the data changed while the audience was being saved "
            f"({size:,} saved, {funnel[-1].remaining:,} counted); save it again",
            code="audience.changed_while_saving",
            params={"saved": size, "counted": funnel[-1].remaining},
        )
    family_id = family or audience_id
    version = 1 if family is None else _next_version(db, family_id)
    audience = Audience(
        id=audience_id,
        name=name,
        owner=owner,
        spec=spec.model_dump(mode="json"),
        funnel=[step.model_dump() for step in funnel],
        size=size,
        reference_date=spec.reference_date,
        created_at=utcnow(),
        family_id=family_id,
        version=version,
    )
    db.add(audience)
    try:
        db.flush()
    except sa.exc.IntegrityError as exc:  # the unique (family_id, version): a concurrent save
        raise version_taken(family_id) from exc
    return audience


def snapshot_size(db: Session, audience_id: str) -> int:
    query = sa.select(sa.func.count()).where(audience_members.c.audience_id == audience_id)
    return int(db.execute(query).scalar_one())


def list_audiences(
    db: Session,
    viewer: Viewer,
    *,
    limit: int = 50,
    offset: int = 0,
    search: str | None = None,
    owner: str | None = None,
    all_versions: bool = False,
) -> tuple[list[Audience], int]:
    """The viewer's audiences, newest first; admins see everyone's (or one owner's). One row per
    family, its newest version, unless `all_versions`."""
    query = sa.select(Audience)
    if not all_versions:
        newer = sa.orm.aliased(Audience)
        query = query.where(
            ~sa.exists().where(
                newer.family_id == Audience.family_id, newer.version > Audience.version
            )
        )
    if not viewer.is_admin:
        query = query.where(Audience.owner == viewer.username)
    elif owner:
        query = query.where(Audience.owner == owner)
    if search:
        query = query.where(sa.func.lower(Audience.name).contains(search.lower(), autoescape=True))
    total = int(db.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar_one())
    page = query.order_by(Audience.created_at.desc(), Audience.id).limit(limit).offset(offset)
    return list(db.scalars(page)), total


def get_audience(db: Session, viewer: Viewer, audience_id: str) -> Audience:
    """404 for someone else's audience too: the answer a missing one gets."""
    return get_visible_audience(db, viewer, audience_id)


def list_versions(db: Session, viewer: Viewer, audience_id: str) -> list[AudienceVersion]:
    """Every version of the audience's family, oldest first, with how many campaigns use each.
    Visible to whoever may see the audience (the family has one owner)."""
    audience = get_audience(db, viewer, audience_id)
    used_by = (
        sa.select(sa.func.count()).where(CampaignDict.audience_id == Audience.id).scalar_subquery()
    )
    rows = db.execute(
        sa.select(Audience, used_by.label("used_by"))
        .where(Audience.family_id == audience.family_id)
        .order_by(Audience.version)
    ).all()
    return [
        AudienceVersion.model_validate(row.Audience).model_copy(
            update={"used_by_campaigns": int(row.used_by)}
        )
        for row in rows
        if may_see_audience(row.Audience, viewer)
    ]


def delete_audience(db: Session, viewer: Viewer, audience_id: str) -> Audience:
    audience = get_audience(db, viewer, audience_id)
    campaigns = list(
        db.scalars(
            sa.select(CampaignDict.camp_cd)
            .where(CampaignDict.audience_id == audience_id)
            .order_by(CampaignDict.camp_cd)
        )
    )
    if campaigns:
        raise Conflict(
            "the audience is used by campaign(s) "
            + ", ".join(campaigns)
            + "; it cannot be deleted",
            code="audience.used_by_campaigns",
            params={"campaigns": ", ".join(campaigns)},
        )
    db.execute(sa.delete(audience_members).where(audience_members.c.audience_id == audience_id))
    db.delete(audience)
    db.flush()
    return audience


# --- explain ---------------------------------------------------------------------------------


def normalize_iin(value: str) -> str:
    digits, _fixes = iin_module.normalize(value)
    if digits is None:
        raise InvalidInput(
            f"{value!r} is not an IIN: it needs 12 digits",
            code="audience.explain.not_an_iin",
            params={"value": str(value)},
        )
    return digits


def _explain_step(step: Step) -> ExplainStep:
    return ExplainStep(
        step=step.number,
        kind=step.kind,
        code=step.code,
        params=step.params,
        filter_index=step.filter_index,
    )


def explain(db: Session, spec: s.AudienceSpec, value: str, viewer: Viewer | None) -> ExplainOut:
    """Every step that removes the IIN, each tested on its own, or that it is in."""
    iin = normalize_iin(value)
    compiler = compile_spec(db, spec, viewer, indexed=False)
    row = db.execute(compiler.explain(iin)).first()
    source = compiler.steps[0]
    if row is None:
        step = _explain_step(source)
        return ExplainOut(
            iin=iin,
            in_audience=False,
            in_source=False,
            removed_by=[step],
            first_removed_by=step,
        )
    values = row._mapping
    failing = [
        step
        for step in compiler.steps
        if f"p_{step.number}" in values and int(values[f"p_{step.number}"]) == 0
    ]
    if not failing and compiler.keep_at_most is not None:
        cut = _cut_by(db, compiler, iin)
        if cut is not None:
            failing.append(cut)
    removed_by = [_explain_step(step) for step in failing]
    groups = [
        ExplainGroup(
            step=step.number,
            filter_index=step.filter_index,
            passed=[
                position
                for position in range(len(step.parts))
                if int(values[f"p_{step.number}_{position}"]) == 1
            ],
        )
        for step in compiler.steps
        if step.parts
    ]
    return ExplainOut(
        iin=iin,
        in_audience=not removed_by,
        in_source=True,
        removed_by=removed_by,
        first_removed_by=removed_by[0] if removed_by else None,
        any_of=groups,
    )


def _cut_by(db: Session, compiler: Compiler, iin: str) -> Step | None:
    """For a row that passes every test: the rank (top_n) or limit step that leaves it out."""
    if db.execute(compiler.is_member(iin)).first() is not None:
        return None
    rank = next((step for step in compiler.steps if step.kind == "rank"), None)
    limit = next((step for step in compiler.steps if step.kind == "limit"), None)
    if rank is not None and rank.top_n is not None and limit is not None:
        ranked_only = Compiler(compiler.spec.model_copy(update={"limit": None}), compiler.resolved)
        if db.execute(ranked_only.is_member(iin)).first() is None:
            return rank
        return limit
    return rank if rank is not None and rank.top_n is not None else limit


def explain_saved(db: Session, viewer: Viewer, audience_id: str, value: str) -> ExplainOut:
    """The saved spec evaluated on today's data, and whether the IIN is in the frozen snapshot
    (which is what a campaign deploys)."""
    audience = get_audience(db, viewer, audience_id)
    iin = normalize_iin(value)
    in_snapshot = (
        db.execute(
            sa.select(audience_members.c.iin).where(
                audience_members.c.audience_id == audience_id, audience_members.c.iin == iin
            )
        ).first()
        is not None
    )
    try:
        result = explain(db, s.AudienceSpec.model_validate(audience.spec), iin, viewer)
    except DQError:  # a list or upload of the saved spec is gone: the snapshot still answers
        return ExplainOut(
            iin=iin,
            in_audience=None,
            in_source=None,
            removed_by=[],
            first_removed_by=None,
            in_snapshot=in_snapshot,
        )
    return result.model_copy(update={"in_snapshot": in_snapshot})


# --- options ---------------------------------------------------------------------------------

CATEGORIES_AT_MOST = 50
SCREEN_ROWS = 10_000  # text columns: distinct values counted in this many rows first
_COLUMN_CACHE_SIZE = 16
# (warehouse, table, its load time and size, its columns) → the column options. The statistics
# change only when the feature store is reloaded, which changes the key.
_column_cache: dict[tuple[Any, ...], list[ColumnOption]] = {}


def feature_store_columns(db: Session, dataset: Dataset) -> list[ColumnOption]:
    """The columns column filters can test, with min/max, null share and (few) categories.

    One aggregate over the feature store (count, min, max per column); text columns are screened
    by their distinct values in the first rows (a phone or an id column has more than 50 there,
    and an exact distinct count of it would cost more than the aggregate itself); the others
    get one grouped statement, exact: a column with more than 50 values there lists none.
    Cached per catalog version of the feature store, since the builder calls options on every
    visit."""
    types = filterable_columns(dataset.columns or [])
    key = (
        str(db.get_bind().engine.url),
        dataset.table_name,
        dataset.row_count,
        dataset.created_at,
        dataset.refreshed_at,
        tuple(types.items()),
    )
    cached = _column_cache.get(key)
    if cached is not None:
        return cached
    table = sa.table(
        dataset.table_name,
        *(sa.column(name, COLUMN_SQL_TYPES[kind]) for name, kind in types.items()),
    )
    aggregates: list[Expression] = [sa.func.count().label("rows")]
    for position, (name, kind) in enumerate(types.items()):
        column = table.c[name]
        aggregates.append(sa.func.count(column).label(f"n_{position}"))
        if kind in ("number", "date"):
            aggregates += [
                sa.func.min(column).label(f"min_{position}"),
                sa.func.max(column).label(f"max_{position}"),
            ]
    stats = db.execute(sa.select(*aggregates)).one()._mapping
    rows = int(stats["rows"])
    texts = [name for name, kind in types.items() if kind == "text"]
    few: list[str] = []
    if texts:
        head = sa.select(*(table.c[name] for name in texts)).limit(SCREEN_ROWS).subquery("head")
        screen = db.execute(
            sa.select(*(sa.func.count(sa.distinct(head.c[name])) for name in texts))
        ).one()
        few = [name for name, n in zip(texts, screen, strict=True) if n <= CATEGORIES_AT_MOST]
    categories: dict[str, list[str]] = {name: [] for name in few}
    if few:
        parts = [
            sa.select(sa.literal(name, sa.String()).label("name"), table.c[name].label("value"))
            .where(table.c[name].is_not(None))
            .group_by(table.c[name])
            for name in few
        ]
        for name, value in db.execute(sa.union_all(*parts)).all():
            categories[name].append(str(value))
        categories = {n: v for n, v in categories.items() if len(v) <= CATEGORIES_AT_MOST}
    labels = {str(c.get("name")): c.get("label") or c.get("description") for c in dataset.columns}
    found = []
    for position, (name, kind) in enumerate(types.items()):
        low = stats.get(f"min_{position}")
        high = stats.get(f"max_{position}")
        found.append(
            ColumnOption(
                name=name,
                type=kind,
                label=str(labels.get(name) or name),
                min=_bound(low),
                max=_bound(high),
                categories=sorted(categories[name]) if name in categories else None,
                null_share=0.0 if rows == 0 else 1 - int(stats[f"n_{position}"]) / rows,
            )
        )
    if len(_column_cache) >= _COLUMN_CACHE_SIZE:
        _column_cache.pop(next(iter(_column_cache)))
    _column_cache[key] = found
    return found


def _bound(value: Any) -> float | str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return float(value)


def options(db: Session, viewer: Viewer | None) -> OptionsOut:
    """The builder's choices as the viewer sees them: their own uploads only (admins: all)."""
    datasets = sorted(visible_datasets(db, viewer), key=lambda d: d.name)
    by_name = {d.name: d for d in datasets}
    feature_store = by_name.get("feature_store")
    columns = [c for c in (feature_store.columns if feature_store else []) or []]
    lists = [
        ListOption(
            name=d.name,
            category=d.category,
            description=d.description,
            row_count=d.row_count,
            purpose=d.purpose,
            default=d.name == GLOBAL_CONTROL,
        )
        for d in datasets
        if d.category in SUPPRESSION_CATEGORIES
        or (d.category == DatasetCategory.UPLOAD.value and d.purpose == UPLOAD_PURPOSE_SUPPRESSION)
    ]
    lists.sort(key=lambda o: (not o.default, o.category, o.name))
    uploads = [
        UploadOption(
            upload_id=upload_id,
            dataset=d.name,
            description=d.description,
            row_count=d.row_count,
            purpose=d.purpose,
            owner=d.owner,
            created_at=d.created_at,
        )
        for d in sorted(datasets, key=lambda d: d.created_at, reverse=True)
        if d.category == DatasetCategory.UPLOAD.value and (upload_id := upload_id_of(d.name))
    ]
    products: list[ProductOption] = []
    if "products" in by_name:
        table = sa.table(by_name["products"].table_name, sa.column("product_code", sa.String()))
        rows = db.execute(
            sa.select(table.c.product_code, sa.func.count())
            .group_by(table.c.product_code)
            .order_by(table.c.product_code)
        ).all()
        products = [ProductOption(code=code, rows=int(n)) for code, n in rows if code is not None]
    audiences: list[Audience] = []
    if viewer is not None:
        audiences, _total = list_audiences(db, viewer, limit=MAX_PAGE)
    return OptionsOut(
        feature_store=FeatureStoreInfo(
            loaded=feature_store is not None,
            customers=feature_store.row_count if feature_store else 0,
            columns=[str(c.get("name")) for c in columns],
        ),
        suppression_lists=lists,
        uploads=uploads,
        products=products,
        score_columns=sorted(str(c["name"]) for c in columns if is_score_column(c)),
        columns=feature_store_columns(db, feature_store) if feature_store else [],
        streams=[
            StreamOut.model_validate(x)
            for x in db.scalars(
                sa.select(Stream).order_by(Stream.campaign_type, Stream.sort_order, Stream.code)
            )
        ],
        filials=[
            FilialOut.model_validate(x) for x in db.scalars(sa.select(Filial).order_by("code"))
        ],
        push_event_types=[
            PushEventTypeOut.model_validate(x)
            for x in db.scalars(sa.select(PushEventType).order_by("code"))
        ],
        channels=[
            ChannelOut.model_validate(x) for x in db.scalars(sa.select(Channel).order_by("code"))
        ],
        genders=["M", "F"],
        devices=["android", "ios", NO_DEVICE],
        audiences=[AudienceSummary.model_validate(a) for a in audiences],
        default_spec=s.default_spec(bank_today()),
    )


# --- suppression check of IINs added by hand -------------------------------------------------

# The internal upload id under which a caller's table of IINs is the source of a check.
CHECKED_SOURCE = "checked_iins"
SAMPLE_BLOCKED = 5


def is_suppression(item: s.Filter) -> bool:
    """Filters that remove people for who they are (lists, opt-outs, contact pressure), not for
    whom the audience targets: manual adds to a campaign must pass these."""
    if isinstance(item, s.UploadFilter):
        return item.mode == "exclude"
    return isinstance(
        item,
        s.SuppressionFilter | s.PushOptoutFilter | s.RecentContactFilter | s.FrequencyCapFilter,
    )


@dataclasses.dataclass(frozen=True)
class BlockedStep:
    """One suppression step and the checked IINs it removes (each step tested on its own)."""

    step: Step
    count: int
    sample: list[str]


@dataclasses.dataclass(frozen=True)
class SuppressionCheck:
    steps: list[BlockedStep]
    blocked: sa.Select[Any]  # the checked IINs at least one step removes


@dataclasses.dataclass(frozen=True)
class SuppressionFlags:
    """Per checked IIN, a 1/0 "passes" column per suppression step (`flags.c.p_<number>`)."""

    flags: sa.Subquery
    steps: list[Step]
    filters: list[s.Filter]

    def fails(self, step: Step) -> sa.ColumnElement[bool]:
        return self.flags.c[f"p_{step.number}"] == 0

    def reason(self, step: Step) -> str:
        """A stable code for the step: the list's name for a suppression list, else the kind."""
        assert step.filter_index is not None
        item = self.filters[step.filter_index]
        return item.list if isinstance(item, s.SuppressionFilter) else item.kind


def suppression_flags(
    db: Session,
    spec: s.AudienceSpec | None,
    iins: sa.TableClause,
    own_campaign: str | None,
    as_of: date | None = None,
) -> SuppressionFlags:
    """The suppression steps of `spec` (`is_suppression`) and always the global control, as of
    `as_of` (the bank's today by default), compiled over the table `iins` (column iin) as the
    source: the audience engine's own rules. Contacts and membership of `own_campaign` do not
    count against it."""
    filters: list[s.Filter] = [f for f in (spec.filters if spec else []) if is_suppression(f)]
    if not any(isinstance(f, s.SuppressionFilter) and f.list == GLOBAL_CONTROL for f in filters):
        filters.insert(0, s.SuppressionFilter(list=GLOBAL_CONTROL))
    check = s.AudienceSpec(reference_date=as_of or bank_today(), filters=filters)
    catalog = resolve(db, check, None)
    resolved = dataclasses.replace(
        catalog,
        list_bits={},  # a checked IIN may be missing from the feature store (no bits)
        contact_index=False,
        member_bits={},
        uploads={**catalog.uploads, CHECKED_SOURCE: iins.name},
        own_campaign=own_campaign,
    )
    compiler = Compiler(
        check.model_copy(update={"source": s.UploadSource(upload_id=CHECKED_SOURCE)}), resolved
    )
    flags = compiler.explain(None).subquery("flags")
    steps = [step for step in compiler.steps if step.filter_index is not None]
    return SuppressionFlags(flags, steps, filters)


def suppression_reasons(
    db: Session,
    spec: s.AudienceSpec | None,
    iins: sa.TableClause,
    own_campaign: str | None,
    as_of: date | None = None,
) -> sa.Select[Any]:
    """The IINs of `iins` that the suppression steps remove (`suppression_flags`), each with the
    first step that removes it (`SuppressionFlags.reason`), as columns iin, reason."""
    checked = suppression_flags(db, spec, iins, own_campaign, as_of)
    flags = checked.flags
    if not checked.steps:
        return sa.select(flags.c.iin, sa.literal("", sa.String).label("reason")).where(sa.false())
    reason = sa.case(
        *((checked.fails(step), sa.literal(checked.reason(step))) for step in checked.steps),
        else_=sa.null(),
    )
    return sa.select(flags.c.iin, reason.label("reason")).where(
        sa.or_(*(checked.fails(step) for step in checked.steps))
    )


def check_suppression(
    db: Session, spec: s.AudienceSpec | None, iins: sa.TableClause, own_campaign: str | None
) -> SuppressionCheck:
    """The IINs of the table `iins` (column iin) against the suppression steps of `spec`
    (`is_suppression`) and always the global control, as of the bank's today: the audience
    engine's own rules, compiled over the table as the source. Contacts and membership of
    `own_campaign` do not count against it."""
    checked = suppression_flags(db, spec, iins, own_campaign)
    flags, steps = checked.flags, checked.steps
    if not steps:
        return SuppressionCheck([], sa.select(flags.c.iin).where(sa.false()))
    fails = {step.number: checked.fails(step) for step in steps}
    counts = db.execute(
        sa.select(
            *(
                sa.func.count().filter(fails[step.number]).label(f"n_{step.number}")
                for step in steps
            )
        ).select_from(flags)
    ).one()
    found: list[BlockedStep] = []
    for step in steps:
        count = int(counts._mapping[f"n_{step.number}"] or 0)
        if not count:
            continue
        sample = db.scalars(
            sa.select(flags.c.iin)
            .where(fails[step.number])
            .order_by(flags.c.iin)
            .limit(SAMPLE_BLOCKED)
        ).all()
        found.append(BlockedStep(step, count, list(sample)))
    blocked = sa.select(flags.c.iin).where(sa.or_(*fails.values()))
    return SuppressionCheck(found, blocked)
