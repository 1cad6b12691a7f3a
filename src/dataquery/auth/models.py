"""Users allowed to sign in (the old hard-coded whitelist, made editable), their sign-in
sessions and refresh tokens, and the password attempts the throttle counts."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from dataquery.core.db import Base, utcnow


class User(Base):
    __tablename__ = "dq_users"

    username: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    role: Mapped[str] = mapped_column(sa.String(20))
    enabled: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    password_hash: Mapped[str | None] = mapped_column(sa.String(200))
    display_name: Mapped[str | None] = mapped_column(sa.String(200))
    email: Mapped[str | None] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, onupdate=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(sa.DateTime)

    @property
    def has_password(self) -> bool:
        return self.password_hash is not None


class AuthSession(Base):
    """One sign-in: every refresh token rotated from it and every access token issued in it
    carry its id. Revoking it (logout, a reused refresh token, a disabled account or a new
    password) ends them all at once, on every server sharing the warehouse."""

    __tablename__ = "dq_auth_sessions"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(100), index=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    # logout, refresh_token_reused, account_changed
    revoked_reason: Mapped[str | None] = mapped_column(sa.String(40))


class RefreshToken(Base):
    """Issued refresh tokens: each is used once (rotation); reusing one ends its session."""

    __tablename__ = "dq_refresh_tokens"

    jti: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(100), index=True)
    session_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    issued_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime)


class PasswordAttempt(Base):
    """One row per password check (sign-in or re-entry), committed before the check runs, so
    concurrent attempts count each other (see `auth.throttle`)."""

    __tablename__ = "dq_password_attempts"
    __table_args__ = (
        sa.Index("ix_dq_password_attempts_username_attempted_at", "username", "attempted_at"),
        sa.Index("ix_dq_password_attempts_client_ip_attempted_at", "client_ip", "attempted_at"),
    )

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    attempted_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)
    username: Mapped[str] = mapped_column(sa.String(100))
    client_ip: Mapped[str | None] = mapped_column(sa.String(64))
    purpose: Mapped[str] = mapped_column(sa.String(20))  # login | confirmation
    # pending (checking now) | failed | succeeded | throttled | interrupted (backend error)
    outcome: Mapped[str] = mapped_column(sa.String(20))
