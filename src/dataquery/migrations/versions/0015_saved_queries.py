"""queries: saved query specs (owner, name, shared or private)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dataquery.core.db import JSONText

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dq_saved_queries",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("owner", sa.String(100), nullable=False),
        sa.Column("shared", sa.Boolean(), nullable=False),
        sa.Column("spec", JSONText(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dq_saved_queries")),
    )
    op.create_index("ix_dq_saved_queries_owner", "dq_saved_queries", ["owner"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_dq_saved_queries_owner", table_name="dq_saved_queries")
    op.drop_table("dq_saved_queries")
