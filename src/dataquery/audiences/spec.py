"""The audience spec (version 1): a source, an ordered list of filters, an optional rank and limit.

This JSON shape is the contract between the builder UI, saved audiences, campaigns and the CLI:

    {"version": 1, "reference_date": "2026-11-28",
     "source": {"kind": "feature_store"},
     "filters": [{"kind": "suppression", "list": "global_control"},
                 {"kind": "age", "min": 25, "max": 60}, ...],
     "rank": {"sum_of": ["score_credit", "score_deposit"], "min": 0.5, "top_n": 100000}}

Sources and filters are discriminated unions on `kind`. Unknown fields are refused, so a typo is
a 422 instead of a silently ignored filter. Whether the named lists, columns, codes and streams
exist is checked against the catalog and the reference data by `audiences.resolve`.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from dataquery.core.clock import bank_today
from dataquery.core.problems import CodedValueError

__all__ = [
    "AgeFilter",
    "AnyOfFilter",
    "AudienceSource",
    "AudienceSpec",
    "ColumnFilter",
    "DeviceFilter",
    "FeatureStoreSource",
    "FilialFilter",
    "Filter",
    "FrequencyCapFilter",
    "GenderFilter",
    "MauFilter",
    "ProductFilter",
    "ProductsSource",
    "PushEnabledFilter",
    "PushOptoutFilter",
    "Rank",
    "RecentContactFilter",
    "Source",
    "StreamFilter",
    "SuppressionFilter",
    "UploadFilter",
    "UploadSource",
    "default_spec",
]

MAX_FILTERS = 100
MAX_CODES = 500
MAX_DAYS = 3660
MAX_AGE = 150
MAX_ROWS = 10**10  # more than any bank has customers; keeps LIMIT within BIGINT


def _text_id(value: Any) -> Any:
    """Upload and audience ids are strings; accept a bare number too (a common client habit)."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


# Ids name catalog rows (`upload_<id>`) and saved audiences; they never reach SQL as identifiers,
# but a tight alphabet keeps error messages and dataset names clean.
ObjectId = Annotated[
    str,
    BeforeValidator(_text_id),
    Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$"),
]
Code = Annotated[str, Field(min_length=1, max_length=64)]


def _codes() -> Any:
    return Field(min_length=1, max_length=MAX_CODES)


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- sources ---------------------------------------------------------------------------------


class FeatureStoreSource(_Part):
    """Every customer in the feature store."""

    kind: Literal["feature_store"] = "feature_store"


class ProductsSource(_Part):
    """Owners of the listed products: of any of them, or of all of them."""

    kind: Literal["products"] = "products"
    products: list[Code] = _codes()
    mode: Literal["any", "all"] = "any"


class UploadSource(_Part):
    """The IINs of an accepted upload (catalog dataset `upload_<upload_id>`)."""

    kind: Literal["upload"] = "upload"
    upload_id: ObjectId


class AudienceSource(_Part):
    """The frozen snapshot of a saved audience."""

    kind: Literal["audience"] = "audience"
    audience_id: ObjectId


Source = Annotated[
    FeatureStoreSource | ProductsSource | UploadSource | AudienceSource,
    Field(discriminator="kind"),
]


# --- filters ---------------------------------------------------------------------------------


class SuppressionFilter(_Part):
    """Remove everyone on a list: a catalog list of category blacklist or abc_model, or an upload
    of purpose suppression (`upload_<id>`)."""

    kind: Literal["suppression"] = "suppression"
    list: Code


class AgeFilter(_Part):
    """Keep full years at reference_date within [min, max] (either bound may be left out).

    The birth date comes from the feature store, else from the IIN; unknown ages are removed.
    """

    kind: Literal["age"] = "age"
    min: int | None = Field(default=None, ge=0, le=MAX_AGE)
    max: int | None = Field(default=None, ge=0, le=MAX_AGE)

    @model_validator(mode="after")
    def _bounds(self) -> AgeFilter:
        if self.min is None and self.max is None:
            raise CodedValueError(
                "age needs min, max or both", code="audience.filter.age.no_bounds"
            )
        if self.min is not None and self.max is not None and self.min > self.max:
            raise CodedValueError(
                f"age min {self.min} is above max {self.max}",
                code="audience.filter.age.min_above_max",
                min=self.min,
                max=self.max,
            )
        return self


class GenderFilter(_Part):
    """Keep the listed genders (feature store, else the IIN's)."""

    kind: Literal["gender"] = "gender"
    values: list[Literal["M", "F"]] = Field(min_length=1, max_length=2)


class DeviceFilter(_Part):
    """Keep the listed devices; "none" means no mobile app (device_os is empty)."""

    kind: Literal["device"] = "device"
    values: list[Literal["android", "ios", "none"]] = Field(min_length=1, max_length=3)


class FilialFilter(_Part):
    """Keep customers of the listed filials (branch codes)."""

    kind: Literal["filial"] = "filial"
    codes: list[Code] = _codes()


class MauFilter(_Part):
    """Keep monthly active users of the app."""

    kind: Literal["mau"] = "mau"


