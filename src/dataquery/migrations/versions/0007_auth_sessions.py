"""auth sessions: sign-in sessions that tokens belong to, and the password attempts counted
by the throttle

Refresh tokens now name their session; the table is recreated for that (tokens are short-lived:
everyone signs in again after the upgrade).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 21:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dq_auth_sessions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_reason", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dq_auth_sessions")),
    )
    op.create_index(
        op.f("ix_dq_auth_sessions_username"), "dq_auth_sessions", ["username"], unique=False
    )

    # DuckDB cannot add a NOT NULL column to a table: recreate it.
    op.drop_index(op.f("ix_dq_refresh_tokens_username"), table_name="dq_refresh_tokens")
    op.drop_table("dq_refresh_tokens")
    _create_refresh_tokens(with_session=True)

    op.create_table(
        "dq_password_attempts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("attempted_at", sa.DateTime(), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("client_ip", sa.String(length=64), nullable=True),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dq_password_attempts")),
    )
    op.create_index(
        "ix_dq_password_attempts_username_attempted_at",
        "dq_password_attempts",
        ["username", "attempted_at"],
        unique=False,
    )
    op.create_index(
        "ix_dq_password_attempts_client_ip_attempted_at",
        "dq_password_attempts",
        ["client_ip", "attempted_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_dq_password_attempts_client_ip_attempted_at", "dq_password_attempts")
    op.drop_index("ix_dq_password_attempts_username_attempted_at", "dq_password_attempts")
    op.drop_table("dq_password_attempts")

    op.drop_index(op.f("ix_dq_refresh_tokens_session_id"), table_name="dq_refresh_tokens")
    op.drop_index(op.f("ix_dq_refresh_tokens_username"), table_name="dq_refresh_tokens")
    op.drop_table("dq_refresh_tokens")
    _create_refresh_tokens(with_session=False)

    op.drop_index(op.f("ix_dq_auth_sessions_username"), table_name="dq_auth_sessions")
    op.drop_table("dq_auth_sessions")


def _create_refresh_tokens(with_session: bool) -> None:
    session_column = (
        [sa.Column("session_id", sa.String(length=36), nullable=False)] if with_session else []
    )
    op.create_table(
        "dq_refresh_tokens",
        sa.Column("jti", sa.String(length=36), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        *session_column,
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("jti", name=op.f("pk_dq_refresh_tokens")),
    )
    op.create_index(
        op.f("ix_dq_refresh_tokens_username"), "dq_refresh_tokens", ["username"], unique=False
    )
    if with_session:
        op.create_index(
            op.f("ix_dq_refresh_tokens_session_id"),
            "dq_refresh_tokens",
            ["session_id"],
            unique=False,
        )
