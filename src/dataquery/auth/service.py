"""Sign-in, tokens, users. Only users present and enabled in dq_users may sign in, whatever
the directory says."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, object_session

from dataquery.auth import security, throttle
from dataquery.auth.models import AuthSession, RefreshToken, User
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
)

BAD_CREDENTIALS = "invalid username or password"
SESSION_ENDED = "the session has ended; sign in again"


def normalize_username(username: str) -> str:
    return username.strip().lower()


def verify_credentials(settings: Settings, user: User | None, username: str, password: str) -> bool:
    """Checks the password against the configured backend (raises 503 if LDAP is down).

    With LDAP, the directory's name and mail fill in what the users table lacks. Locally an
    unknown user costs the same argon2 work as a known one (see `security.verify_password`)."""
    if settings.auth_backend is AuthBackend.LDAP:
        from dataquery.auth.ldap import ldap_authenticate

        directory_user = ldap_authenticate(settings, username, password)
        if directory_user is not None and user is not None:
            user.display_name = user.display_name or directory_user.display_name
            user.email = user.email or directory_user.email
        return directory_user is not None
    password_hash = user.password_hash if user is not None else None
    return security.verify_password(password_hash, password) and user is not None


def authenticate(
    db: Session, settings: Settings, username: str, password: str, client_ip: str | None
) -> User:
    username = normalize_username(username)
    # Before `db` first touches the warehouse: this request's transaction must start after the
    # attempt row is committed, or DuckDB's snapshot would not see it for mark_succeeded.
    attempt = throttle.start_attempt(
        db, settings, purpose=throttle.LOGIN, username=username, client_ip=client_ip, per_ip=True
    )
    user = db.get(User, username)
    if not verify_credentials(settings, user, username, password):
        raise NotAuthenticated(BAD_CREDENTIALS, code="auth.bad_credentials")
    throttle.mark_succeeded(db, attempt)
    if user is None:
        raise PermissionDenied(
            f"{username} is not allowed to use DataQuery Pro; ask an administrator for access",
            code="auth.not_allowed",
            params={"username": username},
        )
    if not user.enabled:
        raise PermissionDenied(
            f"the account {username} is disabled",
            code="auth.account_disabled",
            params={"username": username},
        )
    user.last_login_at = utcnow()
    return user


def issue_tokens(db: Session, settings: Settings, user: User) -> TokenPair:
    """A new sign-in session and its first pair of tokens."""
    session = AuthSession(id=str(uuid.uuid4()), username=user.username)
    db.add(session)
    return _issue_pair(db, settings, user, session.id)


def _issue_pair(db: Session, settings: Settings, user: User, session_id: str) -> TokenPair:
    access = security.issue_token(settings, user.username, "access", session_id)
    refresh = security.issue_token(settings, user.username, "refresh", session_id)
    db.add(
        RefreshToken(
            jti=refresh.jti,
            username=user.username,
            session_id=session_id,
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


def _use_refresh_token(db: Session, settings: Settings, token: str | None) -> RefreshToken:
    """Spends a refresh token (each works once) and returns it; its session is live.

    A spent token presented again means two parties hold it (one of them stole it): the whole
    session ends, so the thief's tokens die with the victim's."""
    if not token:
        raise NotAuthenticated("a refresh token is required", code="auth.refresh_token_missing")
    claims = security.decode_token(settings, token, "refresh")
    stored = db.get(RefreshToken, claims.jti)
    session = db.get(AuthSession, stored.session_id) if stored is not None else None
    if stored is None or session is None or session.revoked_at is not None:
        raise NotAuthenticated(
            "the refresh token has been revoked; sign in again", code="auth.session_ended"
        )
    # Conditional, so of two concurrent uses exactly one spends it.
    spent: sa.CursorResult[Any] = db.execute(  # type: ignore[assignment]
        sa.update(RefreshToken)
        .where(RefreshToken.jti == stored.jti, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    if spent.rowcount != 1:
        # This request's transaction is rolled back by the 401: end the session on its own.
        with Session(db.get_bind()) as own, own.begin():
            _end_sessions(own, "refresh_token_reused", AuthSession.id == stored.session_id)
        raise NotAuthenticated(
            "the refresh token was already used, so the session has been ended; sign in again",
            code="auth.refresh_token_reused",
        )
    return stored


def refresh(db: Session, settings: Settings, token: str | None) -> TokenPair:
    """Rotates the refresh token: the old one is spent, a new pair issued in the same session."""
    stored = _use_refresh_token(db, settings, token)
    user = db.get(User, stored.username)
    if user is None or not user.enabled:
        raise NotAuthenticated(
            "the account is no longer allowed to sign in", code="auth.account_not_allowed"
        )
    return _issue_pair(db, settings, user, stored.session_id)


def logout(db: Session, settings: Settings, token: str | None) -> str:
    """Ends the session of the refresh token: its refresh and access tokens stop working."""
    stored = _use_refresh_token(db, settings, token)
    _end_sessions(db, "logout", AuthSession.id == stored.session_id)
    return stored.username


def user_from_access_token(db: Session, settings: Settings, token: str) -> User:
    """The signed-in user, in one indexed query (the user and the token's session by key)."""
    claims = security.decode_token(settings, token, "access")
    found = db.execute(
        sa.select(User, AuthSession.revoked_at)
        .join(AuthSession, AuthSession.username == User.username)
        .where(AuthSession.id == claims.session_id, User.username == claims.username)
    ).one_or_none()
    if found is None or not found[0].enabled:
        raise NotAuthenticated(
            "the account is no longer allowed to sign in", code="auth.account_not_allowed"
        )
    user, session_revoked_at = found
    if session_revoked_at is not None:
        raise NotAuthenticated(SESSION_ENDED, code="auth.session_ended")
    return user


def confirm_password(settings: Settings, user: User, password: str) -> None:
    """Destructive actions: the caller's password, checked again against the backend and
    throttled per user like sign-ins (the two share one count, so re-entry is no side door
    for guessing). `user` is the request's signed-in user: its session is the request's."""
    db = object_session(user)
    if db is None:
        raise RuntimeError("confirm_password needs the signed-in user of a request")
    attempt = throttle.start_attempt(
        db,
        settings,
        purpose=throttle.CONFIRMATION,
        username=user.username,
        client_ip=None,
        per_ip=False,
    )
    if not verify_credentials(settings, user, user.username, password):
        raise PermissionDenied("the password is incorrect", code="auth.wrong_password")
    # Written on its own: the request's transaction began before the attempt row existed, and
    # on DuckDB its snapshot would not see the row.
    with Session(db.get_bind()) as own, own.begin():
        throttle.mark_succeeded(own, attempt)


def _end_sessions(db: Session, reason: str, *where: sa.ColumnElement[bool]) -> None:
    db.execute(
        sa.update(AuthSession)
        .where(AuthSession.revoked_at.is_(None), *where)
        .values(revoked_at=utcnow(), revoked_reason=reason)
    )


# Users -------------------------------------------------------------------------------------


def list_users(db: Session) -> list[User]:
    return list(db.scalars(sa.select(User).order_by(User.username)))


def get_user(db: Session, username: str) -> User:
    user = db.get(User, normalize_username(username))
    if user is None:
        raise NotFound(
            f"user {username!r} does not exist",
            code="user.not_found",
            params={"username": username},
        )
    return user


def _check_password_rules(settings: Settings, password: str | None, creating: bool) -> None:
    if settings.auth_backend is AuthBackend.LDAP and password is not None:
        raise InvalidInput(
            "passwords live in the directory (LDAP); do not send one", code="user.ldap_password"
        )
    if settings.auth_backend is AuthBackend.LOCAL and creating and password is None:
        raise InvalidInput(
            "a password of at least 10 characters is required",
            code="user.password_too_short",
            params={"min_length": 10},
        )


def create_user(db: Session, settings: Settings, data: UserCreate) -> User:
    _check_password_rules(settings, data.password, creating=True)
    if db.get(User, data.username) is not None:
        raise Conflict(
            f"user {data.username!r} already exists",
            code="user.exists",
            params={"username": data.username},
        )
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
        raise Conflict(
            "this is the last enabled administrator; appoint another one first",
            code="user.last_admin",
        )


def _changes_admin_access(user: User, data: UserUpdate) -> bool:
    """A change to who holds administrator rights: the role, access or password of an
    administrator, or making someone one."""
    if Role.ADMIN.value not in (user.role, data.role):
        return False
    return (
        (data.role is not None and data.role.value != user.role)
        or (data.enabled is not None and data.enabled != user.enabled)
        or data.password is not None
    )


def update_user(
    db: Session,
    settings: Settings,
    actor: User,
    username: str,
    data: UserUpdate,
    *,
    confirm_admin_changes: bool = False,
) -> User:
    """With `confirm_admin_changes` (the API; not the CLI, run by the machine's operator) a
    change to an administrator's role, access or password, or making someone an administrator,
    needs the actor's own password in `data.current_password`: a stolen access token alone must
    not take over or lock out the other administrators."""
    user = get_user(db, username)
    _check_password_rules(settings, data.password, creating=False)
    demoted = data.role is not None and data.role is not Role.ADMIN
    if demoted or data.enabled is False:
        if user.username == actor.username:
            raise Conflict("you cannot demote or disable yourself", code="user.not_yourself")
        _guard_last_admin(db, user)
    if confirm_admin_changes and _changes_admin_access(user, data):
        if data.current_password is None:
            raise PermissionDenied(
                "changing an administrator's role, access or password needs your own password "
                "again (current_password)",
                code="auth.password_required",
            )
        confirm_password(settings, actor, data.current_password)
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
        end_sessions(db, user.username)
    db.flush()
    return user


def delete_user(db: Session, actor: User, username: str) -> None:
    user = get_user(db, username)
    if user.username == actor.username:
        raise Conflict("you cannot delete yourself", code="user.not_delete_yourself")
    _guard_last_admin(db, user)
    end_sessions(db, user.username)
    db.delete(user)
    db.flush()


def end_sessions(db: Session, username: str) -> None:
    """Signs the user out everywhere: every refresh and access token stops working."""
    _end_sessions(db, "account_changed", AuthSession.username == username)
    db.execute(
        sa.update(RefreshToken)
        .where(RefreshToken.username == username, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
