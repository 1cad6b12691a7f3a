"""Check a spec against the catalog and the reference data, and say where its data lives.

Every unknown name (list, upload, column, product, stream, filial, push type, channel, saved
audience) is collected and reported at once as one 422 naming them, with an `errors` list (field
as pydantic names it, `spec.filters.1.list`; code; params) the UI can attach to the right panel.
Table names come from the catalog only, never from the spec.

A spec sees the catalog as its viewer does: someone else's upload or saved audience is unknown,
with the very message a missing one gets.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dataquery.audiences import spec as s
from dataquery.audiences.access import Viewer, find_visible_audience
from dataquery.audiences.compiler import FEATURE_COLUMNS, ROW_ID, Resolved
from dataquery.audiences.models import audience_members
from dataquery.bank.tables import CampaignDict
from dataquery.core.errors import Conflict
from dataquery.core.problems import Problems
from dataquery.datasets import contact_index, member_index, reach_index
from dataquery.datasets.access import visible_datasets
from dataquery.datasets.contact_index import NOT_CONTACTING
from dataquery.datasets.list_index import (
    BITS_COLUMN,
    CODED,
    all_bits,
    bits_by_code,
    bits_by_list,
    code_key,
)
from dataquery.datasets.models import ContactIndex, Dataset, DatasetCategory, upload_dataset_name
from dataquery.reference.models import Channel, Filial, PushEventType, Stream

SUPPRESSION_CATEGORIES = frozenset(
    {DatasetCategory.BLACKLIST.value, DatasetCategory.ABC_MODEL.value}
)
UPLOAD_PURPOSE_SUPPRESSION = "suppression"
_NUMERIC_TYPES = ("double", "float", "int", "decimal", "uint")
# Which feature-store columns each filter reads.
_FILTER_COLUMNS: dict[str, tuple[str, ...]] = {
    "age": ("birth_date",),
    "gender": ("gender",),
    "device": ("device_os",),
    "filial": ("filial_code",),
    "mau": ("is_mau",),
    "push_enabled": ("push_enabled",),
}


# Column filters: which operators fit which column type (the catalog's Arrow type, classified).
COLUMN_OPS: dict[str, frozenset[str]] = {
    "number": frozenset(
        {"=", "!=", "<", "<=", ">", ">=", "between", "in", "not_in", "is_null", "not_null"}
    ),
    "text": frozenset({"=", "!=", "in", "not_in", "is_null", "not_null"}),
    "boolean": frozenset({"=", "!=", "is_null", "not_null"}),
    "date": frozenset({"=", "!=", "<", "<=", ">", ">=", "between", "is_null", "not_null"}),
}
# Columns the app keeps for itself: never offered to column filters.
# (and names of the compiler's own columns, which a feature-store column must not shadow).
INTERNAL_COLUMNS = frozenset(
    {"iin", BITS_COLUMN, "fs_iin", "birth_head", "gender_head", "birth_key", "gender_iin"}
    | {"failed_at", "score", "step", "part", "key", "n"}
)


def column_type(catalog_type: str) -> str | None:
    """number, text, boolean or date for a feature-store column's catalog (Arrow) type; None
    for types a column filter cannot test (timestamps, lists, binary...)."""
    kind = catalog_type.lower()
    if kind.startswith(_NUMERIC_TYPES):
        return "number"
    if kind in ("string", "large_string", "utf8", "large_utf8", "str", "text"):
        return "text"
    if kind in ("bool", "boolean"):
        return "boolean"
    if kind.startswith("date32") or kind.startswith("date64") or kind == "date":
        return "date"
    return None


def filterable_columns(columns: Iterable[dict[str, Any]]) -> dict[str, str]:
    """The feature store's columns a column filter may name → their type, in catalog order."""
    found: dict[str, str] = {}
    for column in columns:
        name = str(column.get("name", ""))
        kind = column_type(str(column.get("type", "")))
        if kind is not None and name and name not in INTERNAL_COLUMNS:
            found[name] = kind
    return found


def _fits(kind: str, value: Any) -> bool:
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "text":
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    if isinstance(value, str) and len(value) == 10:  # date: an ISO date, YYYY-MM-DD
        try:
            date.fromisoformat(value)
        except ValueError:
            return False
        return True
    return False


