"""The query spec (version 1): a JSON document the builder edits and the compiler turns into one
SELECT. The contract between the web, saved queries, the assistant and the API.

Its shape follows Metabase's MBQL in spirit (source, joins, filters, aggregations with
breakouts, order, limit), written as named fields instead of nested arrays:

    {"version": 1, "source": "feature_store",
     "joins": [{"table": "products", "on": "iin", "kind": "inner"}],
     "filters": {"kind": "group", "combine": "and", "filters": [
         {"kind": "condition", "column": {"column": "device_os"}, "op": "=", "value": "ios"},
         {"kind": "condition", "column": {"table": "products", "column": "opened_date"},
          "op": "last_days", "value": 30}]},
     "aggregations": [{"fn": "count"}],
     "group_by": [{"column": {"table": "products", "column": "opened_date"}, "bucket": "week"}],
     "order_by": [{"field": "opened_date", "desc": false}], "limit": 100}

Every name is an identifier (letters, digits, underscore): anything else (quotes, `;`, spaces,
non-ASCII letters) is refused here, before the catalog is even asked; the compiler then accepts
only names the catalog knows. Values are never SQL: they become bound parameters.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Identifier = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
# An output column's name: an identifier, or `<table>__<column>` for a joined table's column.
Scalar = str | int | float | bool
MAX_IN_VALUES = 10_000


class Op(StrEnum):
    EQ = "="
    NE = "!="
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="
    BETWEEN = "between"
    IN = "in"
    NOT_IN = "not_in"
    CONTAINS = "contains"
    STARTS_WITH = "starts_with"
    IS_NULL = "is_null"
    NOT_NULL = "not_null"
    LAST_DAYS = "last_days"


class AggregateFn(StrEnum):
    COUNT = "count"
    COUNT_DISTINCT = "count_distinct"
    SUM = "sum"
    AVG = "avg"
    MIN = "min"
    MAX = "max"


class DateBucket(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ColumnRef(_Strict):
    """A column of the source (`table` omitted) or of a joined table (`table` = its name)."""

    table: Identifier | None = None
    column: Identifier


class Condition(_Strict):
    kind: Literal["condition"] = "condition"
    column: ColumnRef
    op: Op
    # A scalar for comparisons, contains and starts_with; [low, high] for between; a list for
    # in/not_in; the number of days for last_days; nothing for is_null/not_null.
    value: Scalar | list[Scalar] | None = Field(default=None)


class FilterGroup(_Strict):
    kind: Literal["group"] = "group"
    combine: Literal["and", "or"] = "and"
    filters: list[Filter] = Field(default_factory=list, max_length=100)


Filter = Annotated[Condition | FilterGroup, Field(discriminator="kind")]


class Join(_Strict):
    table: Identifier
    on: Literal["iin", "camp_cd"] = "iin"
    kind: Literal["inner", "left"] = "inner"


class Aggregation(_Strict):
    fn: AggregateFn
    column: ColumnRef | None = None
    label: Identifier | None = None


class GroupBy(_Strict):
    column: ColumnRef
    bucket: DateBucket | None = None


class OrderBy(_Strict):
    """`field`: the name of an output column (see `compiler.output_name`)."""

    field: Identifier
    desc: bool = False


class QuerySpec(_Strict):
    version: Literal[1] = 1
    source: Identifier
    joins: list[Join] = Field(default_factory=list, max_length=5)
    columns: list[ColumnRef] = Field(default_factory=list, max_length=200)
    filters: FilterGroup | None = None
    aggregations: list[Aggregation] = Field(default_factory=list, max_length=20)
    group_by: list[GroupBy] = Field(default_factory=list, max_length=10)
    order_by: list[OrderBy] = Field(default_factory=list, max_length=10)
    limit: int | None = Field(default=None, ge=1)
    # The day `last_days` counts back from; default: today in the bank's time zone.
    reference_date: date | None = None


def example_spec() -> dict[str, Any]:
    """The spec of the docstring's example (iOS customers with a product opened lately, by
    week): the OpenAPI example and a test's input."""
    return {
        "version": 1,
        "source": "feature_store",
        "joins": [{"table": "products", "on": "iin", "kind": "inner"}],
        "filters": {
            "kind": "group",
            "combine": "and",
            "filters": [
                {"kind": "condition", "column": {"column": "device_os"}, "op": "=", "value": "ios"},
                {
                    "kind": "condition",
                    "column": {"table": "products", "column": "opened_date"},
                    "op": "last_days",
                    "value": 30,
                },
            ],
        },
        "aggregations": [{"fn": "count"}],
        "group_by": [{"column": {"table": "products", "column": "opened_date"}, "bucket": "week"}],
        "order_by": [{"field": "products__opened_date"}],
    }
