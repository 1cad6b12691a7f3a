"""The data viewer: pages of a table, sorted by any column, filtered per column and searched,
and a column's profile.

Pages are keyset-paginated, never OFFSET: a page is "the next `limit` rows after the last one
seen" in the order (sort column, key), so page 5 000 costs what page 1 costs. The key is the
engine's row id on DuckDB (see `_View.key_columns`), elsewhere the table's unique key when it has
one (the feature store's iin, a bank table's primary key) and the engine's row id otherwise
(PostgreSQL `ctid`): stable while the table is not reloaded. A cursor is opaque to the client
(base64 of JSON: the last row's sort value and key). Nulls sort last in both directions.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dataquery.core.errors import InvalidInput, NotFound
from dataquery.datasets.access import Viewer
from dataquery.queries import sources as src
from dataquery.queries.compiler import Compiler, Expression, Predicate, ValueError_, coerce
from dataquery.queries.execute import plain, plain_rows, run_read_only
from dataquery.queries.schemas import (
    ColumnProfile,
    HistogramBin,
    QueryColumn,
    TopValue,
    ViewerPage,
)
from dataquery.queries.spec import Condition, FilterGroup, QuerySpec

ROW_ID = "__row_id"
TOP_VALUES = 10
HISTOGRAM_BINS = 10
MAX_SEARCH = 200


class _Tid(sa.types.UserDefinedType[str]):
    """PostgreSQL's row address type, to compare `ctid` with a cursor's."""

    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return "tid"


@dataclass(frozen=True, slots=True)
class PageRequest:
    sort: str | None = None
    desc: bool = False
    after: str | None = None
    limit: int = 100
    search: str | None = None
    filters: tuple[Condition, ...] = ()
    count: bool = False


def find_source(db: Session, viewer: Viewer, name: str) -> src.Source:
    for source in src.readable_sources(db, viewer):
        if source.name == name:
            return source
    raise NotFound(f"no table {name!r}", code="viewer.not_found", params={"name": name})


def _bad_cursor() -> InvalidInput:
    return InvalidInput("the page cursor is not valid for this view", code="viewer.bad_cursor")


def encode_cursor(sort_value: Any, key: list[Any]) -> str:
    text = json.dumps({"s": plain(sort_value), "k": [plain(k) for k in key]}, ensure_ascii=True)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[Any, list[Any]]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(data, dict) or not isinstance(data.get("k"), list):
            raise _bad_cursor()
        return data.get("s"), list(data["k"])
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise _bad_cursor() from None


class _View:
    def __init__(self, source: src.Source, dialect: str, request: PageRequest) -> None:
        self.source = source
        self.dialect = dialect
        self.request = request
        spec = QuerySpec(source=source.name, filters=FilterGroup(filters=list(request.filters)))
        self.compiler = Compiler(
            spec, {source.name: source}, dialect=dialect, reference_date=date.today(), max_rows=1
        )
        self.table = self.compiler.aliases[None][1]

    def key_columns(self) -> list[tuple[Expression, str]]:
        """The key pages are cut on. DuckDB: always the row id, because it has no ordered index
        scan: `WHERE iin > :k ORDER BY iin LIMIT 101` sorts all 10 M rows (about 1 s), while
        `WHERE rowid > :k ORDER BY rowid` skips to the row group (3-10 ms). Elsewhere: the
        declared key (PostgreSQL walks its index), else the row id."""
        if self.dialect == "duckdb":
            return [(sa.literal_column("t0.rowid", sa.BigInteger()), src.NUMBER)]
        if self.source.key:
            return [
                (self.table.c[k], self.source.column(k).kind)  # type: ignore[union-attr]
                for k in self.source.key
            ]
        if self.dialect == "postgresql":
            return [(sa.literal_column("t0.ctid"), "tid")]
        return [(sa.literal_column("t0.ROWID"), src.TEXT)]

    def key_names(self) -> list[str]:
        """The key's columns as the client sees them (`rowid`: the engine's row id)."""
        if self.dialect != "duckdb" and self.source.key:
            return list(self.source.key)
        return ["rowid"]

    def key_selects(self) -> list[Expression]:
        out: list[Expression] = []
        for index, (column, kind) in enumerate(self.key_columns()):
            expr = sa.cast(column, sa.String()) if kind == "tid" else column
            out.append(expr.label(f"{ROW_ID}{index}"))
        return out

    def bind_key(self, value: Any, kind: str) -> Expression:
        if kind == "tid":
            if not isinstance(value, str):
                raise _bad_cursor()
            return sa.cast(sa.bindparam(None, value, type_=sa.String()), _Tid())
        try:
            typed = coerce(kind, value)
        except ValueError_:
            raise _bad_cursor() from None
        return sa.bindparam(None, typed)

    def where(self) -> list[Predicate]:
        parts = []
        filters = self.compiler.where()
        if filters is not None:
            parts.append(filters)
        search = (self.request.search or "").strip()
        if search:
            if len(search) > MAX_SEARCH:
                raise InvalidInput(
                    f"the search text is longer than {MAX_SEARCH} characters",
                    code="viewer.search_too_long",
                    params={"max": MAX_SEARCH},
                )
            texts = [self.table.c[c.name] for c in self.source.columns if c.kind == src.TEXT]
            parts.append(sa.or_(*(c.icontains(search, autoescape=True) for c in texts)))
        return parts

    def sort_column(self) -> src.Column | None:
        if self.request.sort is None:
            return None
        column = self.source.column(self.request.sort)
        if column is None:
            raise InvalidInput(
                f"{self.source.name!r} has no column {self.request.sort!r}",
                code="query.unknown_column",
                params={"table": self.source.name, "column": self.request.sort},
            )
        return column

    def _key_after(self, key: list[Any], desc: bool) -> Predicate:
        """Rows after `key` in key order (lexicographic over the key's columns)."""
        columns = self.key_columns()
        if len(key) != len(columns):
            raise _bad_cursor()
        bound = [self.bind_key(v, kind) for v, (_, kind) in zip(key, columns, strict=True)]
        clauses = []
        for i, ((column, _), value) in enumerate(zip(columns, bound, strict=True)):
            equal = [columns[j][0] == bound[j] for j in range(i)]
            beyond = column < value if desc else column > value
            clauses.append(sa.and_(*equal, beyond))
        return sa.or_(*clauses)

    def page(self) -> tuple[sa.Select[Any], list[str]]:
        sort = self.sort_column()
        desc = self.request.desc
        names = [c.name for c in self.source.columns]
        select = sa.select(*(self.table.c[n] for n in names), *self.key_selects()).select_from(
            self.table
        )
        keys = self.key_columns()
        # Sorting by the key itself (one column): the key's order, either way.
        by_key = sort is None or self.key_names() == [sort.name]
        where = self.where()
        if self.request.after:
            sort_value, key = decode_cursor(self.request.after)
            if by_key:
                where.append(self._key_after(key, desc and sort is not None))
            else:
                assert sort is not None
                column = self.table.c[sort.name]
                after_key = self._key_after(key, False)
                if sort_value is None:
                    where.append(sa.and_(column.is_(None), after_key))
                else:
                    try:
                        value = sa.bindparam(
                            None, coerce(sort.kind, sort_value), type_=sort.sql_type
                        )
                    except ValueError_:
                        raise _bad_cursor() from None
                    # Rows after (value, key), nulls last: `beyond OR (equal AND after_key) OR
                    # null`, written as a range on the column AND the tie-break, so that the
                    # range is a plain comparison the scan filters (and its zone maps skip) on
                    # its own, instead of an OR over the column and the key for every row.
                    reached = column <= value if desc else column >= value
                    beyond = column < value if desc else column > value
                    where.append(sa.or_(reached, column.is_(None)))
                    where.append(sa.or_(beyond, column.is_(None), after_key))
        if where:
            select = select.where(*where)
        if by_key:
            order = [c.desc() if desc and sort is not None else c.asc() for c, _ in keys]
            return select.order_by(*order).limit(self.request.limit + 1), names
        assert sort is not None
        order = self._sort_order(self.table, keys, sort)
        if self.dialect != "duckdb":
            return select.order_by(*order).limit(self.request.limit + 1), names
        # DuckDB: the top-N over the whole table reads only the sort column and the row id, and
        # the page's columns are read for its rows alone (late materialisation). Selecting every
        # column in the top-N made it decode all of them for ~10 M rows (0.7-1.4 s a page at
        # 10 M); DuckDB does this by itself only up to `late_materialization_max_rows` (50).
        top = (
            sa.select(keys[0][0])
            .select_from(self.table)
            .where(*where)
            .order_by(*order)
            .limit(self.request.limit + 1)
        )
        outer = self.source.table("p0")
        outer_key = sa.literal_column("p0.rowid", sa.BigInteger())
        page = (
            sa.select(*(outer.c[n] for n in names), outer_key.label(f"{ROW_ID}0"))
            .select_from(outer)
            .where(outer_key.in_(top.scalar_subquery()))
            .order_by(*self._sort_order(outer, [(outer_key, src.NUMBER)], sort))
        )
        return page, names

    def _sort_order(
        self, table: sa.FromClause, keys: list[tuple[Expression, str]], sort: src.Column
    ) -> list[Any]:
        column = table.c[sort.name]
        order = [(column.desc() if self.request.desc else column.asc()).nulls_last()]
        return order + [c.asc() for c, _ in keys]

    def count(self) -> sa.Select[Any]:
        select = sa.select(sa.func.count()).select_from(self.table)
        where = self.where()
        return select.where(*where) if where else select


def page(
    db: Session, viewer: Viewer, name: str, request: PageRequest, timeout_seconds: float
) -> ViewerPage:
    from dataquery.queries.service import engine_of

    source = find_source(db, viewer, name)
    engine = engine_of(db)
    view = _View(source, engine.dialect.name, request)
    statement, names = view.page()
    found = run_read_only(engine, statement, timeout_seconds)
    rows = found.rows[: request.limit]
    key_width = len(view.key_columns())
    next_cursor = None
    if len(found.rows) > request.limit and rows:
        last = rows[-1]
        sort_value = last[names.index(request.sort)] if request.sort else None
        next_cursor = encode_cursor(sort_value, list(last[len(names) : len(names) + key_width]))
    total = None
    if request.count:
        total = int(run_read_only(engine, view.count(), timeout_seconds).rows[0][0])
    return ViewerPage(
        columns=[QueryColumn(name=c.name, kind=c.kind) for c in source.columns],
        rows=plain_rows([r[: len(names)] for r in rows]),
        next_cursor=next_cursor,
        sort=request.sort,
        desc=request.desc,
        key=view.key_names(),
        total=total,
    )


def profile(
    db: Session,
    viewer: Viewer,
    name: str,
    column_name: str,
    filters: tuple[Condition, ...],
    timeout_seconds: float,
) -> ColumnProfile:
    """Type, rows, nulls, distinct values, min/max, and the top values (text, dates, booleans)
    or a 10-bin histogram (numbers), of one column under the viewer's filters."""
    from dataquery.queries.service import engine_of

    source = find_source(db, viewer, name)
    engine = engine_of(db)
    view = _View(source, engine.dialect.name, PageRequest(sort=column_name, filters=filters))
    meta = view.sort_column()
    assert meta is not None
    column = view.table.c[meta.name]
    where = view.where()
    ordered = meta.kind != src.BOOLEAN
    stats = sa.select(
        sa.func.count(),
        sa.func.count(column),
        sa.func.count(sa.distinct(column)),
        sa.func.min(column) if ordered else sa.null(),
        sa.func.max(column) if ordered else sa.null(),
    ).select_from(view.table)
    if where:
        stats = stats.where(*where)
    rows, non_null, distinct, low, high = run_read_only(engine, stats, timeout_seconds).rows[0]
    top: list[TopValue] = []
    histogram: list[HistogramBin] = []
    if meta.kind == src.NUMBER and low is not None and high is not None:
        histogram = _histogram(
            engine, view, column, where, float(low), float(high), timeout_seconds
        )
    elif non_null:
        n = sa.func.count().label("n")
        query = (
            sa.select(column, n)
            .select_from(view.table)
            .where(column.is_not(None), *where)
            .group_by(column)
            .order_by(n.desc(), column.asc())
            .limit(TOP_VALUES)
        )
        top = [
            TopValue(value=plain(v), count=int(c))
            for v, c in run_read_only(engine, query, timeout_seconds).rows
        ]
    return ColumnProfile(
        name=meta.name,
        kind=meta.kind,
        rows=int(rows),
        nulls=int(rows) - int(non_null),
        distinct=int(distinct),
        min=plain(low),
        max=plain(high),
        top_values=top,
        histogram=histogram,
    )


def _histogram(
    engine: Any,
    view: _View,
    column: Expression,
    where: list[Predicate],
    low: float,
    high: float,
    timeout_seconds: float,
) -> list[HistogramBin]:
    width = (high - low) / HISTOGRAM_BINS if high > low else 1.0
    value = sa.cast(column, sa.Float())
    raw = sa.func.floor((value - sa.bindparam(None, low)) / sa.bindparam(None, width))
    bucket = sa.func.least(sa.cast(raw, sa.Integer()), HISTOGRAM_BINS - 1).label("bucket")
    query = (
        sa.select(bucket, sa.func.count())
        .select_from(view.table)
        .where(column.is_not(None), *where)
        .group_by(bucket)
    )
    counts = {int(b): int(c) for b, c in run_read_only(engine, query, timeout_seconds).rows}
    bins = 1 if high == low else HISTOGRAM_BINS
    return [
        HistogramBin(
            low=low + i * width,
            high=low + (i + 1) * width if bins > 1 else high,
            count=counts.get(i, 0),
        )
        for i in range(bins)
    ]
