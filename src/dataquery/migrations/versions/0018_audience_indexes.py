"""contact and member indexes: the feature store's latest-contact columns, campaign groups' bits

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 01:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dq_contact_index",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column("built_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_dq_contact_index")),
    )
    op.create_table(
        "dq_member_index",
        sa.Column("camp_cd", sa.String(length=10), nullable=False),
        sa.Column("group_name", sa.String(length=16), nullable=False),
        sa.Column("bit", sa.Integer(), nullable=False),
        sa.Column("indexed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("camp_cd", "group_name", name=op.f("pk_dq_member_index")),
        sa.UniqueConstraint("bit", name=op.f("uq_dq_member_index_bit")),
    )


def downgrade() -> None:
    op.drop_table("dq_member_index")
    op.drop_table("dq_contact_index")
