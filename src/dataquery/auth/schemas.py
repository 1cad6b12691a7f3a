from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from dataquery.auth.roles import Role
from dataquery.core.schemas import APIModel

Username = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        to_lower=True,
        min_length=1,
        max_length=100,
        pattern=r"^[A-Za-z0-9._-]+$",
    ),
]
Password = Annotated[str, Field(min_length=1, max_length=256)]
NewPassword = Annotated[str, Field(min_length=10, max_length=256)]


class LoginRequest(BaseModel):
    username: Annotated[str, Field(min_length=1, max_length=100)]
    password: Password


class RefreshRequest(BaseModel):
    refresh_token: str | None = None


class UserBrief(APIModel):
    username: str
    role: Role
    display_name: str | None = None


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    expires_in: int = Field(description="Seconds until the access token expires.")
    user: UserBrief


class UserOut(APIModel):
    username: str
    role: Role
    enabled: bool
    display_name: str | None
    email: str | None
    has_password: bool
    created_at: datetime
    updated_at: datetime
    last_login_at: datetime | None


class UserCreate(BaseModel):
    username: Username
    role: Role
    enabled: bool = True
    display_name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=200)
    password: NewPassword | None = Field(
        default=None, description="Local backend only; required there."
    )


class UserUpdate(BaseModel):
    role: Role | None = None
    enabled: bool | None = None
    display_name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=200)
    password: NewPassword | None = Field(default=None, description="Local backend only.")
    current_password: Password | None = Field(
        default=None,
        description="Your own password, again: required to change an administrator's role, "
        "access (enabled) or password, or to make someone an administrator.",
    )


class PasswordConfirmation(BaseModel):
    """Destructive actions ask for the caller's own password again."""

    password: Password
