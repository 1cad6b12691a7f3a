"""The list index: suppression-list membership kept as bits of one feature-store column.

An audience funnel over the feature store would otherwise join every suppression list it names
(ten lists of a million IINs against ten million customers: a hash aggregate and a hash join that
cost several times a plain scan). Catalog lists (blacklists and ABC-model lists) change when they
are loaded, which is rare, so loading marks their members instead: list `k` sets bit `k` of
`feature_store.dq_list_bits`, and a funnel step becomes a bit test on the row it already reads.

The two coded datasets are marked the same way, one bit per code: product `X` of `products` is
the entry `products:X`, push event type `Y` of `push_optouts` the entry `push_optouts:Y`, so "owns
a credit card" and "opted out of credit offers" are bit tests too instead of a join and a
hash aggregate over millions of rows.

The index is exact or absent. An entry's row in `dq_list_index` is written in the same transaction
that sets its bit (loading the dataset, or reloading the feature store, which rebuilds every bit);
an entry without a row (an upload used as a suppression list, a code beyond the 62 bits) is
joined as before.
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
# The coded datasets (by name) and the column whose codes get a bit each.
CODED = {"products": "product_code", "push_optouts": "event_type"}


def _feature_store(db: Session) -> Dataset | None:
    return db.get(Dataset, "feature_store")


def _bits_table(table_name: str) -> sa.TableClause:
    return sa.table(
        table_name, sa.column("iin", sa.String()), sa.column(BITS_COLUMN, sa.BigInteger())
    )


def mask(bit: int) -> int:
    return 1 << bit


def code_key(dataset: str, code: str) -> str:
    """The index entry of one code of a coded dataset: `products:credit_card`."""
    return f"{dataset}:{code}"


def index_dataset(db: Session, dataset: Dataset) -> list[ListIndex]:
    """Mark a just loaded dataset's members: a suppression list by its bit, a coded dataset by
    one bit per code; other datasets are not indexed."""
    if dataset.name in CODED:
        return index_codes(db, dataset)
    entry = index_list(db, dataset)
    return [] if entry is None else [entry]


def _free_bits(db: Session) -> list[int]:
    taken = set(db.scalars(sa.select(ListIndex.bit)))
    return [bit for bit in range(MAX_LISTS) if bit not in taken]


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
        free = _free_bits(db)
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


def index_codes(db: Session, dataset: Dataset) -> list[ListIndex]:
    """Mark the codes of a coded dataset: each code present gets a bit (kept from before when it
    had one) while bits are free, the dataset's old and new bits are cleared, and every
    customer's bits are set in one UPDATE from the distinct (iin, code) pairs."""
    fs = _feature_store(db)
    if fs is None:
        return []
    bits = _bits_table(fs.table_name)
    column = sa.func.coalesce(bits.c[BITS_COLUMN], 0)
    prefix = f"{dataset.name}:"
    old = list(db.scalars(sa.select(ListIndex).where(ListIndex.name.startswith(prefix))))
    code_column = CODED[dataset.name]
    rows = sa.table(dataset.table_name, sa.column("iin", sa.String()), sa.column(code_column))
    codes = list(
        db.scalars(
            sa.select(rows.c[code_column])
            .where(rows.c[code_column].is_not(None))
            .distinct()
            .order_by(rows.c[code_column])
        )
    )
    kept = {entry.name: entry for entry in old}
    for entry in old:
        if entry.name.removeprefix(prefix) not in codes:
            db.delete(entry)
    db.flush()
    free = _free_bits(db)
    entries: dict[str, ListIndex] = {}
    for code in codes:
        known = kept.get(code_key(dataset.name, code))
        if known is None and not free:
            continue  # beyond the bits: this code is joined
        fresh = known or ListIndex(name=code_key(dataset.name, code), bit=free.pop(0))
        fresh.indexed_at = utcnow()
        db.add(fresh)
        entries[code] = fresh
    db.flush()
    cleared = sum({mask(entry.bit) for entry in [*old, *entries.values()]})
    if cleared:
        db.execute(
            bits.update()
            .where(column.bitwise_and(cleared) != 0)
            .values({BITS_COLUMN: column - column.bitwise_and(cleared)})
        )
    if not entries:
        return []
    code_mask = sa.case(
        *((rows.c[code_column] == code, mask(entry.bit)) for code, entry in entries.items()),
        else_=0,
    )
    pairs = (
        sa.select(rows.c.iin, code_mask.label("m"))
        .where(rows.c[code_column].in_(list(entries)))
        .distinct()
        .subquery("pairs")
    )
    marks = (
        sa.select(pairs.c.iin, sa.func.sum(pairs.c.m).label("m"))
        .group_by(pairs.c.iin)
        .subquery("marks")
    )
    db.execute(
        bits.update()
        .where(bits.c.iin == marks.c.iin)
        .values({BITS_COLUMN: column + sa.cast(marks.c.m, sa.BigInteger())})
    )
    return list(entries.values())


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
    for name in CODED:
        dataset = db.get(Dataset, name)
        if dataset is not None:
            indexed += index_codes(db, dataset)
    names = [entry.name for entry in indexed]
    db.execute(sa.delete(ListIndex).where(ListIndex.name.not_in(names)))
    return indexed


def all_bits(db: Session) -> dict[str, int]:
    """Every index entry's bit, by entry name (lists and `dataset:code` entries)."""
    return {entry.name: entry.bit for entry in db.scalars(sa.select(ListIndex))}


def bits_by_list(entries: Session | dict[str, int]) -> dict[str, int]:
    """Every indexed suppression list's bit (from the database, or from `all_bits`)."""
    found = all_bits(entries) if isinstance(entries, Session) else entries
    return {name: bit for name, bit in found.items() if ":" not in name}


def bits_by_code(entries: Session | dict[str, int], dataset: str) -> dict[str, int]:
    """The bit of every indexed code of a coded dataset, by code."""
    found = all_bits(entries) if isinstance(entries, Session) else entries
    prefix = f"{dataset}:"
    return {
        name.removeprefix(prefix): bit for name, bit in found.items() if name.startswith(prefix)
    }
