"""Signed download links: a short-lived JWT in the URL stands for one download, so the URL
carries no bearer token. Each kind of download has its own audience, so a link of one kind is
refused by another's route."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from dataquery.core.errors import NotAuthenticated

# A download link's life: long enough for the browser to follow it, too short to be passed on.
LINK_SECONDS = 120


def sign(
    secret: str, audience: str, claims: dict[str, Any], seconds: int = LINK_SECONDS
) -> tuple[str, datetime]:
    expires = datetime.now(UTC) + timedelta(seconds=seconds)
    token = jwt.encode({**claims, "aud": audience, "exp": expires}, secret, algorithm="HS256")
    return token, expires


def read(
    secret: str,
    audience: str,
    token: str,
    required: tuple[str, ...],
    codes: tuple[str, str],
) -> dict[str, Any]:
    """The claims of a link; 401 with `codes` (expired, invalid) when it is expired, forged or
    of another kind."""
    expired_code, invalid_code = codes
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            secret,
            algorithms=["HS256"],
            audience=audience,
            options={"require": ["exp", "aud", *required]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise NotAuthenticated(
            "the download link has expired; export again", code=expired_code
        ) from exc
    except jwt.PyJWTError as exc:
        raise NotAuthenticated("the download link is not valid", code=invalid_code) from exc
    return claims
