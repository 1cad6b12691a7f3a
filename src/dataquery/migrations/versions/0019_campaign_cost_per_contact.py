"""campaign details: the cost per contact (the effect's ROI)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("dq_campaign_details", sa.Column("cost_per_contact", sa.Float(), nullable=True))


def downgrade() -> None:
    op.drop_column("dq_campaign_details", "cost_per_contact")
