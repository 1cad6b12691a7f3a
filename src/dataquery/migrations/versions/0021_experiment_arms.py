"""campaign details: the A/B/n experiment an arm campaign belongs to, and its arm

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("dq_campaign_details", sa.Column("experiment_lead", sa.String(10), nullable=True))
    op.add_column("dq_campaign_details", sa.Column("arm", sa.Integer(), nullable=True))
    # No index: a row per campaign is scanned at once, and DuckDB alters no table an index
    # depends on (every later column change would have to drop and make it again).


def downgrade() -> None:
    op.drop_column("dq_campaign_details", "arm")
    op.drop_column("dq_campaign_details", "experiment_lead")