def _check_column_filter(
    item: s.ColumnFilter, path: str, types: dict[str, str], problems: Problems
) -> bool:
    """Whether the column exists, the operator fits its type and the values fit too."""
    kind = types.get(item.column)
    if kind is None:
        problems.add(
            f"{path}.column",
            code="audience.filter.column.unknown",
            message=f"the feature store has no column {item.column!r} a filter can test",
            column=item.column,
        )
        return False
    if item.op not in COLUMN_OPS[kind]:
        problems.add(
            f"{path}.op",
            code="audience.filter.column.bad_op",
            message=f"operator {item.op} does not fit the {kind} column {item.column!r}",
            column=item.column,
            op=item.op,
            type=kind,
        )
        return False
    if not all(_fits(kind, value) for value in item.values):
        problems.add(
            f"{path}.value",
            code="audience.filter.column.bad_value",
            message=f"the values of {item.column!r} must be "
            + {"number": "numbers", "text": "texts", "boolean": "true or false"}.get(
                kind, "ISO dates (YYYY-MM-DD)"
            ),
            column=item.column,
            op=item.op,
            type=kind,
        )
        return False
    return True


def is_score_column(column: dict[str, Any]) -> bool:
    name, kind = str(column.get("name", "")), str(column.get("type", "")).lower()
    return name.startswith("score_") and kind.startswith(_NUMERIC_TYPES)


def _known(db: Session, column: Any, values: Iterable[str]) -> set[str]:
    wanted = sorted(set(values))
    if not wanted:
        return set()
    return set(db.scalars(sa.select(column).where(column.in_(wanted)).distinct()))


def _missing(db: Session, column: Any, values: Iterable[str]) -> list[str]:
    wanted = set(values)
    return sorted(wanted - _known(db, column, wanted))


def _check_reference(
    db: Session,
    problems: Problems,
    path: str,
    model: Any,
    values: Iterable[str],
    *,
    code: str,
    what: str,
) -> None:
    """Codes of a reference table (one query): the unknown ones, and those an administrator
    disabled (a new spec may not pick them; campaigns already deployed keep theirs)."""
    wanted = sorted(set(values))
    if not wanted:
        return
    query = sa.select(model.code, model.enabled).where(model.code.in_(wanted))
    enabled: dict[str, bool] = {code: bool(on) for code, on in db.execute(query)}
    unknown = [code for code in wanted if code not in enabled]
    if unknown:
        problems.add(
            path,
            code=code,
            message=f"unknown {what} {_quote(unknown)}",
            names=_names(unknown),
        )
    disabled = [code for code in wanted if enabled.get(code) is False]
    if disabled:
        problems.add(
            path,
            code="audience.disabled_reference",
            message=f"disabled in the reference data: {_quote(disabled)}",
            names=_names(disabled),
        )


def _quote(names: Iterable[str]) -> str:
    return ", ".join(repr(n) for n in sorted(set(names)))


def _names(names: Iterable[str]) -> str:
    """The `names` param of an item: the unknown names, sorted, as the UI lists them."""
    return ", ".join(sorted(set(names)))


