"""The list index: suppression-list membership kept as bits of one feature-store column.

An audience funnel over the feature store would otherwise join every suppression list it names
(ten lists of a million IINs against ten million customers: a hash aggregate and a hash join that
cost several times a plain scan). Catalog lists (blacklists and ABC-model lists) change when they
are loaded, which is rare, so loading marks their members instead: list `k` sets bit `k` of
`feature_store.dq_list_bits`, and a funnel step becomes a bit test on the row it already reads.

The index is exact or absent. A list's row in `dq_list_index` is written in the same transaction
that sets its bit (loading the list, or reloading the feature store, which rebuilds every bit);
a list without a row, an upload used as a suppression list, or a 63rd list is joined as before.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dataquery.core.db import utcnow
from dataquery.datasets.loader import quoted
from dataquery.datasets.models import Dataset, DatasetCategory, ListIndex

BITS_COLUMN = "dq_list_bits"
INDEXED_CATEGORIES = frozenset({DatasetCategory.BLACKLIST.value, DatasetCategory.ABC_MODEL.value})
MAX_LISTS = 62  # bits 0..61: the column stays a positive BIGINT on every engine


def _feature_store(db: Session) -> Dataset | None:
    return db.get(Dataset, "feature_store")


def _bits_table(table_name: str) -> sa.TableClause:
    return sa.table(
        table_name, sa.column("iin", sa.String()), sa.column(BITS_COLUMN, sa.BigInteger())
    )


def mask(bit: int) -> int:
    return 1 << bit


def index_list(db: Session, dataset: Dataset) -> ListIndex | None:
    """Mark `dataset`'s members in the feature store (after the list or the store was loaded).

    Returns its index row, or None when it stays unindexed (no feature store yet, not a catalog
    suppression list, or every bit taken).
    """
    fs = _feature_store(db)
    if fs is None or dataset.category not in INDEXED_CATEGORIES:
        return None
    entry = db.get(ListIndex, dataset.name)
    if entry is None:
        taken = set(db.scalars(sa.select(ListIndex.bit)))
        free = [bit for bit in range(MAX_LISTS) if bit not in taken]
        if not free:
            return None
        entry = ListIndex(name=dataset.name, bit=free[0])
    bits = _bits_table(fs.table_name)
    column, value = sa.func.coalesce(bits.c[BITS_COLUMN], 0), mask(entry.bit)
    members = sa.table(dataset.table_name, sa.column("iin", sa.String()))
    db.execute(
        bits.update().where(column.bitwise_and(value) != 0).values({BITS_COLUMN: column - value})
    )
    db.execute(
        bits.update()
        .where(bits.c.iin.in_(sa.select(members.c.iin)))
        .values({BITS_COLUMN: column.bitwise_or(value)})
    )
    entry.indexed_at = utcnow()
    db.add(entry)
    db.flush()
    return entry


def rebuild(db: Session) -> list[ListIndex]:
    """After the feature store was (re)loaded: add the bits column and mark every catalog list."""
    fs = _feature_store(db)
    if fs is None:
        return []
    conn = db.connection()
    conn.execute(
        sa.text(
            f"ALTER TABLE {quoted(conn, fs.table_name)} ADD COLUMN IF NOT EXISTS "
            f"{quoted(conn, BITS_COLUMN)} BIGINT DEFAULT 0"
        )
    )
    lists = db.scalars(
        sa.select(Dataset).where(Dataset.category.in_(INDEXED_CATEGORIES)).order_by(Dataset.name)
    )
    indexed = [entry for dataset in lists if (entry := index_list(db, dataset)) is not None]
    names = [entry.name for entry in indexed]
    db.execute(sa.delete(ListIndex).where(ListIndex.name.not_in(names)))
    return indexed


def bits_by_list(db: Session) -> dict[str, int]:
    """Every indexed list's bit."""
    return {entry.name: entry.bit for entry in db.scalars(sa.select(ListIndex))}
