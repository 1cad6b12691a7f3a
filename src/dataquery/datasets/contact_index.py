"""The contact index: every customer's latest contacts, kept in columns of the feature store.

`recent_contact` and `frequency_cap` would otherwise read the whole contact history on every
preview and group it by IIN and campaign (at 1 M customers two thirds of a 20-step funnel's
time). The history changes only when a campaign is deployed, cancelled or deleted or its members
change, all through this application, so those writes keep a summary instead: for each
customer, the dates of their DEPTH latest contacts, latest first, in `dq_contact_1` ≥
`dq_contact_2` ≥ …. A contact is one campaign (its latest history row for the customer, so push
and SMS of one campaign count once); rows of draft or cancelled campaigns do not count, rows of
a campaign the bank's dictionary lacks (older history) do. Then "contacted from day S on" is
`dq_contact_1 >= S` and "at least m contacts from day S on" (m ≤ DEPTH) is `dq_contact_m >= S`.

The index is exact or absent. `dq_contact_index` holds a row only while the columns are right:
`build` writes it in the transaction that fills them (loading the feature store, or
`dataquery index history` after the bank's history was loaded from outside), and every write
of the application to the history refreshes the customers it touched in its own transaction.
Without the row, and for the rules the summary cannot answer (contacts by stream or channel, a
cap above DEPTH, a campaign's own contacts left out), the funnel reads the history as before.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.orm import Session

from dataquery.bank.tables import CampaignDict, contact_history
from dataquery.core.bulk import compiled_sql, fetch_arrow, staged
from dataquery.core.db import utcnow
from dataquery.datasets.loader import quoted
from dataquery.datasets.models import ContactIndex, Dataset

NAME = "contacts"
DEPTH = 5  # frequency caps above it read the history
COLUMNS = tuple(f"dq_contact_{k}" for k in range(1, DEPTH + 1))
# Campaign statuses whose rows never count as contacts or campaign membership.
NOT_CONTACTING = ("draft", "cancelled")
_IINS = pa.schema([("iin", pa.string())])
_LATEST = pa.schema([("iin", pa.string()), *((c, pa.date32()) for c in COLUMNS)])


def column_for(contacts: int) -> str | None:
    """The column that holds a customer's `contacts`-th latest contact, if the index keeps it."""
    return COLUMNS[contacts - 1] if 1 <= contacts <= DEPTH else None


def is_built(db: Session) -> bool:
    return db.get(ContactIndex, NAME) is not None


def _store(db: Session) -> sa.TableClause | None:
    fs = db.get(Dataset, "feature_store")
    if fs is None:
        return None
    return sa.table(
        fs.table_name, sa.column("iin", sa.String()), *(sa.column(c, sa.Date()) for c in COLUMNS)
    )


def counted_history() -> sa.Select[Any]:
    """History rows that count as contacts: not of a draft or cancelled campaign."""
    history = contact_history.c
    campaigns = CampaignDict.__table__.c
    not_contacting = sa.select(campaigns.camp_cd).where(campaigns.status.in_(NOT_CONTACTING))
    return sa.select(history.iin, history.camp_cd, history.contact_date).where(
        history.camp_cd.not_in(not_contacting)
    )


def _latest(iins: sa.Select[Any] | None) -> sa.Subquery:
    """(iin, dq_contact_1..DEPTH) for every IIN of `iins` (all with contacts when None)."""
    rows = counted_history()
    if iins is not None:
        rows = rows.where(contact_history.c.iin.in_(iins))
    per_campaign = (
        rows.with_only_columns(
            contact_history.c.iin,
            sa.func.max(contact_history.c.contact_date).label("day"),
            maintain_column_froms=True,
        )
        .group_by(contact_history.c.iin, contact_history.c.camp_cd)
        .subquery("per_campaign")
    )
    ranked = sa.select(
        per_campaign.c.iin,
        per_campaign.c.day,
        sa.func.row_number()
        .over(partition_by=per_campaign.c.iin, order_by=per_campaign.c.day.desc())
        .label("k"),
    ).subquery("ranked")
    columns = [
        sa.func.max(sa.case((ranked.c.k == k, ranked.c.day))).label(name)
        for k, name in enumerate(COLUMNS, start=1)
    ]
    kept = sa.select(ranked.c.iin, *columns).where(ranked.c.k <= DEPTH).group_by(ranked.c.iin)
    if iins is None:
        return kept.subquery("latest")
    # Every IIN asked about gets a row: one whose contacts are all gone gets NULLs.
    found = kept.subquery("found")
    given = iins.subquery("given")
    asked = sa.select(given.c[0].label("iin")).distinct().subquery("asked")
    return (
        sa.select(asked.c.iin, *(found.c[c] for c in COLUMNS))
        .select_from(asked.outerjoin(found, found.c.iin == asked.c.iin))
        .subquery("latest")
    )


