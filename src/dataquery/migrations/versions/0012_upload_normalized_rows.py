"""uploads: the first rows whose IIN was fixed, with the fixes by name

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dataquery.core.db import JSONText

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("dq_uploads", sa.Column("normalized_rows", JSONText(), nullable=True))


# DuckDB refuses to drop a column of a table that has indexes: they go and come back.
_INDEXES = {"ix_dq_uploads_owner": ["owner"], "ix_dq_uploads_created_at": ["created_at"]}


def downgrade() -> None:
    for name in _INDEXES:
        op.drop_index(name, table_name="dq_uploads")
    op.drop_column("dq_uploads", "normalized_rows")
    for name, columns in _INDEXES.items():
        op.create_index(name, "dq_uploads", columns, unique=False)
