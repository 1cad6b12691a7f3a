"""Sign-in, tokens, users. Only users present and enabled in dq_users may sign in, whatever
the directory says."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dataquery.audit.service import count_recent
from dataquery.auth import security
from dataquery.auth.models import RefreshToken, User
from dataquery.auth.roles import Role
from dataquery.auth.schemas import TokenPair, UserBrief, UserCreate, UserUpdate
from dataquery.core.config import AuthBackend, Settings
from dataquery.core.db import utcnow
from dataquery.core.errors import (
    Conflict,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    TooManyRequests,
)

LOGIN_ACTION = "auth.login"
BAD_CREDENTIALS = "invalid username or password"


def normalize_username(username: str) -> str:
    return username.strip().lower()


def check_login_throttle(
    db: Session, settings: Settings, username: str, client_ip: str | None
) -> None:
    """N failed sign-ins per user or per IP within the window → 429 with Retry-After."""
    window = timedelta(seconds=settings.login_window_seconds)
    since = utcnow() - window
    scopes = {"username": username}
    if client_ip:
        scopes["client_ip"] = client_ip
    for column, value in scopes.items():
        failures, oldest = count_recent(db, LOGIN_ACTION, 401, since, **{column: value})
        if failures >= settings.login_max_failures and oldest is not None:
            retry_after = max(1, int((oldest + window - utcnow()).total_seconds()) + 1)
            raise TooManyRequests(
                f"too many failed sign-ins; try again in {retry_after} s",
                retry_after=retry_after,
            )


def verify_credentials(settings: Settings, user: User | None, username: str, password: str) -> bool:
    """Checks the password against the configured backend (raises 503 if LDAP is down).

    With LDAP, the directory's name and mail fill in what the users table lacks."""
    if settings.auth_backend is AuthBackend.LDAP:
        from dataquery.auth.ldap import ldap_authenticate

        directory_user = ldap_authenticate(settings, username, password)
        if directory_user is not None and user is not None:
            user.display_name = user.display_name or directory_user.display_name
            user.email = user.email or directory_user.email
        return directory_user is not None
    return user is not None and security.verify_password(user.password_hash, password)


def authenticate(
    db: Session, settings: Settings, username: str, password: str, client_ip: str | None
) -> User:
    username = normalize_username(username)
    check_login_throttle(db, settings, username, client_ip)
    user = db.get(User, username)
    if not verify_credentials(settings, user, username, password):
        raise NotAuthenticated(BAD_CREDENTIALS)
    if user is None:
        raise PermissionDenied(
            f"{username} is not allowed to use DataQuery Pro; ask an administrator for access"
        )
    if not user.enabled:
        raise PermissionDenied(f"the account {username} is disabled")
    user.last_login_at = utcnow()
    return user


def issue_tokens(db: Session, settings: Settings, user: User) -> TokenPair:
    access = security.issue_token(settings, user.username, "access")
    refresh = security.issue_token(settings, user.username, "refresh")
    db.add(
        RefreshToken(
            jti=refresh.jti,
            username=user.username,
            expires_at=refresh.expires_at.replace(tzinfo=None),
        )
    )
    db.flush()
    return TokenPair(
        access_token=security.encode_token(settings, access),
        refresh_token=security.encode_token(settings, refresh),
        expires_in=settings.access_token_minutes * 60,
        user=UserBrief.model_validate(user),
    )


def _live_refresh_token(db: Session, settings: Settings, token: str | None) -> RefreshToken:
    if not token:
        raise NotAuthenticated("a refresh token is required")
    claims = security.decode_token(settings, token, "refresh")
    stored = db.get(RefreshToken, claims.jti)
    if stored is None or stored.revoked_at is not None:
        raise NotAuthenticated("the refresh token has been revoked; sign in again")
    return stored


