"""campaigns: draft details and per-campaign history beside the bank's campaign tables

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dataquery.core.db import JSONText

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dq_campaign_details",
        sa.Column("camp_cd", sa.String(length=10), nullable=False),
        sa.Column("push_event_type", sa.String(length=40), nullable=True),
        sa.Column("rb3", JSONText(), nullable=True),
        sa.Column("popup", JSONText(), nullable=True),
        sa.Column("copied_from", sa.String(length=10), nullable=True),
        sa.Column("deploy_job_id", sa.String(length=36), nullable=True),
        sa.Column("deploy_report", JSONText(), nullable=True),
        sa.PrimaryKeyConstraint("camp_cd", name=op.f("pk_dq_campaign_details")),
    )
    op.create_table(
        "dq_campaign_events",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("camp_cd", sa.String(length=10), nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=True),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("detail", JSONText(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dq_campaign_events")),
    )
    op.create_index(
        op.f("ix_dq_campaign_events_camp_cd"), "dq_campaign_events", ["camp_cd"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_dq_campaign_events_camp_cd"), table_name="dq_campaign_events")
    op.drop_table("dq_campaign_events")
    op.drop_table("dq_campaign_details")
