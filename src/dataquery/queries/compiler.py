"""Query spec → one SELECT, with SQLAlchemy Core, for the warehouse's dialect.

Tables and columns are only those of the resolved `Source`s (the catalog and the table metadata,
`queries.sources`); every value is a bound parameter typed by its column. Nothing the user wrote
ever becomes SQL text: the only text this module writes into SQL is its own constants (the
date-truncation units). The compiler collects every problem of the spec and raises one 422 with
all of them, before any SQL is built.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from dataquery.core.problems import Problems
from dataquery.queries import sources as src
from dataquery.queries import spec as q

Expression = sa.ColumnElement[Any]
Predicate = sa.ColumnElement[bool]

MAX_LAST_DAYS = 36_600
COMPARISONS = {
    q.Op.EQ: lambda c, v: c == v,
    q.Op.NE: lambda c, v: c != v,
    q.Op.LT: lambda c, v: c < v,
    q.Op.LE: lambda c, v: c <= v,
    q.Op.GT: lambda c, v: c > v,
    q.Op.GE: lambda c, v: c >= v,
}
TEXT_OPS = (q.Op.CONTAINS, q.Op.STARTS_WITH)
NUMERIC_FNS = (q.AggregateFn.SUM, q.AggregateFn.AVG)
# Date truncation: the unit names are ours, never the user's.
_TRUNC_UNITS = {q.DateBucket.DAY: "day", q.DateBucket.WEEK: "week", q.DateBucket.MONTH: "month"}
_ORACLE_UNITS = {q.DateBucket.DAY: "DD", q.DateBucket.WEEK: "IW", q.DateBucket.MONTH: "MM"}


@dataclass(frozen=True, slots=True)
class OutputColumn:
    name: str
    kind: str


@dataclass(frozen=True, slots=True)
class Compiled:
    statement: sa.Select[Any]
    columns: tuple[OutputColumn, ...]
    limit: int
    """The rows the caller may see; the statement asks for one more, to tell it was cut."""


def output_name(ref: q.ColumnRef) -> str:
    """A result column's name: the column's own for the source, `<table>__<column>` for a join."""
    return ref.column if ref.table is None else f"{ref.table}__{ref.column}"


def aggregation_name(item: q.Aggregation) -> str:
    if item.label:
        return item.label
    if item.column is None:
        return item.fn.value
    return f"{item.fn.value}_{output_name(item.column)}"


def _field(*parts: str | int) -> str:
    return ".".join(str(p) for p in parts)


class ValueError_(Exception):
    """A value that does not fit its column (caught and reported as a problem)."""


def coerce(kind: str, value: Any) -> Any:
    """`value` as the Python type of a column of `kind`, or ValueError_."""
    if value is None:
        raise ValueError_("a value is required")
    if kind == src.NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError_("a number is required")
        return value
    if kind == src.BOOLEAN:
        if not isinstance(value, bool):
            raise ValueError_("true or false is required")
        return value
    if kind == src.TEXT:
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise ValueError_("text is required")
        return str(value)
    if not isinstance(value, str):
        raise ValueError_("a date is required (YYYY-MM-DD)")
    try:
        if kind == src.DATE:
            return date.fromisoformat(value)
        return datetime.fromisoformat(value).replace(tzinfo=None)
    except ValueError:
        raise ValueError_("a date is required (YYYY-MM-DD)") from None


class Compiler:
    def __init__(
        self,
        spec: q.QuerySpec,
        tables: Mapping[str, src.Source],
        *,
        dialect: str,
        reference_date: date,
        max_rows: int,
    ) -> None:
        """`tables`: the source under its name and each joined table under its own, resolved
        (and allowed) by the caller."""
        self.spec = spec
        self.dialect = dialect
        self.reference_date = spec.reference_date or reference_date
        self.max_rows = max_rows
        self.problems = Problems()
        self.source = tables[spec.source]
        self.aliases: dict[str | None, tuple[src.Source, sa.TableClause]] = {
            None: (self.source, self.source.table("t0"))
        }
        for index, join in enumerate(spec.joins, start=1):
            if join.table in self.aliases or join.table == spec.source:
                self.problems.add(
                    _field("joins", index - 1, "table"),
                    code="query.duplicate_join",
                    message=f"{join.table!r} is already in the query",
                    name=join.table,
                )
                continue
            joined = tables[join.table]
            self.aliases[join.table] = (joined, joined.table(f"t{index}"))

    # --- columns ----------------------------------------------------------------------------

    def _column(self, ref: q.ColumnRef, field: str) -> tuple[Expression, src.Column] | None:
        entry = self.aliases.get(ref.table)
        if entry is None:
            self.problems.add(
                _field(field, "table"),
                code="query.unknown_table",
                message=f"{ref.table!r} is neither the source nor a joined table",
                name=ref.table or "",
            )
            return None
        source, table = entry
        column = source.column(ref.column)
        if column is None:
            self.problems.add(
                _field(field, "column"),
                code="query.unknown_column",
                message=f"{source.name!r} has no column {ref.column!r}",
                table=source.name,
                column=ref.column,
            )
            return None
        return table.c[column.name], column

    # --- filters ----------------------------------------------------------------------------

    def _group(self, group: q.FilterGroup, field: str) -> Predicate:
        parts = []
        for index, item in enumerate(group.filters):
            where = _field(field, "filters", index)
            if isinstance(item, q.FilterGroup):
                parts.append(self._group(item, where))
            else:
                parts.append(self._condition(item, where))
        if not parts:
            return sa.true()
        return sa.and_(*parts) if group.combine == "and" else sa.or_(*parts)

    def _bad_value(self, field: str, op: q.Op, message: str) -> Predicate:
        self.problems.add(
            _field(field, "value"), code="query.bad_value", message=message, op=op.value
        )
        return sa.true()

    def _condition(self, item: q.Condition, field: str) -> Predicate:
        found = self._column(item.column, _field(field, "column"))
        if found is None:
            return sa.true()
        column, meta = found
        op, value = item.op, item.value
        if op is q.Op.IS_NULL:
            return column.is_(None)
        if op is q.Op.NOT_NULL:
            return column.is_not(None)
        if op in TEXT_OPS and meta.kind != src.TEXT:
            return self._bad_value(field, op, f"{op.value} needs a text column")
        if op is q.Op.LAST_DAYS:
            return self._last_days(column, meta, value, field)
        try:
            if op is q.Op.BETWEEN:
                if not isinstance(value, list) or len(value) != 2:
                    raise ValueError_("between needs [low, high]")
                low, high = (coerce(meta.kind, v) for v in value)
                return column.between(self._bind(low, meta), self._bind(high, meta))
            if op in (q.Op.IN, q.Op.NOT_IN):
                if not isinstance(value, list) or not 1 <= len(value) <= q.MAX_IN_VALUES:
                    raise ValueError_(f"{op.value} needs a list of 1 to {q.MAX_IN_VALUES} values")
                values = [coerce(meta.kind, v) for v in value]
                bound = sa.bindparam(None, values, expanding=True, type_=meta.sql_type)
                return column.in_(bound) if op is q.Op.IN else column.not_in(bound)
            if isinstance(value, list):
                raise ValueError_(f"{op.value} needs one value")
            scalar = coerce(meta.kind, value)
        except ValueError_ as exc:
            return self._bad_value(field, op, str(exc))
        if op is q.Op.CONTAINS:
            return column.icontains(scalar, autoescape=True)
        if op is q.Op.STARTS_WITH:
            return column.istartswith(scalar, autoescape=True)
        return COMPARISONS[op](column, self._bind(scalar, meta))

    def _bind(self, value: Any, meta: src.Column) -> Expression:
        return sa.bindparam(None, value, type_=meta.sql_type)

    def _last_days(self, column: Expression, meta: src.Column, value: Any, field: str) -> Predicate:
        if meta.kind not in (src.DATE, src.TIMESTAMP):
            return self._bad_value(field, q.Op.LAST_DAYS, "last_days needs a date column")
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_LAST_DAYS:
            return self._bad_value(
                field,
                q.Op.LAST_DAYS,
                f"last_days needs a whole number of days, 1 to {MAX_LAST_DAYS}",
            )
        # The last N days up to and including the reference date.
        first = self.reference_date - timedelta(days=value - 1)
        after = self.reference_date + timedelta(days=1)
        low: date | datetime = first
        high: date | datetime = after
        if meta.kind == src.TIMESTAMP:
            low, high = datetime.combine(first, time()), datetime.combine(after, time())
        return sa.and_(column >= self._bind(low, meta), column < self._bind(high, meta))

    # --- summaries --------------------------------------------------------------------------

    def _bucket(self, column: Expression, bucket: q.DateBucket) -> Expression:
        if self.dialect == "oracle":
            truncated = sa.func.trunc(column, sa.literal_column(f"'{_ORACLE_UNITS[bucket]}'"))
        else:
            truncated = sa.func.date_trunc(sa.literal_column(f"'{_TRUNC_UNITS[bucket]}'"), column)
        return sa.cast(truncated, sa.Date())

    def _dimension(self, item: q.GroupBy, index: int) -> tuple[Expression, OutputColumn] | None:
        field = _field("group_by", index)
        found = self._column(item.column, _field(field, "column"))
        if found is None:
            return None
        column, meta = found
        name = output_name(item.column)
        if item.bucket is None:
            return column, OutputColumn(name, meta.kind)
        if meta.kind not in (src.DATE, src.TIMESTAMP):
            self.problems.add(
                _field(field, "bucket"),
                code="query.bucket_needs_date",
                message=f"{item.column.column!r} is not a date: no {item.bucket} groups",
                column=item.column.column,
            )
            return None
        return self._bucket(column, item.bucket), OutputColumn(name, src.DATE)

    def _aggregate(self, item: q.Aggregation, index: int) -> tuple[Expression, OutputColumn] | None:
        field = _field("aggregations", index)
        if item.column is None:
            if item.fn is not q.AggregateFn.COUNT:
                self.problems.add(
                    _field(field, "column"),
                    code="query.aggregation_needs_column",
                    message=f"{item.fn.value} needs a column",
                    fn=item.fn.value,
                )
                return None
            return sa.func.count(), OutputColumn(aggregation_name(item), src.NUMBER)
        found = self._column(item.column, _field(field, "column"))
        if found is None:
            return None
        column, meta = found
        name = aggregation_name(item)
        if item.fn in NUMERIC_FNS and meta.kind != src.NUMBER:
            self.problems.add(
                _field(field, "fn"),
                code="query.aggregation_needs_number",
                message=f"{item.fn.value} needs a number column",
                fn=item.fn.value,
            )
            return None
        if item.fn is q.AggregateFn.COUNT:
            return sa.func.count(column), OutputColumn(name, src.NUMBER)
        if item.fn is q.AggregateFn.COUNT_DISTINCT:
            return sa.func.count(sa.distinct(column)), OutputColumn(name, src.NUMBER)
        if item.fn is q.AggregateFn.SUM:
            # Every engine answers in double precision: the same numbers on each.
            return sa.func.sum(sa.cast(column, sa.Float())), OutputColumn(name, src.NUMBER)
        if item.fn is q.AggregateFn.AVG:
            return sa.func.avg(sa.cast(column, sa.Float())), OutputColumn(name, src.NUMBER)
        if meta.kind == src.BOOLEAN:
            self.problems.add(
                _field(field, "fn"),
                code="query.aggregation_needs_ordered",
                message=f"{item.fn.value} needs a number, text or date column",
                fn=item.fn.value,
            )
            return None
        fn = sa.func.min if item.fn is q.AggregateFn.MIN else sa.func.max
        return fn(column), OutputColumn(name, meta.kind)

    # --- for the viewer ---------------------------------------------------------------------

    def where(self) -> Predicate | None:
        """The spec's filters alone (the viewer adds them to its own SELECT); raises the 422 of
        every problem found."""
        where = self._group(self.spec.filters, "filters") if self.spec.filters else None
        self.problems.raise_if_any(code="query.invalid")
        return where

    # --- the statement ----------------------------------------------------------------------

    def _from(self) -> sa.FromClause:
        _, base = self.aliases[None]
        joined: sa.FromClause = base
        for index, join in enumerate(self.spec.joins):
            entry = self.aliases.get(join.table)
            if entry is None:
                continue
            source, table = entry
            if self.source.column(join.on) is None or source.column(join.on) is None:
                self.problems.add(
                    _field("joins", index, "on"),
                    code="query.join_key_missing",
                    message=f"{self.source.name!r} and {source.name!r} do not share {join.on!r}",
                    table=source.name,
                    key=join.on,
                )
                continue
            on = base.c[join.on] == table.c[join.on]
            joined = joined.join(table, on, isouter=join.kind == "left")
        return joined

    def _outputs(self) -> tuple[list[Expression], list[OutputColumn], list[Expression]]:
        """(select list, its columns, GROUP BY list)."""
        spec = self.spec
        if spec.aggregations or spec.group_by:
            if spec.columns:
                self.problems.add(
                    "columns",
                    code="query.columns_with_aggregation",
                    message="a summarised query shows its group_by and aggregations, not columns",
                )
            dims = [d for i, g in enumerate(spec.group_by) if (d := self._dimension(g, i))]
            aggs = [a for i, g in enumerate(spec.aggregations) if (a := self._aggregate(g, i))]
            exprs = [e for e, _ in dims] + [e for e, _ in aggs]
            outputs = [o for _, o in dims] + [o for _, o in aggs]
            return exprs, outputs, [e for e, _ in dims]
        refs = spec.columns or [q.ColumnRef(column=c.name) for c in self.source.columns]
        exprs, outputs = [], []
        for index, ref in enumerate(refs):
            found = self._column(ref, _field("columns", index))
            if found is not None:
                exprs.append(found[0])
                outputs.append(OutputColumn(output_name(ref), found[1].kind))
        return exprs, outputs, []

    def compile(self) -> Compiled:
        from_clause = self._from()
        exprs, outputs, group_by = self._outputs()
        where = self._group(self.spec.filters, "filters") if self.spec.filters else None
        names = [o.name for o in outputs]
        if len(set(names)) != len(names):
            self.problems.add(
                None, code="query.duplicate_output", message="two result columns have the same name"
            )
        order: list[Expression] = []
        for index, item in enumerate(self.spec.order_by):
            if item.field not in names:
                self.problems.add(
                    _field("order_by", index, "field"),
                    code="query.unknown_output",
                    message=f"{item.field!r} is not a column of the result",
                    name=item.field,
                )
                continue
            position = names.index(item.field)
            expr = exprs[position]
            order.append(expr.desc() if item.desc else expr.asc())
        if not order and group_by:
            order = [e.asc() for e in group_by]  # summaries read in their groups' order
        self.problems.raise_if_any(code="query.invalid")
        limit = min(self.spec.limit or self.max_rows, self.max_rows)
        labelled = [e.label(o.name) for e, o in zip(exprs, outputs, strict=True)]
        statement = sa.select(*labelled).select_from(from_clause)
        if where is not None:
            statement = statement.where(where)
        if group_by:
            statement = statement.group_by(*group_by)
        if order:
            statement = statement.order_by(*order)
        return Compiled(statement.limit(limit + 1), tuple(outputs), limit)


def compile_spec(
    spec: q.QuerySpec,
    tables: Mapping[str, src.Source],
    *,
    dialect: str,
    reference_date: date,
    max_rows: int,
) -> Compiled:
    return Compiler(
        spec, tables, dialect=dialect, reference_date=reference_date, max_rows=max_rows
    ).compile()


def table_names(spec: q.QuerySpec) -> Sequence[tuple[str, str]]:
    """(name, field) of every table the spec names: what the caller resolves first."""
    return [(spec.source, "source")] + [
        (join.table, _field("joins", i, "table")) for i, join in enumerate(spec.joins)
    ]