def refresh(db: Session, settings: Settings, token: str | None) -> TokenPair:
    """Rotates the refresh token: the old one is revoked, a new pair issued."""
    stored = _live_refresh_token(db, settings, token)
    user = db.get(User, stored.username)
    if user is None or not user.enabled:
        raise NotAuthenticated("the account is no longer allowed to sign in")
    stored.revoked_at = utcnow()
    return issue_tokens(db, settings, user)


def logout(db: Session, settings: Settings, token: str | None) -> str:
    stored = _live_refresh_token(db, settings, token)
    stored.revoked_at = utcnow()
    return stored.username


def user_from_access_token(db: Session, settings: Settings, token: str) -> User:
    claims = security.decode_token(settings, token, "access")
    user = db.get(User, claims.username)
    if user is None or not user.enabled:
        raise NotAuthenticated("the account is no longer allowed to sign in")
    return user


def confirm_password(settings: Settings, user: User, password: str) -> None:
    """Destructive actions: the caller's password, checked again against the backend."""
    if not verify_credentials(settings, user, user.username, password):
        raise PermissionDenied("the password is incorrect")


# Users -------------------------------------------------------------------------------------


def list_users(db: Session) -> list[User]:
    return list(db.scalars(sa.select(User).order_by(User.username)))


def get_user(db: Session, username: str) -> User:
    user = db.get(User, normalize_username(username))
    if user is None:
        raise NotFound(f"user {username!r} does not exist")
    return user


def _check_password_rules(settings: Settings, password: str | None, creating: bool) -> None:
    if settings.auth_backend is AuthBackend.LDAP and password is not None:
        raise InvalidInput("passwords live in the directory (LDAP); do not send one")
    if settings.auth_backend is AuthBackend.LOCAL and creating and password is None:
        raise InvalidInput("a password of at least 10 characters is required")


def create_user(db: Session, settings: Settings, data: UserCreate) -> User:
    _check_password_rules(settings, data.password, creating=True)
    if db.get(User, data.username) is not None:
        raise Conflict(f"user {data.username!r} already exists")
    user = User(
        username=data.username,
        role=data.role.value,
        enabled=data.enabled,
        display_name=data.display_name,
        email=data.email,
        password_hash=security.hash_password(data.password) if data.password else None,
    )
    db.add(user)
    db.flush()
    return user


def _guard_last_admin(db: Session, user: User) -> None:
    others = db.scalar(
        sa.select(sa.func.count()).where(
            User.role == Role.ADMIN.value, User.enabled.is_(True), User.username != user.username
        )
    )
    if user.role == Role.ADMIN.value and user.enabled and not others:
        raise Conflict("this is the last enabled administrator; appoint another one first")


def update_user(
    db: Session, settings: Settings, actor: User, username: str, data: UserUpdate
) -> User:
    user = get_user(db, username)
    _check_password_rules(settings, data.password, creating=False)
    demoted = data.role is not None and data.role is not Role.ADMIN
    if demoted or data.enabled is False:
        if user.username == actor.username:
            raise Conflict("you cannot demote or disable yourself")
        _guard_last_admin(db, user)
    if data.role is not None:
        user.role = data.role.value
    if data.enabled is not None:
        user.enabled = data.enabled
    if data.display_name is not None:
        user.display_name = data.display_name
    if data.email is not None:
        user.email = data.email
    if data.password is not None:
        user.password_hash = security.hash_password(data.password)
    if data.enabled is False or data.password is not None:
        revoke_refresh_tokens(db, user.username)
    db.flush()
    return user


def delete_user(db: Session, actor: User, username: str) -> None:
    user = get_user(db, username)
    if user.username == actor.username:
        raise Conflict("you cannot delete yourself")
    _guard_last_admin(db, user)
    revoke_refresh_tokens(db, user.username)
    db.delete(user)
    db.flush()


def revoke_refresh_tokens(db: Session, username: str) -> None:
    db.execute(
        sa.update(RefreshToken)
        .where(RefreshToken.username == username, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
