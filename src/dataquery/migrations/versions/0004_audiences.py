"""audiences: saved audiences and their frozen member snapshots

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 17:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dataquery.core.db import JSONText

revision: str = "0004"
# At commit: set this to "0003" and 0005's to "0004".
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _duckdb() -> bool:
    return op.get_context().dialect.name == "duckdb"


def upgrade() -> None:
    op.create_table(
        "dq_audiences",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("owner", sa.String(length=100), nullable=False),
        sa.Column("spec", JSONText(), nullable=False),
        sa.Column("funnel", JSONText(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("reference_date", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dq_audiences")),
    )
    op.create_index(op.f("ix_dq_audiences_owner"), "dq_audiences", ["owner"], unique=False)
    op.create_index(
        op.f("ix_dq_audiences_created_at"), "dq_audiences", ["created_at"], unique=False
    )
    # No primary key, and no index on DuckDB: there an ART index makes bulk-inserting a
    # snapshot ~10x slower and deleting one ~1000x slower, while zone maps find a snapshot's
    # contiguous rows anyway (see audiences/models.py).
    op.create_table(
        "dq_audience_members",
        sa.Column("audience_id", sa.String(length=36), nullable=False),
        sa.Column("iin", sa.String(length=12), nullable=False),
        comment="The frozen snapshot of a saved audience's IINs.",
    )
    if not _duckdb():
        op.create_index(
            op.f("ix_dq_audience_members_audience_id"),
            "dq_audience_members",
            ["audience_id"],
            unique=False,
        )


def downgrade() -> None:
    if not _duckdb():
        op.drop_index(op.f("ix_dq_audience_members_audience_id"), table_name="dq_audience_members")
    op.drop_table("dq_audience_members")
    op.drop_index(op.f("ix_dq_audiences_created_at"), table_name="dq_audiences")
    op.drop_index(op.f("ix_dq_audiences_owner"), table_name="dq_audiences")
    op.drop_table("dq_audiences")
