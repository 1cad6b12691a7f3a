"""Saved audiences: the spec, its funnel and a frozen snapshot of the IINs it selected.

The snapshot is what a campaign deploys, so it never changes after saving, whatever happens to
the lists and the feature store afterwards. Members are bulk-inserted with INSERT ... SELECT from
the compiled query, never row by row: a plain Core table.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from dataquery.core.db import IIN, Base, JSONText, utcnow


class Audience(Base):
    """One version of a saved audience. Versions of one audience share `family_id` (the first
    version's id) and are numbered 1, 2, ...; each has its own frozen snapshot, so a campaign
    keeps the version it was built on whatever versions come after."""

    __tablename__ = "dq_audiences"
    __table_args__ = (
        sa.Index("uq_dq_audiences_family_id_version", "family_id", "version", unique=True),
    )

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    owner: Mapped[str] = mapped_column(sa.String(100), index=True)
    spec: Mapped[dict[str, Any]] = mapped_column(JSONText)
    funnel: Mapped[list[dict[str, Any]]] = mapped_column(JSONText)
    size: Mapped[int] = mapped_column(sa.BigInteger)
    reference_date: Mapped[date] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, index=True)
    family_id: Mapped[str] = mapped_column(sa.String(36))
    version: Mapped[int] = mapped_column(sa.Integer)


# No primary key: (audience_id, iin) is unique by construction (the final audience is distinct),
# and on DuckDB a key or any index (an ART) makes a bulk insert of a million IINs ~10x slower and
# deleting them ~1000x slower. A snapshot's rows are written together, so DuckDB's zone maps on
# audience_id find them; the index on audience_id is created on the other engines only
# (migration 0004).
audience_members = sa.Table(
    "dq_audience_members",
    Base.metadata,
    sa.Column("audience_id", sa.String(36), nullable=False, index=True),
    sa.Column("iin", IIN, nullable=False),
    comment="The frozen snapshot of a saved audience's IINs.",
)
