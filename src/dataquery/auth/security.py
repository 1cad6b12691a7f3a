"""Password hashes (argon2) and signed tokens (JWT, HS256 with DQ_SECRET_KEY)."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
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


@cache
def _dummy_hash() -> str:
    """A hash nobody knows the password of, made with the same parameters as real ones."""
    return _hasher.hash(secrets.token_urlsafe(32))


def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant work whether or not there is a hash: an unknown user, one without a password
    and a wrong password all cost one argon2 verification, so the answer's timing does not
    tell which usernames exist."""
    try:
        matches = _hasher.verify(password_hash or _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return False
    return matches and password_hash is not None


def generate_password() -> str:
    return secrets.token_urlsafe(15)


@dataclass(frozen=True)
class TokenClaims:
    username: str
    type: TokenType
    jti: str
    expires_at: datetime
    # The sign-in session (`AuthSession.id`): revoking it ends every token that names it.
    session_id: str


def issue_token(
    settings: Settings, username: str, token_type: TokenType, session_id: str
) -> TokenClaims:
    lifetime = (
        timedelta(minutes=settings.access_token_minutes)
        if token_type == "access"
        else timedelta(hours=settings.refresh_token_hours)
    )
    now = datetime.now(UTC)
    return TokenClaims(username, token_type, str(uuid.uuid4()), now + lifetime, session_id)


def encode_token(settings: Settings, claims: TokenClaims) -> str:
    payload = {
        "sub": claims.username,
        "type": claims.type,
        "jti": claims.jti,
        "sid": claims.session_id,
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
        raise NotAuthenticated(
            "the token has expired; sign in again", code="auth.token_expired"
        ) from exc
    except jwt.PyJWTError as exc:
        raise NotAuthenticated("the token is not valid", code="auth.token_invalid") from exc
    if payload["type"] != expected:
        raise NotAuthenticated(f"a {expected} token is required", code="auth.token_invalid")
    # Checked here rather than in `require`, so an expired token still says it has expired.
    if not isinstance(payload.get("sid"), str):
        raise NotAuthenticated("the token is not valid", code="auth.token_invalid")
    return TokenClaims(
        username=str(payload["sub"]),
        type=expected,
        jti=str(payload["jti"]),
        expires_at=datetime.fromtimestamp(payload["exp"], UTC),
        session_id=payload["sid"],
    )
