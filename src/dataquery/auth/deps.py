"""`CurrentUser` and `require_role(...)`: every route but health and login depends on them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from dataquery.audit.service import audit_context
from dataquery.auth import service
from dataquery.auth.models import User
from dataquery.auth.roles import Role
from dataquery.core.config import Settings
from dataquery.core.db import DB
from dataquery.core.errors import NotAuthenticated, PermissionDenied

_bearer = HTTPBearer(auto_error=False, description="Access token from /api/v1/auth/login")


def get_settings_from_app(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


AppSettings = Annotated[Settings, Depends(get_settings_from_app)]


def current_user(
    request: Request,
    db: DB,
    settings: AppSettings,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise NotAuthenticated(
            "sign in first: this needs an access token", code="auth.token_required"
        )
    user = service.user_from_access_token(db, settings, credentials.credentials)
    audit_context(request).username = user.username
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def require_role(role: Role) -> Callable[[User], User]:
    def check(user: CurrentUser) -> User:
        if not Role(user.role).allows(role):
            raise PermissionDenied(
                f"this needs the {role.value} role; you are {user.role}",
                code="auth.role_required",
                params={"role": role.value, "user_role": user.role},
            )
        return user

    check.__name__ = f"require_{role.value}"
    return check


AnalystUser = Annotated[User, Depends(require_role(Role.ANALYST))]
AdminUser = Annotated[User, Depends(require_role(Role.ADMIN))]
