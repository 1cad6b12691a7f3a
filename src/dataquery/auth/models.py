"""Users allowed to sign in (the old hard-coded whitelist, made editable)."""

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


class RefreshToken(Base):
    """Issued refresh tokens, so logout can revoke one before it expires."""

    __tablename__ = "dq_refresh_tokens"

    jti: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(100), index=True)
    issued_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
