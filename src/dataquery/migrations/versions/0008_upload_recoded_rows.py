"""uploads: the lines of a UTF-8 file that were not UTF-8 and were read as CP1251

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dataquery.core.db import JSONText

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable: DuckDB cannot add a NOT NULL column, and uploads made before have none.
    op.add_column("dq_uploads", sa.Column("rows_recoded", sa.BigInteger(), nullable=True))
    op.add_column("dq_uploads", sa.Column("recoded_rows", JSONText(), nullable=True))


# DuckDB refuses to drop a column of a table that has indexes: they go and come back.
_INDEXES = {"ix_dq_uploads_owner": ["owner"], "ix_dq_uploads_created_at": ["created_at"]}


def downgrade() -> None:
    for name in _INDEXES:
        op.drop_index(name, table_name="dq_uploads")
    op.drop_column("dq_uploads", "recoded_rows")
    op.drop_column("dq_uploads", "rows_recoded")
    for name, columns in _INDEXES.items():
        op.create_index(name, "dq_uploads", columns, unique=False)
