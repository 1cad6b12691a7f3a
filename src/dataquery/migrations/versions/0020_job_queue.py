"""job queue: jobs as data (kind, params, input file), their claim and lease, and their effects

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dataquery.core.db import JSONText

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_COLUMNS = (
    ("params", JSONText()),
    ("input_path", sa.String(length=500)),
    ("audit", JSONText()),
    ("exclusive_key", sa.String(length=200)),
    ("claimed_by", sa.String(length=100)),
    ("claim_token", sa.String(length=32)),
    ("attempt", sa.Integer()),
    ("max_attempts", sa.Integer()),
    ("lease_until", sa.DateTime()),
)
_DEFAULTS = {"attempt": "0", "max_attempts": "3"}
# DuckDB alters no table an index depends on: they are dropped and made again.
_INDEXES = {"ix_dq_jobs_status": ["status"], "ix_dq_jobs_owner": ["owner"]}
_NEW_INDEXES = {
    "ix_dq_jobs_exclusive_key": ["exclusive_key"],
    "ix_dq_jobs_lease_until": ["lease_until"],
}


def upgrade() -> None:
    # A job queued or running before the queue has no params to run it by: it ends here.
    jobs = sa.table(
        "dq_jobs",
        sa.column("status", sa.String(20)),
        sa.column("error", sa.Text()),
        sa.column("finished_at", sa.DateTime()),
    )
    op.execute(
        jobs.update()
        .where(jobs.c.status.in_(["queued", "running"]))
        .values(status="failed", error="interrupted by an upgrade", finished_at=sa.func.now())
    )
    for name in _INDEXES:
        op.drop_index(name, table_name="dq_jobs")
    for name, type_ in _COLUMNS:
        default = _DEFAULTS.get(name)
        op.add_column("dq_jobs", sa.Column(name, type_, nullable=True, server_default=default))
    for name, columns in {**_INDEXES, **_NEW_INDEXES}.items():
        op.create_index(name, "dq_jobs", columns, unique=False)
    op.create_table(
        "dq_job_effects",
        sa.Column("job_id", sa.String(length=36), nullable=False),
        sa.Column("claim_token", sa.String(length=32), nullable=False),
        sa.Column("result", JSONText(), nullable=True),
        sa.Column("committed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("job_id", name=op.f("pk_dq_job_effects")),
    )


_COLUMNS_BEFORE = (
    "id, kind, status, progress, message, result, error, owner, created_at, started_at, finished_at"
)


def downgrade() -> None:
    op.drop_table("dq_job_effects")
    for name in {**_INDEXES, **_NEW_INDEXES}:
        op.drop_index(name, table_name="dq_jobs")
    if op.get_bind().dialect.name == "duckdb":
        _rebuild_without_queue()
    else:
        for name, _type in reversed(_COLUMNS):
            op.drop_column("dq_jobs", name)
    for name, columns in _INDEXES.items():
        op.create_index(name, "dq_jobs", columns, unique=False)


def _rebuild_without_queue() -> None:
    """DuckDB drops no column an index dropped in the same transaction covered: the table (one
    small row per job) is copied without the queue's columns instead."""
    op.create_table(
        "dq_jobs_old",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("message", sa.String(length=500), nullable=True),
        sa.Column("result", JSONText(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("owner", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dq_jobs")),
    )
    columns = _COLUMNS_BEFORE
    op.execute(f"INSERT INTO dq_jobs_old ({columns}) SELECT {columns} FROM dq_jobs")
    op.drop_table("dq_jobs")
    op.rename_table("dq_jobs_old", "dq_jobs")
