"""An independent audience engine in plain Python, to check the SQL one against.

It reads nothing from the warehouse: the data comes from the same Parquet files and campaign
rows the tests load, and every rule is written the obvious way (a loop per step over the
survivors, `date` arithmetic for ages, `dataquery.iin` for the IIN fallbacks).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from dataquery import iin as iin_module
from dataquery.audiences import spec as s

AGE_BANDS = (
    ("18-24", 18, 24),
    ("25-34", 25, 34),
    ("35-44", 35, 44),
    ("45-54", 45, 54),
    ("55-64", 55, 64),
    ("65+", 65, 10_000),
)


@dataclass
class Campaign:
    camp_cd: str
    stream: str
    start: date
    end: date
    status: str = "active"


# Campaign statuses whose rows are no contact and no membership (the compiler's NOT_CONTACTING).
NOT_CONTACTING = ("draft", "cancelled")


@dataclass
class Data:
    customers: dict[str, dict[str, Any]]  # iin → feature store row
    lists: dict[str, set[str]]  # suppression list name → IINs
    uploads: dict[str, set[str]]  # upload id → IINs
    products: dict[str, set[str]]  # iin → product codes
    optouts: dict[str, set[str]]  # iin → push event types
    campaigns: list[Campaign]
    control: list[tuple[str, str]]  # (camp_cd, iin)
    target: list[tuple[str, str]]
    contacts: list[tuple[str, str, str, str, date]]  # iin, camp_cd, stream, channel, date
    audiences: dict[str, set[str]] = field(default_factory=dict)
    contacts_of: dict[str, list[tuple[str, str, str, str, date]]] = field(default_factory=dict)
    cache: dict[Any, set[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for contact in self.contacts:
            self.contacts_of.setdefault(contact[0], []).append(contact)


def birth(row_iin: str, row: dict[str, Any] | None) -> date | None:
    known = row.get("birth_date") if row else None
    return known if known is not None else iin_module.birth_date(row_iin)


def full_years(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def age_of(row_iin: str, row: dict[str, Any] | None, on: date) -> int | None:
    born = birth(row_iin, row)
    return None if born is None else full_years(born, on)


def gender_of(row_iin: str, row: dict[str, Any] | None) -> str | None:
    known = row.get("gender") if row else None
    return known if known is not None else iin_module.gender(row_iin)


def age_band(age: int | None) -> str:
    if age is None:
        return "unknown"
    if age < 18:
        return "<18"
    return next(name for name, low, high in AGE_BANDS if low <= age <= high)


def score_of(row: dict[str, Any], columns: list[str]) -> float:
    total = 0.0
    for column in columns:
        value = row.get(column)
        total = total + (value if value is not None else 0.0)
    return total


def spread_key(row_iin: str) -> tuple[str, ...]:
    return (row_iin[11], row_iin[5], row_iin[1], row_iin[4], row_iin[10], row_iin)


@dataclass
class Result:
    steps: list[tuple[str, int, int]]  # (kind, removed, remaining)
    final: list[str]  # in order (rank order when ranked)
    failing: dict[str, list[int]]  # source IIN → every step number it fails on its own
    source: set[str]

    @property
    def size(self) -> int:
        return len(self.final)


def source_iins(spec: s.AudienceSpec, data: Data) -> set[str]:
    source = spec.source
    if isinstance(source, s.ProductsSource):
        wanted = set(source.products)
        if source.mode == "all":
            return {i for i, codes in data.products.items() if wanted <= codes}
        return {i for i, codes in data.products.items() if wanted & codes}
    if isinstance(source, s.UploadSource):
        return set(data.uploads[source.upload_id])
    if isinstance(source, s.AudienceSource):
        return set(data.audiences[source.audience_id])
    return set(data.customers)


def stream_members(data: Data, stream: str, exclude: tuple[str, ...], on: date) -> set[str]:
    key = ("stream", stream, exclude, on)
    if key not in data.cache:
        active = {
            c.camp_cd
            for c in data.campaigns
            if c.stream == stream and c.end >= on and c.status not in NOT_CONTACTING
        }
        groups = (data.control if "local_control" in exclude else []) + (
            data.target if "local_target" in exclude else []
        )
        data.cache[key] = {member for camp, member in groups if camp in active}
    return data.cache[key]


def counted_contacts(
    data: Data, row_iin: str, on: date, days: int
) -> list[tuple[str, str, str, str, date]]:
    """The IIN's contacts from `days` before `on` onwards, scheduled (later) ones included,
    without rows of draft or cancelled campaigns (rows of unknown campaigns count)."""
    start = on - timedelta(days=days)
    status = {c.camp_cd: c.status for c in data.campaigns}
    return [
        contact
        for contact in data.contacts_of.get(row_iin, [])
        if contact[4] >= start and status.get(contact[1]) not in NOT_CONTACTING
    ]


def passes(item: s.Filter, row_iin: str, data: Data, on: date) -> bool:
    row = data.customers.get(row_iin)
    if isinstance(item, s.SuppressionFilter):
        return row_iin not in data.lists[item.list]
    if isinstance(item, s.AgeFilter):
        age = age_of(row_iin, row, on)
        if age is None:
            return False
        return (item.min is None or age >= item.min) and (item.max is None or age <= item.max)
    if isinstance(item, s.GenderFilter):
        return gender_of(row_iin, row) in item.values
    if isinstance(item, s.DeviceFilter):
        device = row.get("device_os") if row else None
        return (device if device is not None else "none") in item.values
    if isinstance(item, s.FilialFilter):
        return (row or {}).get("filial_code") in item.codes
    if isinstance(item, s.MauFilter):
        return bool((row or {}).get("is_mau"))
    if isinstance(item, s.PushEnabledFilter):
        return bool((row or {}).get("push_enabled"))
    if isinstance(item, s.PushOptoutFilter):
        return not (data.optouts.get(row_iin, set()) & set(item.event_types))
    if isinstance(item, s.ProductFilter):
        has = bool(data.products.get(row_iin, set()) & set(item.products))
        return has if item.mode == "has" else not has
    if isinstance(item, s.StreamFilter):
        return row_iin not in stream_members(data, item.stream, tuple(item.exclude), on)
    if isinstance(item, s.RecentContactFilter):
        contacts = counted_contacts(data, row_iin, on, item.days)
        return not any(
            (not item.streams or stream in item.streams)
            and (not item.channels or channel in item.channels)
            for _who, _camp, stream, channel, _when in contacts
        )
    if isinstance(item, s.FrequencyCapFilter):
        campaigns = {camp for _who, camp, *_rest in counted_contacts(data, row_iin, on, item.days)}
        return len(campaigns) < item.max_contacts
    if isinstance(item, s.UploadFilter):
        member = row_iin in data.uploads[item.upload_id]
        return member if item.mode == "include" else not member
    if isinstance(item, s.ColumnFilter):
        return column_passes(item, (row or {}).get(item.column))
    if isinstance(item, s.AnyOfFilter):
        return any(passes(inner, row_iin, data, on) for inner in item.filters)
    raise AssertionError(item)


def column_passes(item: s.ColumnFilter, cell: Any) -> bool:
    """A NULL cell (or no feature-store row) fails every operator except is_null."""
    if item.op == "is_null":
        return cell is None
    if cell is None:
        return False
    if item.op == "not_null":
        return True
    values = [date.fromisoformat(v) if isinstance(cell, date) else v for v in item.values]
    if item.op == "=":
        return bool(cell == values[0])
    if item.op == "!=":
        return bool(cell != values[0])
    if item.op == "<":
        return bool(cell < values[0])
    if item.op == "<=":
        return bool(cell <= values[0])
    if item.op == ">":
        return bool(cell > values[0])
    if item.op == ">=":
        return bool(cell >= values[0])
    if item.op == "between":
        return bool(values[0] <= cell <= values[1])
    if item.op == "in":
        return cell in values
    if item.op == "not_in":
        return cell not in values
    raise AssertionError(item.op)


def run(spec: s.AudienceSpec, data: Data) -> Result:
    """The funnel the obvious way: survivors filtered step after step."""
    on = spec.reference_date
    source = source_iins(spec, data)
    survivors = sorted(source)
    steps: list[tuple[str, int, int]] = [("source", 0, len(survivors))]
    failing: dict[str, list[int]] = {i: [] for i in source}
    tests: list[tuple[str, Any]] = []
    if not isinstance(spec.source, s.FeatureStoreSource):
        tests.append(("not_in_feature_store", lambda i: i in data.customers))
    for item in spec.filters:
        tests.append((item.kind, lambda i, item=item: passes(item, i, data, on)))
    rank = spec.rank
    if rank is not None:
        minimum = rank.min

        def rank_passes(i: str) -> bool:
            row = data.customers.get(i, {})
            return minimum is None or score_of(row, rank.sum_of) >= minimum

        tests.append(("rank", rank_passes))
    for number, (kind, test) in enumerate(tests, start=1):
        for i in source:
            if not test(i):
                failing[i].append(number)
        kept = [i for i in survivors if test(i)]
        removed = len(survivors) - len(kept)
        survivors = kept
        if kind == "rank":
            assert rank is not None
            survivors.sort(key=lambda i: (-score_of(data.customers[i], rank.sum_of), i))
            if rank.top_n is not None and len(survivors) > rank.top_n:
                removed += len(survivors) - rank.top_n
                survivors = survivors[: rank.top_n]
        steps.append((kind, removed, len(survivors)))
    if spec.limit is not None:
        if rank is None:
            survivors.sort(key=spread_key)
        removed = max(0, len(survivors) - spec.limit)
        survivors = survivors[: spec.limit]
        steps.append(("limit", removed, len(survivors)))
    return Result(steps, survivors, failing, source)


def distributions(final: list[str], data: Data, on: date) -> dict[str, dict[str, int]]:
    rows = [(i, data.customers[i]) for i in final]
    return {
        "age": dict(Counter(age_band(age_of(i, row, on)) for i, row in rows)),
        "gender": dict(Counter(gender_of(i, row) or "unknown" for i, row in rows)),
        "filial": dict(Counter(row.get("filial_code") or "unknown" for _i, row in rows)),
        "device": dict(Counter(row.get("device_os") or "none" for _i, row in rows)),
    }
