"""campaign details: SMS texts of their own (RU and KZ), beside the push title and body

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 22:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dataquery.core.db import JSONText

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("dq_campaign_details", sa.Column("sms", JSONText(), nullable=True))


def downgrade() -> None:
    op.drop_column("dq_campaign_details", "sms")
