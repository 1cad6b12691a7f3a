"""campaign details: the experiment design (groups, strata, re-randomisation), the kept salt
and the balance proof of the split

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dataquery.core.db import JSONText

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("dq_campaign_details", sa.Column("experiment", JSONText(), nullable=True))


def downgrade() -> None:
    op.drop_column("dq_campaign_details", "experiment")
