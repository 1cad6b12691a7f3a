"""list index: which suppression lists are marked in the feature store by a bit

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dq_list_index",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("bit", sa.Integer(), nullable=False),
        sa.Column("indexed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_dq_list_index")),
        sa.UniqueConstraint("bit", name=op.f("uq_dq_list_index_bit")),
    )


def downgrade() -> None:
    op.drop_table("dq_list_index")
