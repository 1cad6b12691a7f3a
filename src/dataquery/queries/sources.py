"""What a query or the viewer may read, and as whom: the one place that turns a name into a table.

Identifiers come only from here: the dataset catalog (`dq_datasets`, its `columns`), the bank's
campaign tables and the app's own tables (`Base.metadata`). A name that is not in the list the
caller may see is answered exactly like a missing one.

Who sees what:
- everyone signed in: the catalog's datasets (uploads: their owner's and the admins'), and the
  bank's campaign tables (mb01, rb3, fd_rb2, mb21, mb22, off_limit, mb11);
- administrators also: the app's own `dq_*` tables, without the secrets of sign-in (sessions,
  refresh tokens, password attempts are nobody's to read, nor `dq_users.password_hash`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dataquery.core.db import Base
from dataquery.core.errors import InvalidInput
from dataquery.core.problems import problem
from dataquery.datasets.access import Viewer, visible_datasets

# Column kinds the spec reasons about; the web shows them in the schema tree.
NUMBER, TEXT, BOOLEAN, DATE, TIMESTAMP = "number", "text", "boolean", "date", "timestamp"
KINDS = (NUMBER, TEXT, BOOLEAN, DATE, TIMESTAMP)

APP_PREFIX = "dq_"
# Never readable, not even by an administrator: they hold what signs people in.
SECRET_TABLES = frozenset({"dq_auth_sessions", "dq_refresh_tokens", "dq_password_attempts"})
SECRET_COLUMNS = {"dq_users": frozenset({"password_hash"})}
# Columns on which two tables may be joined (DESIGN §3: every dataset has an iin).
JOIN_KEYS = ("iin", "camp_cd")
# The category shown for tables that are not catalog datasets.
BANK_CATEGORY, APP_CATEGORY = "bank", "app"

SQL_TYPES: dict[str, sa.types.TypeEngine[Any]] = {
    NUMBER: sa.Float(),
    TEXT: sa.String(),
    BOOLEAN: sa.Boolean(),
    DATE: sa.Date(),
    TIMESTAMP: sa.DateTime(),
}


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    kind: str
    sql_type: sa.types.TypeEngine[Any]


@dataclass(frozen=True, slots=True)
class Source:
    """A readable table: its name in specs, its table in the warehouse, its columns and its
    unique key (empty: none is declared, the viewer pages on the engine's row id)."""

    name: str
    table_name: str
    category: str
    description: str | None
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    row_count: int | None = None

    def column(self, name: str) -> Column | None:
        for column in self.columns:
            if column.name == name:
                return column
        return None

    def table(self, alias: str | None = None) -> sa.TableClause:
        table = sa.table(self.table_name, *(sa.column(c.name, c.sql_type) for c in self.columns))
        return table.alias(alias) if alias else table  # type: ignore[return-value]


def kind_of_arrow(type_name: str) -> str:
    """The kind of a catalog column from its Arrow type name (`int64`, `date32[day]`, ...)."""
    name = type_name.lower()
    if name.startswith(("int", "uint", "float", "double", "decimal", "halffloat")):
        return NUMBER
    if name.startswith("bool"):
        return BOOLEAN
    if name.startswith("date"):
        return DATE
    if name.startswith("timestamp"):
        return TIMESTAMP
    return TEXT


def kind_of_sql(sql_type: sa.types.TypeEngine[Any]) -> str:
    if isinstance(sql_type, sa.Boolean):
        return BOOLEAN
    if isinstance(sql_type, sa.DateTime):
        return TIMESTAMP
    if isinstance(sql_type, sa.Date):
        return DATE
    if isinstance(sql_type, sa.Integer | sa.Numeric | sa.Float):
        return NUMBER
    return TEXT


def _sql_type_of_kind(kind: str, type_name: str) -> sa.types.TypeEngine[Any]:
    if kind == NUMBER and type_name.lower().startswith(("int", "uint")):
        return sa.BigInteger()
    return SQL_TYPES[kind]


def _catalog_sources(db: Session, viewer: Viewer | None) -> list[Source]:
    sources = []
    for dataset in visible_datasets(db, viewer):
        columns = tuple(
            Column(c["name"], kind, _sql_type_of_kind(kind, str(c["type"])))
            for c in dataset.columns or []
            for kind in [kind_of_arrow(str(c["type"]))]
        )
        key = ("iin",) if dataset.category == "feature_store" else ()
        sources.append(
            Source(
                dataset.name,
                dataset.table_name,
                dataset.category,
                dataset.description,
                columns,
                key,
                dataset.row_count,
            )
        )
    return sources


def _metadata_sources(viewer: Viewer | None) -> list[Source]:
    import dataquery.models  # noqa: F401  (every table registered on Base.metadata)

    admin = viewer is None or viewer.is_admin
    sources = []
    for table in sorted(Base.metadata.tables.values(), key=lambda t: t.name):
        app = table.name.startswith(APP_PREFIX)
        if table.name in SECRET_TABLES or (app and not admin):
            continue
        hidden = SECRET_COLUMNS.get(table.name, frozenset())
        columns = tuple(
            Column(c.name, kind_of_sql(c.type), c.type)
            for c in table.columns
            if c.name not in hidden
        )
        key = tuple(c.name for c in table.primary_key.columns)
        description = table.comment or (table.c[key[0]].comment if key else None)
        category = APP_CATEGORY if app else BANK_CATEGORY
        sources.append(Source(table.name, table.name, category, description, columns, key))
    return sources


def readable_sources(db: Session, viewer: Viewer | None) -> list[Source]:
    """Every table `viewer` may read: catalog datasets first, then the bank's and app's tables
    (a catalog dataset that is a bank table, like global_control, appears under both names)."""
    return _catalog_sources(db, viewer) + _metadata_sources(viewer)


def resolve_source(db: Session, viewer: Viewer | None, name: str, field: str) -> Source:
    """The source named `name`, or a 422 naming the field (missing and forbidden alike)."""
    for source in readable_sources(db, viewer):
        if source.name == name:
            return source
    raise InvalidInput(
        f"unknown table {name!r}",
        code="query.unknown_table",
        params={"name": name},
        errors=[problem(field, "query.unknown_table", f"unknown table {name!r}", name=name)],
    )
