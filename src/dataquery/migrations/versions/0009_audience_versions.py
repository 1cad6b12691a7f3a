"""audiences: versions (a family of saved audiences, numbered 1, 2, ...)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 21:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# DuckDB refuses to alter (SET NOT NULL, DROP COLUMN) a table that has indexes: they go and
# come back around the change.
_INDEXES = {"ix_dq_audiences_owner": ["owner"], "ix_dq_audiences_created_at": ["created_at"]}
_UNIQUE = "uq_dq_audiences_family_id_version"


def upgrade() -> None:
    for name in _INDEXES:
        op.drop_index(name, table_name="dq_audiences")
    # Added nullable (DuckDB cannot add a NOT NULL column), filled, then made NOT NULL:
    # every audience saved before is version 1 of its own family.
    op.add_column("dq_audiences", sa.Column("family_id", sa.String(length=36), nullable=True))
    op.add_column("dq_audiences", sa.Column("version", sa.Integer(), nullable=True))
    audiences = sa.table(
        "dq_audiences", sa.column("id"), sa.column("family_id"), sa.column("version")
    )
    op.execute(audiences.update().values(family_id=audiences.c.id, version=1))
    op.alter_column("dq_audiences", "family_id", existing_type=sa.String(36), nullable=False)
    op.alter_column("dq_audiences", "version", existing_type=sa.Integer(), nullable=False)
    for name, columns in _INDEXES.items():
        op.create_index(name, "dq_audiences", columns, unique=False)
    op.create_index(_UNIQUE, "dq_audiences", ["family_id", "version"], unique=True)


def downgrade() -> None:
    op.drop_index(_UNIQUE, table_name="dq_audiences")
    for name in _INDEXES:
        op.drop_index(name, table_name="dq_audiences")
    op.drop_column("dq_audiences", "version")
    op.drop_column("dq_audiences", "family_id")
    for name, columns in _INDEXES.items():
        op.create_index(name, "dq_audiences", columns, unique=False)
