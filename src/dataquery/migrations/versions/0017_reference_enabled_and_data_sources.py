"""reference data can be disabled; external data sources and the datasets refreshed from them

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = ("dq_filials", "dq_push_event_types", "dq_channels")


def upgrade() -> None:
    for table in _TABLES:
        # DuckDB cannot add a NOT NULL column: add it with its default, then tighten it.
        op.add_column(
            table, sa.Column("enabled", sa.Boolean(), server_default=sa.true(), nullable=True)
        )
        op.execute(sa.text(f"UPDATE {table} SET enabled = TRUE WHERE enabled IS NULL"))
        op.alter_column(table, "enabled", existing_type=sa.Boolean(), nullable=False)
    op.create_table(
        "dq_data_sources",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("dialect", sa.String(length=20), nullable=False),
        sa.Column("display_url", sa.String(length=500), nullable=False),
        sa.Column("secret", sa.Text(), nullable=False, comment="the full URL, encrypted (Fernet)"),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_test_at", sa.DateTime(), nullable=True),
        sa.Column("last_test_ok", sa.Boolean(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dq_data_sources")),
        sa.UniqueConstraint("name", name=op.f("uq_dq_data_sources_name")),
    )
    op.create_table(
        "dq_source_datasets",
        sa.Column("dataset", sa.String(length=64), nullable=False),
        sa.Column("source_id", sa.String(length=36), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("source_table", sa.String(length=200), nullable=True),
        sa.Column("query", sa.Text(), nullable=True),
        sa.Column("schedule", sa.String(length=100), nullable=True, comment="cron, bank time"),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_job_id", sa.String(length=36), nullable=True),
        sa.Column("last_started_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("dataset", name=op.f("pk_dq_source_datasets")),
    )
    op.create_index(
        op.f("ix_dq_source_datasets_source_id"), "dq_source_datasets", ["source_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_dq_source_datasets_source_id"), table_name="dq_source_datasets")
    op.drop_table("dq_source_datasets")
    op.drop_table("dq_data_sources")
    for table in _TABLES:
        op.drop_column(table, "enabled")
