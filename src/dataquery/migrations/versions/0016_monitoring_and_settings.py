"""monitoring: request latency per route, the query log; run-time settings

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dataquery.core.db import JSONText

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dq_route_stats",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("bucket_start", sa.DateTime(), nullable=False),
        sa.Column("instance", sa.String(length=64), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("route", sa.String(length=200), nullable=False),
        sa.Column("requests", sa.BigInteger(), nullable=False),
        sa.Column("errors", sa.BigInteger(), nullable=False),
        sa.Column("total_ms", sa.Float(), nullable=False),
        sa.Column("max_ms", sa.Float(), nullable=False),
        sa.Column("buckets", JSONText(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dq_route_stats")),
    )
    op.create_index(
        op.f("ix_dq_route_stats_bucket_start"), "dq_route_stats", ["bucket_start"], unique=False
    )
    op.create_table(
        "dq_query_log",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("instance", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=True),
        sa.Column("duration_ms", sa.Float(), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("rows", sa.BigInteger(), nullable=True),
        sa.Column("detail", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dq_query_log")),
    )
    op.create_index(
        op.f("ix_dq_query_log_occurred_at"), "dq_query_log", ["occurred_at"], unique=False
    )
    op.create_index(op.f("ix_dq_query_log_kind"), "dq_query_log", ["kind"], unique=False)
    op.create_table(
        "dq_settings",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", JSONText(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_dq_settings")),
    )


def downgrade() -> None:
    op.drop_table("dq_settings")
    op.drop_index(op.f("ix_dq_query_log_kind"), table_name="dq_query_log")
    op.drop_index(op.f("ix_dq_query_log_occurred_at"), table_name="dq_query_log")
    op.drop_table("dq_query_log")
    op.drop_index(op.f("ix_dq_route_stats_bucket_start"), table_name="dq_route_stats")
    op.drop_table("dq_route_stats")