def build(db: Session) -> bool:
    """Add the columns if needed and fill them from the whole history; record the index.
    False when there is no feature store yet."""
    store = _store(db)
    if store is None:
        return False
    conn = db.connection()
    for column in COLUMNS:
        conn.execute(
            sa.text(
                f"ALTER TABLE {quoted(conn, store.name)} "
                f"ADD COLUMN IF NOT EXISTS {quoted(conn, column)} DATE"
            )
        )
    db.execute(
        store.update()
        .where(store.c[COLUMNS[0]].is_not(None))
        .values({c: sa.null() for c in COLUMNS})
    )
    _write(db, store, _latest(None))
    entry = db.get(ContactIndex, NAME) or ContactIndex(name=NAME)
    entry.depth = DEPTH
    entry.built_at = utcnow()
    db.add(entry)
    db.flush()
    return True


def _write(db: Session, store: sa.TableClause, latest: sa.Subquery) -> None:
    """The latest contacts are computed into a table first: DuckDB's UPDATE joined with the
    windowed query itself is about 50 times slower than with a staged table. PostgreSQL keeps
    them on the server (a temporary table made by the query); elsewhere they are read out
    and staged."""
    conn = db.connection()
    if conn.dialect.name == "postgresql":
        _write_on_server(conn, store, latest)
        return
    rows = fetch_arrow(conn, sa.select(latest), _LATEST)
    if not rows.num_rows:
        return
    with staged(conn, rows) as fresh:
        db.execute(
            store.update()
            .where(store.c.iin == fresh.c.iin)
            .values({c: sa.cast(fresh.c[c], sa.Date()) for c in COLUMNS})
        )


def _write_on_server(conn: sa.Connection, store: sa.TableClause, latest: sa.Subquery) -> None:
    """PostgreSQL: CREATE TEMPORARY TABLE … AS the latest contacts, then one UPDATE from it (no
    round trip of every row through Python and back)."""
    name = f"dq_latest_{uuid.uuid4().hex[:12]}"
    sql, params = compiled_sql(conn, sa.select(latest))
    conn.exec_driver_sql(f"CREATE TEMPORARY TABLE {name} ON COMMIT DROP AS {sql}", params)
    conn.exec_driver_sql(f"ANALYZE {name}")
    fresh = sa.table(name, sa.column("iin"), *(sa.column(c) for c in COLUMNS))
    conn.execute(
        store.update()
        .where(store.c.iin == fresh.c.iin)
        .values({c: sa.cast(fresh.c[c], sa.Date()) for c in COLUMNS})
    )
    # On failure the rollback (or ON COMMIT DROP) removes the table.
    conn.exec_driver_sql(f"DROP TABLE {name}")


def refresh(db: Session, iins: sa.Select[Any]) -> None:
    """After the history of the IINs `iins` selects changed: recompute theirs (no-op without an
    index). Run it in the transaction that changed the history, after the change."""
    if not is_built(db):
        return
    store = _store(db)
    if store is not None:
        _write(db, store, _latest(iins))


@contextmanager
def following(db: Session, iins: sa.Select[Any]) -> Iterator[None]:
    """Refresh the IINs `iins` selects now (before the block deletes their rows) once the block
    has changed the history: for deletes, whose IINs are gone afterwards."""
    if not is_built(db):
        yield
        return
    held = fetch_arrow(db.connection(), iins, _IINS)
    yield
    with staged(db.connection(), held) as touched:
        refresh(db, sa.select(touched.c.iin))
