"""Signed download links: a short-lived JWT in the URL stands for one download, so the URL
carries no bearer token. Each kind of download has its own audience, so a link of one kind is
refused by another's route."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import jwt


class LinkRefused(Exception):
    """A link that is expired (`expired`), forged or of another kind: the caller answers 401
    with its own codes."""

    def __init__(self, expired: bool) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


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
) -> dict[str, Any]:
    """The claims of a link; LinkRefused when it is expired, forged or of another kind."""
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            secret,
            algorithms=["HS256"],
            audience=audience,
            options={"require": ["exp", "aud", *required]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise LinkRefused(expired=True) from exc
    except jwt.PyJWTError as exc:
        raise LinkRefused(expired=False) from exc
    return claims