class PushEnabledFilter(_Part):
    """Keep customers with push notifications enabled."""

    kind: Literal["push_enabled"] = "push_enabled"


class PushOptoutFilter(_Part):
    """Remove customers who opted out of any of the listed push event types."""

    kind: Literal["push_optout"] = "push_optout"
    event_types: list[Code] = _codes()


class ProductFilter(_Part):
    """`has`: keep owners of any listed product; `has_not`: remove them."""

    kind: Literal["product"] = "product"
    products: list[Code] = _codes()
    mode: Literal["has", "has_not"] = "has"


GroupName = Literal["local_control", "local_target"]
_BOTH_GROUPS: tuple[GroupName, ...] = ("local_control", "local_target")


class StreamFilter(_Part):
    """Remove members of the stream's campaigns active at reference_date or starting later
    (end_date on or after it; not draft or cancelled): their local control group (mb21), local
    target group (mb22) or both. A campaign deployed today that starts next week already holds
    its members."""

    kind: Literal["stream"] = "stream"
    stream: Code
    exclude: list[GroupName] = Field(
        default_factory=lambda: list(_BOTH_GROUPS), min_length=1, max_length=2
    )


class RecentContactFilter(_Part):
    """Remove anyone contacted in the `days` days up to reference_date or already scheduled
    after it: a contact-history row (any channel) with contact_date from reference_date - days
    on, including later dates (a deployed campaign that starts later). Rows of draft or
    cancelled campaigns never count; rows with no campaign row (older history) do. Optionally
    only contacts by the listed streams and channels (empty = all)."""

    kind: Literal["recent_contact"] = "recent_contact"
    days: int = Field(ge=1, le=MAX_DAYS)
    streams: list[Code] = Field(default_factory=list, max_length=MAX_CODES)
    channels: list[Code] = Field(default_factory=list, max_length=MAX_CODES)


class FrequencyCapFilter(_Part):
    """Remove anyone with at least `max_contacts` contacts in the same window as recent_contact
    (scheduled ones included). A contact is one campaign: distinct camp_cd, so push + SMS of
    one campaign count once."""

    kind: Literal["frequency_cap"] = "frequency_cap"
    max_contacts: int = Field(ge=1, le=100_000)
    days: int = Field(ge=1, le=MAX_DAYS)


class UploadFilter(_Part):
    """`include`: keep only the upload's IINs; `exclude`: remove them."""

    kind: Literal["upload"] = "upload"
    upload_id: ObjectId
    mode: Literal["include", "exclude"] = "exclude"


# --- any column, OR groups -------------------------------------------------------------------

ColumnOp = Literal[
    "=", "!=", "<", "<=", ">", ">=", "between", "in", "not_in", "is_null", "not_null"
]
SINGLE_OPS: frozenset[str] = frozenset({"=", "!=", "<", "<=", ">", ">="})
LIST_OPS: frozenset[str] = frozenset({"in", "not_in"})
NULL_OPS: frozenset[str] = frozenset({"is_null", "not_null"})
# A value is a number, a text, a boolean or an ISO date (written as text); whether it fits the
# column's type is checked against the catalog by `audiences.resolve`.
ColumnValue = (
    bool
    | int
    | Annotated[float, Field(allow_inf_nan=False)]
    | Annotated[str, Field(max_length=200)]
)


class ColumnFilter(_Part):
    """Keep rows whose feature-store `column` satisfies `op` with `value`.

    Shapes: `=, !=, <, <=, >, >=` one value; `between` [low, high] (inclusive); `in`, `not_in`
    a list of 1..500 values; `is_null`, `not_null` no value. NULL semantics: a NULL cell fails
    every operator except `is_null`, so `!=` and `not_in` keep only non-null different values.
    """

    kind: Literal["column"] = "column"
    column: Code
    op: ColumnOp
    value: ColumnValue | list[ColumnValue] | None = None

    @model_validator(mode="after")
    def _shape(self) -> ColumnFilter:
        value, op = self.value, self.op
        if op in NULL_OPS:
            ok = value is None
        elif op == "between":
            ok = isinstance(value, list) and len(value) == 2
        elif op in LIST_OPS:
            ok = isinstance(value, list) and 1 <= len(value) <= MAX_CODES
        else:
            ok = value is not None and not isinstance(value, list)
        if not ok:
            raise CodedValueError(
                f"operator {op} needs {_SHAPES[SHAPE_CODES[op]]}",
                code=SHAPE_CODES[op],
                column=self.column,
                op=op,
            )
        if op == "between":
            assert isinstance(value, list)
            low, high = value
            if _comparable(low, high) and low > high:  # type: ignore[operator]
                raise CodedValueError(
                    f"between {low} and {high}: the low bound is above the high one",
                    code="audience.filter.column.between_order",
                    column=self.column,
                    low=str(low),
                    high=str(high),
                )
        return self

    @property
    def values(self) -> list[bool | int | float | str]:
        """The value(s) as a list (empty for is_null/not_null)."""
        if self.value is None:
            return []
        return list(self.value) if isinstance(self.value, list) else [self.value]


