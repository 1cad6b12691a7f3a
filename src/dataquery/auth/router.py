"""/auth (sign-in, tokens) and /users (the allowed users, admin only)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response, status

from dataquery.audit.service import audit_context, skip_audit
from dataquery.auth import service
from dataquery.auth.deps import AdminUser, AppSettings, CurrentUser
from dataquery.auth.schemas import (
    LoginRequest,
    PasswordConfirmation,
    RefreshRequest,
    TokenPair,
    UserCreate,
    UserOut,
    UserUpdate,
)
from dataquery.core import metrics
from dataquery.core.db import DB
from dataquery.core.errors import DQError
from dataquery.core.schemas import ItemList, errors


def _not_cached(response: Response) -> None:
    """Tokens must never be kept by a browser or proxy cache."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"


router = APIRouter(
    prefix="/auth",
    tags=["auth"],
    dependencies=[Depends(_not_cached)],
    responses=errors(401, 403, 422, 429, 503),
)
users_router = APIRouter(
    prefix="/users", tags=["users"], responses=errors(401, 403, 404, 409, 422, 503)
)


@router.post("/login")
def login(request: Request, body: LoginRequest, db: DB, settings: AppSettings) -> TokenPair:
    context = audit_context(request)
    context.username = service.normalize_username(body.username)
    try:
        user = service.authenticate(db, settings, body.username, body.password, context.client_ip)
    except DQError as exc:
        metrics.SIGN_INS.labels(exc.code.removeprefix("auth.")).inc()
        raise
    metrics.SIGN_INS.labels("success").inc()
    return service.issue_tokens(db, settings, user)


@router.post("/refresh")
def refresh(
    request: Request, db: DB, settings: AppSettings, body: RefreshRequest | None = None
) -> TokenPair:
    pair = service.refresh(db, settings, body.refresh_token if body else None)
    audit_context(request).username = pair.user.username
    skip_audit(request)  # routine; a refused refresh (a replayed token) is still recorded
    return pair


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(
    request: Request, db: DB, settings: AppSettings, body: RefreshRequest | None = None
) -> None:
    audit_context(request).username = service.logout(
        db, settings, body.refresh_token if body else None
    )


@router.get("/me")
def me(user: CurrentUser) -> UserOut:
    return UserOut.model_validate(user)


@users_router.get("")
def list_users(db: DB, _: AdminUser) -> ItemList[UserOut]:
    items = [UserOut.model_validate(u) for u in service.list_users(db)]
    return ItemList(items=items, total=len(items))


@users_router.post("", status_code=status.HTTP_201_CREATED)
def create_user(
    request: Request, body: UserCreate, db: DB, settings: AppSettings, _: AdminUser
) -> UserOut:
    user = service.create_user(db, settings, body)
    context = audit_context(request)
    context.target = user.username
    context.summary = {"role": user.role, "enabled": user.enabled}
    return UserOut.model_validate(user)


@users_router.patch("/{username}")
def update_user(
    request: Request,
    username: str,
    body: UserUpdate,
    db: DB,
    settings: AppSettings,
    admin: AdminUser,
) -> UserOut:
    user = service.update_user(db, settings, admin, username, body, confirm_admin_changes=True)
    changes = body.model_dump(exclude_none=True, exclude={"current_password"})
    if "password" in changes:
        changes["password"] = "changed"
    audit_context(request).summary = changes
    return UserOut.model_validate(user)


@users_router.delete("/{username}", status_code=status.HTTP_204_NO_CONTENT)
def delete_user(
    username: str, body: PasswordConfirmation, db: DB, settings: AppSettings, admin: AdminUser
) -> None:
    service.confirm_password(settings, admin, body.password)
    service.delete_user(db, admin, username)
