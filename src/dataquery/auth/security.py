"""Password hashes (argon2) and signed tokens (JWT, HS256 with DQ_SECRET_KEY)."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from dataquery.core.config import Settings
from dataquery.core.errors import NotAuthenticated

_hasher = PasswordHasher()
_ALGORITHM = "HS256"
TokenType = Literal["access", "refresh"]


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash or not password:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def generate_password() -> str:
    return secrets.token_urlsafe(15)


@dataclass(frozen=True)
class TokenClaims:
    username: str
    type: TokenType
    jti: str
    expires_at: datetime


def issue_token(settings: Settings, username: str, token_type: TokenType) -> TokenClaims:
    lifetime = (
        timedelta(minutes=settings.access_token_minutes)
        if token_type == "access"
        else timedelta(hours=settings.refresh_token_hours)
    )
    now = datetime.now(UTC)
    return TokenClaims(username, token_type, str(uuid.uuid4()), now + lifetime)


def encode_token(settings: Settings, claims: TokenClaims) -> str:
    payload = {
        "sub": claims.username,
        "type": claims.type,
        "jti": claims.jti,
        "iat": datetime.now(UTC),
        "exp": claims.expires_at,
    }
    return jwt.encode(payload, settings.secret_key.get_secret_value(), algorithm=_ALGORITHM)


def decode_token(settings: Settings, token: str, expected: TokenType) -> TokenClaims:
    try:
        payload = jwt.decode(
            token,
            settings.secret_key.get_secret_value(),
            algorithms=[_ALGORITHM],
            options={"require": ["sub", "exp", "jti", "type"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise NotAuthenticated("the token has expired; sign in again") from exc
    except jwt.PyJWTError as exc:
        raise NotAuthenticated("the token is not valid") from exc
    if payload["type"] != expected:
        raise NotAuthenticated(f"a {expected} token is required")
    return TokenClaims(
        username=str(payload["sub"]),
        type=expected,
        jti=str(payload["jti"]),
        expires_at=datetime.fromtimestamp(payload["exp"], UTC),
    )
