"""uploads: accepted IIN-list uploads and their validation reports

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 16:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dataquery.core.db import JSONText

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COUNTS = (
    "rows_total",
    "rows_valid",
    "rows_normalized",
    "rows_invalid_format",
    "rows_bad_checksum",
    "rows_bin",
    "rows_empty",
    "rows_duplicate",
    "rows_blank",
    "unique_iins",
)


def upgrade() -> None:
    op.create_table(
        "dq_uploads",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("encoding", sa.String(length=20), nullable=True),
        sa.Column("delimiter", sa.String(length=5), nullable=True),
        sa.Column("sheet", sa.String(length=255), nullable=True),
        sa.Column("sheets", JSONText(), nullable=True),
        sa.Column("has_header", sa.Boolean(), nullable=False),
        sa.Column("iin_column", sa.String(length=255), nullable=True),
        sa.Column("columns", JSONText(), nullable=False),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        *(sa.Column(name, sa.BigInteger(), nullable=False) for name in _COUNTS),
        sa.Column("errors", JSONText(), nullable=False),
        sa.Column("preview", JSONText(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("owner", sa.String(length=100), nullable=False),
        sa.Column("dataset_name", sa.String(length=64), nullable=False),
        sa.Column("job_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dq_uploads")),
    )
    op.create_index(op.f("ix_dq_uploads_owner"), "dq_uploads", ["owner"], unique=False)
    op.create_index(op.f("ix_dq_uploads_created_at"), "dq_uploads", ["created_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_dq_uploads_created_at"), table_name="dq_uploads")
    op.drop_index(op.f("ix_dq_uploads_owner"), table_name="dq_uploads")
    op.drop_table("dq_uploads")