# The code of a value of the wrong shape, per operator (the web says what the operator needs).
SHAPE_CODES: dict[str, str] = {
    "=": "audience.filter.column.shape_single",
    "!=": "audience.filter.column.shape_single",
    "<": "audience.filter.column.shape_single",
    "<=": "audience.filter.column.shape_single",
    ">": "audience.filter.column.shape_single",
    ">=": "audience.filter.column.shape_single",
    "between": "audience.filter.column.shape_between",
    "in": "audience.filter.column.shape_list",
    "not_in": "audience.filter.column.shape_list",
    "is_null": "audience.filter.column.shape_none",
    "not_null": "audience.filter.column.shape_none",
}
_SHAPES = {
    "audience.filter.column.shape_single": "one value",
    "audience.filter.column.shape_between": "a list [low, high]",
    "audience.filter.column.shape_list": f"a list of 1 to {MAX_CODES} values",
    "audience.filter.column.shape_none": "no value",
}


def _comparable(low: Any, high: Any) -> bool:
    numbers = (int, float)
    if isinstance(low, bool) or isinstance(high, bool):
        return False
    return (isinstance(low, numbers) and isinstance(high, numbers)) or (
        isinstance(low, str) and isinstance(high, str)
    )


MAX_ANY_OF = 20
# Inside an OR group only tests that keep people: row tests and inclusion sets. An exclusion
# list there would read "not on the blacklist OR ..." and let listed people through.
ANY_OF_KINDS: frozenset[str] = frozenset(
    {"age", "gender", "device", "filial", "mau", "push_enabled", "column", "product", "upload"}
)


class AnyOfFilter(_Part):
    """Keep customers passing at least one of 2..20 inner filters: row tests (age, gender,
    device, filial, mau, push_enabled, column) and inclusion sets (product `has`, upload
    `include`). One funnel step; no any_of inside an any_of, no exclusion lists."""

    kind: Literal["any_of"] = "any_of"
    filters: list[Filter] = Field(min_length=2, max_length=MAX_ANY_OF)

    @model_validator(mode="after")
    def _inner(self) -> AnyOfFilter:
        for index, item in enumerate(self.filters):
            if isinstance(item, AnyOfFilter):
                raise CodedValueError(
                    "an any_of group cannot hold another any_of group",
                    code="audience.filter.any_of.nested",
                    index=index,
                )
            excluding = (isinstance(item, ProductFilter) and item.mode == "has_not") or (
                isinstance(item, UploadFilter) and item.mode == "exclude"
            )
            if item.kind not in ANY_OF_KINDS or excluding:
                raise CodedValueError(
                    f"an any_of group cannot hold the exclusion {item.kind!r}: "
                    "put exclusions beside the group",
                    code="audience.filter.any_of.exclusion",
                    index=index,
                    filter_kind=item.kind,
                )
        return self


Filter = Annotated[
    SuppressionFilter
    | AgeFilter
    | GenderFilter
    | DeviceFilter
    | FilialFilter
    | MauFilter
    | PushEnabledFilter
    | PushOptoutFilter
    | ProductFilter
    | StreamFilter
    | RecentContactFilter
    | FrequencyCapFilter
    | UploadFilter
    | ColumnFilter
    | AnyOfFilter,
    Field(discriminator="kind"),
]
AnyOfFilter.model_rebuild()


class Rank(_Part):
    """The last step: keep rows whose sum of the chosen score columns (nulls as 0) is at least
    `min`, then the `top_n` highest (ties by IIN ascending)."""

    sum_of: list[Code] = Field(min_length=1, max_length=20)
    min: float | None = Field(default=None, allow_inf_nan=False)
    top_n: int | None = Field(default=None, ge=1, le=MAX_ROWS)

    @model_validator(mode="after")
    def _distinct(self) -> Rank:
        if len(set(self.sum_of)) != len(self.sum_of):
            raise CodedValueError(
                "rank.sum_of names a column twice", code="audience.rank.duplicate_column"
            )
        return self


class AudienceSpec(_Part):
    version: Literal[1] = 1
    reference_date: date = Field(
        default_factory=bank_today,
        ge=date(1900, 1, 1),
        le=date(2199, 12, 31),
        description="The day ages, active campaigns and contact windows are computed for.",
    )
    source: Source = Field(default_factory=FeatureStoreSource)
    filters: list[Filter] = Field(default_factory=list, max_length=MAX_FILTERS)
    rank: Rank | None = None
    limit: int | None = Field(
        default=None,
        ge=1,
        le=MAX_ROWS,
        description="Keep at most this many, after rank: the highest scores when ranked, "
        "else a deterministic spread over IINs.",
    )


def default_spec(reference_date: date | None = None) -> AudienceSpec:
    """A new spec: every customer minus the global control group (on by default, shown plainly)."""
    return AudienceSpec(
        reference_date=reference_date or bank_today(),
        source=FeatureStoreSource(),
        filters=[SuppressionFilter(list="global_control")],
    )
