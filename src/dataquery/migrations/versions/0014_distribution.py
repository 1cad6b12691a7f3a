"""distribution: campaigns opt in to the daily pool (dq_campaign_details.pool_share); a row per distribution run

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-07 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dataquery.core.db import JSONText

revision: str = "0014"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "dq_campaign_details",
        sa.Column("pool_share", sa.Boolean(), nullable=True, server_default=sa.false()),
    )
    op.create_table(
        "dq_distribution_runs",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("trigger", sa.String(length=20), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("seconds", sa.Float(), nullable=True),
        sa.Column("pool_size", sa.BigInteger(), nullable=False),
        sa.Column("distributed", sa.BigInteger(), nullable=False),
        sa.Column("campaigns", JSONText(), nullable=True),
        sa.Column("undistributed", JSONText(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dq_distribution_runs")),
    )
    op.create_index(
        op.f("ix_dq_distribution_runs_day"), "dq_distribution_runs", ["day"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_dq_distribution_runs_day"), table_name="dq_distribution_runs")
    op.drop_table("dq_distribution_runs")
    op.drop_column("dq_campaign_details", "pool_share")