def resolve(db: Session, spec: s.AudienceSpec, viewer: Viewer | None = None) -> Resolved:
    """The catalog facts the compiler needs, or InvalidInput naming everything unknown.
    `viewer=None` is the operator (the CLI), who sees every upload and saved audience."""
    datasets = {d.name: d for d in visible_datasets(db, viewer)}
    feature_store = datasets.get("feature_store")
    if feature_store is None:
        raise Conflict(
            "the feature store is not loaded yet: load the datasets first",
            code="audience.feature_store_not_loaded",
        )
    columns = {str(c.get("name")): c for c in feature_store.columns or []}
    missing_base = [c for c in ("iin",) if c not in columns]
    if missing_base:
        raise Conflict("the feature store has no iin column", code="audience.feature_store_no_iin")
    problems = Problems()
    lists: dict[str, str] = {}
    uploads: dict[str, str] = {}
    display_names: dict[str, str] = {}
    products_needed: list[tuple[str, list[str]]] = []

    def need_dataset(name: str, path: str) -> Dataset | None:
        dataset = datasets.get(name)
        if dataset is None:
            problems.add(
                path,
                code="audience.dataset_not_loaded",
                message=f"the dataset {name!r} is not loaded",
                name=name,
            )
        return dataset

    def upload(upload_id: str, path: str, purpose: str | None = None) -> None:
        dataset = datasets.get(upload_dataset_name(upload_id))
        if dataset is None or dataset.category != DatasetCategory.UPLOAD.value:
            problems.add(
                path,
                code="audience.unknown_upload",
                message=f"unknown upload {upload_id!r}",
                upload_id=upload_id,
            )
            return
        if purpose is not None and dataset.purpose != purpose:
            problems.add(
                path,
                code="audience.upload_not_suppression",
                message=f"upload {upload_id!r} was not uploaded as a suppression list "
                f"(its purpose is {dataset.purpose or 'not set'})",
                upload_id=upload_id,
                purpose=dataset.purpose or "",
            )
            return
        uploads[upload_id] = dataset.table_name
        display_names[f"upload:{upload_id}"] = dataset.description or upload_id

    # --- source
    source = spec.source
    if isinstance(source, s.ProductsSource):
        products_needed.append(("spec.source.products", source.products))
    elif isinstance(source, s.UploadSource):
        upload(source.upload_id, "spec.source.upload_id")
    elif isinstance(source, s.AudienceSource):
        audience = find_visible_audience(db, viewer, source.audience_id)
        if audience is None:
            problems.add(
                "spec.source.audience_id",
                code="audience.unknown_audience",
                message=f"unknown saved audience {source.audience_id!r}",
                audience_id=source.audience_id,
            )
        else:
            display_names[f"audience:{audience.id}"] = audience.name

    # --- filters
    streams: dict[str, list[str]] = {}
    channels: dict[str, list[str]] = {}
    stream_filters: list[str] = []
    filter_types = filterable_columns(feature_store.columns or [])
    tested: dict[str, str] = {}  # columns the column filters test → their type

    def every_filter() -> Iterator[tuple[str, s.Filter]]:
        """The filters with their paths, the inner filters of any_of groups too."""
        for index, item in enumerate(spec.filters):
            yield f"spec.filters.{index}", item
            if isinstance(item, s.AnyOfFilter):
                for inner, part in enumerate(item.filters):
                    yield f"spec.filters.{index}.filters.{inner}", part

    for path, item in every_filter():
        for column in _FILTER_COLUMNS.get(item.kind, ()):
            if column not in columns:
                problems.add(
                    path,
                    code="audience.feature_store_no_column",
                    message=f"the feature store has no column {column!r}",
                    column=column,
                )
        if isinstance(item, s.SuppressionFilter):
            dataset = datasets.get(item.list)
            if dataset is not None and dataset.category in SUPPRESSION_CATEGORIES:
                lists[item.list] = dataset.table_name
                display_names[f"list:{item.list}"] = item.list
            elif dataset is not None and (
                dataset.category == DatasetCategory.UPLOAD.value
                and dataset.purpose == UPLOAD_PURPOSE_SUPPRESSION
            ):
                lists[item.list] = dataset.table_name
                display_names[f"list:{item.list}"] = dataset.description or item.list
            elif dataset is not None:
                problems.add(
                    f"{path}.list",
                    code="audience.not_suppression_list",
                    message=f"{item.list!r} is a {dataset.category} dataset, "
                    "not a suppression list",
                    list=item.list,
                    category=dataset.category,
                )
            else:
                problems.add(
                    f"{path}.list",
                    code="audience.unknown_list",
                    message=f"unknown suppression list {item.list!r}",
                    list=item.list,
                )
        elif isinstance(item, s.FilialFilter):
            _check_reference(db, problems, f"{path}.codes", Filial, item.codes,
                             code="audience.unknown_filials", what="filial codes")  # fmt: skip
        elif isinstance(item, s.PushOptoutFilter):
            need_dataset("push_optouts", path)
            _check_reference(db, problems, f"{path}.event_types", PushEventType,
                             item.event_types, code="audience.unknown_push_event_types",
                             what="push event types")  # fmt: skip
        elif isinstance(item, s.ProductFilter):
            products_needed.append((f"{path}.products", item.products))
        elif isinstance(item, s.StreamFilter):
            streams.setdefault(f"{path}.stream", []).append(item.stream)
            stream_filters.append(item.stream)
        elif isinstance(item, s.RecentContactFilter):
            if item.streams:
                streams.setdefault(f"{path}.streams", []).extend(item.streams)
            if item.channels:
                channels.setdefault(f"{path}.channels", []).extend(item.channels)
        elif isinstance(item, s.UploadFilter):
            upload(item.upload_id, f"{path}.upload_id")
        elif isinstance(item, s.ColumnFilter) and _check_column_filter(
            item, path, filter_types, problems
        ):
            tested[item.column] = filter_types[item.column]

    for path, names in streams.items():
        _check_reference(
            db, problems, path, Stream, names, code="audience.unknown_streams", what="streams"
        )
    for path, names in channels.items():
        _check_reference(
            db, problems, path, Channel, names, code="audience.unknown_channels", what="channels"
        )

    indexed = all_bits(db)
    products_table: str | None = None
    if products_needed:
        products = need_dataset("products", products_needed[0][0])
        if products is not None:
            products_table = products.table_name
            table = sa.table(products_table, sa.column("product_code", sa.String()))
            # The list index has a bit for every code the table holds (past 62 bits: some).
            owned = set(bits_by_code(indexed, "products"))
            for path, codes in products_needed:
                unknown = [] if set(codes) <= owned else _missing(db, table.c.product_code, codes)
                if unknown:
                    problems.add(
                        path,
                        code="audience.unknown_products",
                        message=f"unknown product codes {_quote(unknown)}",
                        names=_names(unknown),
                    )

    # --- rank
    score_columns: tuple[str, ...] = ()
    if spec.rank is not None:
        scores = {name: c for name, c in columns.items() if is_score_column(c)}
        unknown = [c for c in spec.rank.sum_of if c not in scores]
        if unknown:
            problems.add(
                "spec.rank.sum_of",
                code="audience.rank.not_score_columns",
                message=f"not score columns of the feature store: {_quote(unknown)} "
                f"(score columns: {', '.join(sorted(scores)) or 'none'})",
                names=_names(unknown),
                score_columns=", ".join(sorted(scores)),
            )
        # The names written into SQL are the catalog's, looked up by what the spec asked for.
        score_columns = tuple(str(scores[c]["name"]) for c in spec.rank.sum_of if c in scores)

    problems.raise_if_any(code="audience.invalid_spec")
    push = datasets.get("push_optouts")
    built = set(db.scalars(sa.select(ContactIndex.name)))  # the feature-store column indexes
    return Resolved(
        feature_store=feature_store.table_name,
        feature_columns=frozenset(c for c in columns if c in FEATURE_COLUMNS),
        row_id=all(c.lower() != ROW_ID for c in columns),
        score_columns=score_columns,
        products=products_table,
        push_optouts=push.table_name if push is not None else None,
        lists=lists,
        uploads=uploads,
        members_table=audience_members.name,
        names=display_names,
        list_bits={
            **{name: bit for name, bit in bits_by_list(indexed).items() if name in lists},
            **{
                code_key(dataset, code): bit
                for dataset in CODED
                for code, bit in bits_by_code(indexed, dataset).items()
            },
        },
        filter_columns=tested,
        contact_index=contact_index.NAME in built,
        reach_index=reach_index.NAME in built,
        member_bits=member_index.bits_by_group(db),
        stream_campaigns={
            stream: _live_campaigns(db, stream, spec.reference_date) for stream in stream_filters
        },
    )


def _live_campaigns(db: Session, stream: str, reference: date) -> tuple[str, ...]:
    """The stream's campaigns that hold their members on `reference`: active then or starting
    later (end_date on or after it), not a draft or cancelled."""
    query = sa.select(CampaignDict.camp_cd).where(
        CampaignDict.stream == stream,
        CampaignDict.end_date >= reference,
        CampaignDict.status.not_in(NOT_CONTACTING),
    )
    return tuple(db.scalars(query.order_by(CampaignDict.camp_cd)))
