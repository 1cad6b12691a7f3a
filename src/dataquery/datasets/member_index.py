"""The member index: campaign groups' members marked by bits of one feature-store column.

Stream exclusion removes members of the target (mb22) or control (mb21) groups of a stream's
live campaigns; at 1 M customers joining those tables was a third of a 20-step funnel. Campaign
groups change only through this application (deploy, members added or removed, cancel,
delete), so those writes mark them instead: group `g` of campaign `c` sets bit `k` of
`feature_store.dq_member_bits`, and the step becomes a bit test on the row the funnel reads,
with the mask made of the bits of the campaigns that match the step (a lookup of the few
campaign rows).

The index is exact or absent, per group: a row of `dq_member_index` is written in the
transaction that sets its bit; a group without one (deployed before the index, past the 62
bits while every other group is of a live campaign) is joined as before.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dataquery.bank.tables import CampaignDict, local_control, local_target
from dataquery.core.db import utcnow
from dataquery.datasets.contact_index import NOT_CONTACTING
from dataquery.datasets.loader import quoted
from dataquery.datasets.models import Dataset, MemberIndex

BITS_COLUMN = "dq_member_bits"
MAX_BITS = 62  # bits 0..61: the column stays a positive BIGINT on every engine
GROUPS = {"local_target": local_target, "local_control": local_control}


def _bits_table(db: Session) -> sa.TableClause | None:
    fs = db.get(Dataset, "feature_store")
    if fs is None:
        return None
    return sa.table(
        fs.table_name, sa.column("iin", sa.String()), sa.column(BITS_COLUMN, sa.BigInteger())
    )


def _ensure_column(db: Session, table: sa.TableClause) -> None:
    conn = db.connection()
    conn.execute(
        sa.text(
            f"ALTER TABLE {quoted(conn, table.name)} ADD COLUMN IF NOT EXISTS "
            f"{quoted(conn, BITS_COLUMN)} BIGINT DEFAULT 0"
        )
    )


def _mark(db: Session, table: sa.TableClause, entry: MemberIndex) -> None:
    """Clear the entry's bit everywhere, then set it for the group's members."""
    column = sa.func.coalesce(table.c[BITS_COLUMN], 0)
    value = 1 << entry.bit
    db.execute(
        table.update().where(column.bitwise_and(value) != 0).values({BITS_COLUMN: column - value})
    )
    group = GROUPS[entry.group_name]
    db.execute(
        table.update()
        .where(table.c.iin.in_(sa.select(group.c.iin).where(group.c.camp_cd == entry.camp_cd)))
        .values({BITS_COLUMN: column.bitwise_or(value)})
    )


def _free_bit(db: Session, today: date) -> int | None:
    taken = set(db.scalars(sa.select(MemberIndex.bit)))
    free = [bit for bit in range(MAX_BITS) if bit not in taken]
    if free:
        return free[0]
    # Every bit taken: the groups of campaigns that ended before today give theirs back (a
    # funnel for an earlier date then joins them).
    ended = sa.select(CampaignDict.camp_cd).where(CampaignDict.end_date < today)
    old = list(db.scalars(sa.select(MemberIndex).where(MemberIndex.camp_cd.in_(ended))))
    if not old:
        return None
    table = _bits_table(db)
    for entry in old:
        if table is not None:
            _clear(db, table, entry.bit)
        db.delete(entry)
    db.flush()
    return min(entry.bit for entry in old)


def _clear(db: Session, table: sa.TableClause, bit: int) -> None:
    column = sa.func.coalesce(table.c[BITS_COLUMN], 0)
    value = 1 << bit
    db.execute(
        table.update().where(column.bitwise_and(value) != 0).values({BITS_COLUMN: column - value})
    )


def index_campaign(db: Session, code: str, today: date) -> None:
    """After a campaign's groups were written or changed: mark both groups (a bit each while
    bits last). Run it in the transaction that changed them."""
    table = _bits_table(db)
    if table is None:
        return
    _ensure_column(db, table)
    for name in GROUPS:
        entry = db.get(MemberIndex, (code, name))
        if entry is None:
            bit = _free_bit(db, today)
            if bit is None:
                continue  # joined
            entry = MemberIndex(camp_cd=code, group_name=name, bit=bit)
        entry.indexed_at = utcnow()
        db.add(entry)
        db.flush()
        _mark(db, table, entry)


def add_members(db: Session, code: str, group_name: str, iins: sa.Select[Any], today: date) -> None:
    """Members just added to one group of a campaign: their bit is set (both groups are marked
    whole when this one has no bit yet)."""
    entry = db.get(MemberIndex, (code, group_name))
    table = _bits_table(db)
    if table is None:
        return
    if entry is None:
        index_campaign(db, code, today)
        return
    column = sa.func.coalesce(table.c[BITS_COLUMN], 0)
    db.execute(
        table.update()
        .where(table.c.iin.in_(iins))
        .values({BITS_COLUMN: column.bitwise_or(1 << entry.bit)})
    )


def add_members_of_groups(
    db: Session, members: sa.FromClause, groups: list[tuple[str, str, str]], today: date
) -> None:
    """Members just added to many groups at once (the daily distribution): one UPDATE of the
    feature store for all of them, each row written once, not one UPDATE per group.

    `members` has the columns camp_cd, grp and iin; `groups` lists (camp_cd, grp value, group
    name). A group without a bit yet is marked whole (`index_campaign`), as in `add_members`."""
    table = _bits_table(db)
    if table is None:
        return
    bits: list[tuple[sa.ColumnElement[bool], int]] = []
    marked_whole: set[str] = set()
    for code, grp, name in groups:
        if code in marked_whole:
            continue
        entry = db.get(MemberIndex, (code, name))
        if entry is None:
            index_campaign(db, code, today)  # both groups, new members included
            marked_whole.add(code)
            continue
        bits.append((sa.and_(members.c.camp_cd == code, members.c.grp == grp), 1 << entry.bit))
    if not bits:
        return
    bit = sa.case(*((match, sa.literal(value, sa.BigInteger)) for match, value in bits),
                  else_=sa.literal(0, sa.BigInteger))  # fmt: skip
    added = (
        sa.select(members.c.iin.label("iin"), sa.func.bit_or(bit).label("bits"))
        .group_by(members.c.iin)
        .subquery("added")
    )
    column = sa.func.coalesce(table.c[BITS_COLUMN], 0)
    db.execute(
        table.update()
        .where(table.c.iin == added.c.iin)
        .values({BITS_COLUMN: column.bitwise_or(added.c.bits)})
    )


def drop_campaign(db: Session, code: str) -> None:
    """A cancelled or deleted campaign holds no one: its bits are cleared and freed."""
    table = _bits_table(db)
    for entry in db.scalars(sa.select(MemberIndex).where(MemberIndex.camp_cd == code)):
        if table is not None:
            _clear(db, table, entry.bit)
        db.delete(entry)
    db.flush()


def rebuild(db: Session) -> None:
    """After the feature store was (re)loaded: the column again, every indexed group marked."""
    table = _bits_table(db)
    if table is None:
        return
    _ensure_column(db, table)
    for entry in db.scalars(sa.select(MemberIndex).order_by(MemberIndex.bit)):
        _mark(db, table, entry)


def index_live(db: Session, today: date) -> int:
    """Mark the groups of every campaign holding members from `today` on (after groups were
    written from outside the application); returns how many campaigns."""
    live = db.scalars(
        sa.select(CampaignDict.camp_cd)
        .where(CampaignDict.end_date >= today, CampaignDict.status.not_in(NOT_CONTACTING))
        .order_by(CampaignDict.start_date, CampaignDict.camp_cd)
    ).all()
    for code in live:
        index_campaign(db, code, today)
    return len(live)


def bits_by_group(db: Session) -> dict[tuple[str, str], int]:
    """(camp_cd, group name) → bit, for every indexed group."""
    return {(e.camp_cd, e.group_name): e.bit for e in db.scalars(sa.select(MemberIndex))}
