"""refresh tokens: issued refresh tokens, so logout can revoke one

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 15:55:32.238386
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dq_refresh_tokens",
        sa.Column("jti", sa.String(length=36), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("jti", name=op.f("pk_dq_refresh_tokens")),
    )
    op.create_index(
        op.f("ix_dq_refresh_tokens_username"), "dq_refresh_tokens", ["username"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_dq_refresh_tokens_username"), table_name="dq_refresh_tokens")
    op.drop_table("dq_refresh_tokens")
