"""audiences: versions (a family of saved audiences, numbered 1, 2, ...)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 21:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dataquery.core.db import JSONText

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEXES = {"ix_dq_audiences_owner": ["owner"], "ix_dq_audiences_created_at": ["created_at"]}
_UNIQUE = "uq_dq_audiences_family_id_version"
# The columns before this revision (0004's), in order.
_COLUMNS_BEFORE = ("id", "name", "owner", "spec", "funnel", "size", "reference_date", "created_at")


def _duckdb() -> bool:
    return op.get_context().dialect.name == "duckdb"


def upgrade() -> None:
    # Every audience saved before is version 1 of its own family.
    for name in _INDEXES:
        op.drop_index(name, table_name="dq_audiences")
    if _duckdb():
        _rebuild(versions=True)
    else:
        op.add_column("dq_audiences", sa.Column("family_id", sa.String(36), nullable=True))
        op.add_column("dq_audiences", sa.Column("version", sa.Integer(), nullable=True))
        audiences = sa.table(
            "dq_audiences",
            sa.column("id", sa.String(36)),
            sa.column("family_id", sa.String(36)),
            sa.column("version", sa.Integer()),
        )
        op.execute(audiences.update().values(family_id=audiences.c.id, version=1))
        op.alter_column("dq_audiences", "family_id", existing_type=sa.String(36), nullable=False)
        op.alter_column("dq_audiences", "version", existing_type=sa.Integer(), nullable=False)
    for name, columns in _INDEXES.items():
        op.create_index(name, "dq_audiences", columns, unique=False)
    op.create_index(_UNIQUE, "dq_audiences", ["family_id", "version"], unique=True)


def downgrade() -> None:
    op.drop_index(_UNIQUE, table_name="dq_audiences")
    for name in _INDEXES:
        op.drop_index(name, table_name="dq_audiences")
    if _duckdb():
        _rebuild(versions=False)
    else:
        op.drop_column("dq_audiences", "version")
        op.drop_column("dq_audiences", "family_id")
    for name, columns in _INDEXES.items():
        op.create_index(name, "dq_audiences", columns, unique=False)


def _rebuild(*, versions: bool) -> None:
    """DuckDB, in one transaction, can neither make a column it just filled NOT NULL ("outstanding
    updates") nor drop one an index dropped in the same transaction covered: the table is copied
    with or without the two columns instead. It holds one row per saved audience (the snapshots
    are in dq_audience_members), so the copy is small."""
    extra: list[sa.Column[object]] = (
        [
            sa.Column("family_id", sa.String(length=36), nullable=False),
            sa.Column("version", sa.Integer(), nullable=False),
        ]
        if versions
        else []
    )
    op.create_table(
        "dq_audiences_new",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("owner", sa.String(length=100), nullable=False),
        sa.Column("spec", JSONText(), nullable=False),
        sa.Column("funnel", JSONText(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("reference_date", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        *extra,
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dq_audiences")),
    )
    columns = ", ".join(_COLUMNS_BEFORE)
    if versions:
        op.execute(
            f"INSERT INTO dq_audiences_new ({columns}, family_id, version)"
            f" SELECT {columns}, id, 1 FROM dq_audiences"
        )
    else:
        op.execute(f"INSERT INTO dq_audiences_new ({columns}) SELECT {columns} FROM dq_audiences")
    op.drop_table("dq_audiences")
    op.rename_table("dq_audiences_new", "dq_audiences")
