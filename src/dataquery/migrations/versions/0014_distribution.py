"""distribution: campaigns opt in to the daily pool (dq_campaign_details.pool_share); a row per distribution run; notification preferences and send log; campaigns' JIRA issues

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dataquery.core.db import JSONText

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "dq_campaign_details",
        sa.Column("pool_share", sa.Boolean(), nullable=True, server_default=sa.false()),
    )
    op.create_table(
        "dq_distribution_runs",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("trigger", sa.String(length=20), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("seconds", sa.Float(), nullable=True),
        sa.Column("pool_size", sa.BigInteger(), nullable=False),
        sa.Column("distributed", sa.BigInteger(), nullable=False),
        sa.Column("campaigns", JSONText(), nullable=True),
        sa.Column("undistributed", JSONText(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dq_distribution_runs")),
    )
    op.create_index(
        op.f("ix_dq_distribution_runs_day"), "dq_distribution_runs", ["day"], unique=False
    )

    op.create_table(
        "dq_notification_prefs",
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("kinds", JSONText(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_dq_notification_prefs")),
    )
    op.create_table(
        "dq_notification_log",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("recipients", sa.Text(), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dq_notification_log")),
    )
    op.create_index(
        op.f("ix_dq_notification_log_created_at"),
        "dq_notification_log",
        ["created_at"],
        unique=False,
    )

    op.create_table(
        "dq_campaign_jira",
        sa.Column("camp_cd", sa.String(length=10), nullable=False),
        sa.Column("issue_key", sa.String(length=40), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("last_event", sa.String(length=20), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("camp_cd", name=op.f("pk_dq_campaign_jira")),
    )


def downgrade() -> None:
    op.drop_table("dq_campaign_jira")
    op.drop_index(op.f("ix_dq_notification_log_created_at"), table_name="dq_notification_log")
    op.drop_table("dq_notification_log")
    op.drop_table("dq_notification_prefs")
    op.drop_index(op.f("ix_dq_distribution_runs_day"), table_name="dq_distribution_runs")
    op.drop_table("dq_distribution_runs")
    op.drop_column("dq_campaign_details", "pool_share")
