"""The reach index: what a customer lacks for push and SMS, kept as bits of a feature-store column.

A preview's live reachability tests, for every row of the final audience, whether it has a p_sid
and a valid phone. On DuckDB the final rows are read back from the feature store by row id, and
reading back those two strings for a tenth of the customers decompressed every row group's
strings: a third of a 20-step preview at 1 M customers. Both tests depend only on the row itself,
which changes only when the feature store is loaded, so loading it answers them once: bit
`NO_P_SID` and bit `NO_PHONE` of `dq_unreachable` (NULL: has both; only the rows lacking one are
written, and a column added without a default costs PostgreSQL no rewrite).

The index is exact or absent: its row in `dq_contact_index` (name `reach`) is written in the
transaction that fills the column, after the feature store was (re)loaded; without it the preview
reads the p_sid and the phone as before. The rules themselves are here, below the audiences that
apply them (`audiences.reach`).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dataquery.core.db import utcnow
from dataquery.datasets.loader import quoted
from dataquery.datasets.models import ContactIndex, Dataset

NAME = "reach"
COLUMN = "dq_unreachable"
NO_P_SID = 1
NO_PHONE = 2
PHONE_PATTERN = r"^\+77[0-9]{9}$"


def has_p_sid(p_sid: sa.ColumnElement[Any]) -> sa.ColumnElement[bool]:
    return sa.and_(p_sid.is_not(None), p_sid != "")


def valid_phone(phone: sa.ColumnElement[Any]) -> sa.ColumnElement[bool]:
    return sa.func.coalesce(phone, "").regexp_match(PHONE_PATTERN)


def build(db: Session) -> bool:
    """After the feature store was (re)loaded: add the column if needed, fill it, record the
    index. A feature store without a p_sid (or phone) column lacks it on every row. False when
    there is no feature store."""
    fs = db.get(Dataset, "feature_store")
    if fs is None:
        return False
    names = {str(c.get("name")) for c in fs.columns or []}
    conn = db.connection()
    table = quoted(conn, fs.table_name)
    conn.execute(sa.text(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {COLUMN} SMALLINT"))
    store = sa.table(
        fs.table_name,
        sa.column("p_sid", sa.String()),
        sa.column("phone", sa.String()),
        sa.column(COLUMN, sa.SmallInteger()),
    )
    p_sid_ok = has_p_sid(store.c.p_sid) if "p_sid" in names else sa.false()
    phone_ok = valid_phone(store.c.phone) if "phone" in names else sa.false()
    lacks = sa.case((sa.not_(p_sid_ok), NO_P_SID), else_=0) + sa.case(
        (sa.not_(phone_ok), NO_PHONE), else_=0
    )
    # One pass: rows lacking something get their bits, rows mended since the last build
    # (`dataquery index reach` after outside writes) lose theirs; a reloaded feature store has
    # a new, empty column.
    db.execute(
        store.update()
        .where(sa.or_(store.c[COLUMN].is_not(None), sa.not_(p_sid_ok), sa.not_(phone_ok)))
        .values({COLUMN: sa.func.nullif(lacks, 0)})
    )
    entry = db.get(ContactIndex, NAME) or ContactIndex(name=NAME)
    entry.depth = 0
    entry.built_at = utcnow()
    db.add(entry)
    db.flush()
    return True
