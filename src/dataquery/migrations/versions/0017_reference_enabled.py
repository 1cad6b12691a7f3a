"""reference data: filials, push event types and channels can be disabled (streams could)

Revision ID: 0017
Revises: 0012
Create Date: 2026-12-07 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0012"
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


def downgrade() -> None:
    for table in _TABLES:
        op.drop_column(table, "enabled")
