"""The sign-in findings of the attack review (issue 10: 6–10 and no-store from 14)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
import uvicorn
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from dataquery.auth import security
from dataquery.cli import server_config
from dataquery.core.config import Settings
from dataquery.main import create_app
from helpers import PASSWORDS, add_user

LOGIN = "/api/v1/auth/login"
CONCURRENT_ATTEMPTS = 16


def _login(client: TestClient | httpx.Client, username: str, password: str, **kw: Any) -> Any:
    return client.post(LOGIN, json={"username": username, "password": password}, **kw)


def _all_at_once(apps: list[FastAPI], usernames: list[str]) -> list[int]:
    """One wrong password per username, all sent at the same moment, spread over the apps."""
    start = threading.Barrier(len(usernames))

    def attempt(number: int) -> int:
        # A client per thread: each request runs on its own event loop, truly in parallel.
        client = TestClient(apps[number % len(apps)])
        start.wait()
        return int(_login(client, usernames[number], f"wrong-password-{number}").status_code)

    with ThreadPoolExecutor(len(usernames)) as pool:
        return list(pool.map(attempt, range(len(usernames))))


# 6. Login throttle races ------------------------------------------------------------------


@pytest.mark.parametrize("scope", ["user", "ip"])
def test_concurrent_wrong_passwords_on_two_servers_get_at_most_the_limit_of_401s(
    client: TestClient, settings: Settings, users: dict[str, str], scope: str
) -> None:
    """Two app instances on one warehouse, 16 wrong passwords at once: one user's, or (one
    address) 16 users'. At most `login_max_failures` reach the password check (401); every other
    one is 429. Counting audit rows written after each response let most through."""
    second = create_app(settings)
    try:
        usernames = (
            ["ulla"] * CONCURRENT_ATTEMPTS
            if scope == "user"
            else [f"ghost{n}" for n in range(CONCURRENT_ATTEMPTS)]
        )
        statuses = _all_at_once([client.app, second], usernames)  # type: ignore[list-item]
    finally:
        second.state.engine.dispose()
    limit = settings.login_max_failures
    assert statuses.count(401) <= limit, statuses
    assert statuses.count(429) == CONCURRENT_ATTEMPTS - statuses.count(401), statuses
    # The throttled ones checked nothing and do not count: the rest of the allowance is left,
    # and not one guess more.
    wrong_username = usernames[0] if scope == "user" else "ghost-late"
    later = [_login(client, wrong_username, "wrong").status_code for _ in range(limit + 1)]
    assert later.count(401) == limit - statuses.count(401), (statuses, later)
    assert later[-1] == 429
    # And the right password waits too, with a Retry-After.
    right = ("ulla", PASSWORDS["user"]) if scope == "user" else ("anna", PASSWORDS["analyst"])
    after = _login(client, *right)
    assert after.status_code == 429
    assert after.json()["code"] == "auth.too_many_attempts"
    assert 0 < int(after.headers["Retry-After"]) <= settings.login_window_seconds + 1


def test_a_successful_sign_in_does_not_count_as_a_failure(
    client: TestClient, users: dict[str, str], settings: Settings
) -> None:
    for _ in range(settings.login_max_failures + 2):
        assert _login(client, "ulla", PASSWORDS["user"]).status_code == 200
    for _ in range(settings.login_max_failures):
        assert _login(client, "ulla", "wrong-password").status_code == 401
    assert _login(client, "ulla", PASSWORDS["user"]).status_code == 429


# 7. Password re-entry ---------------------------------------------------------------------


def test_wrong_passwords_on_admin_deletes_are_throttled_per_user(
    as_admin: TestClient, client: TestClient, settings: Settings
) -> None:
    """Re-entered passwords count like sign-ins, per user and across both deletes."""
    statuses = [
        as_admin.request(
            "DELETE", "/api/v1/users/ulla", json={"password": f"wrong-{n}"}
        ).status_code
        for n in range(6)
    ] + [
        as_admin.request(
            "DELETE", "/api/v1/campaigns/C000000001", json={"password": f"wrong-{n}"}
        ).status_code
        for n in range(6)
    ]
    limit = settings.login_max_failures
    assert statuses == [403] * limit + [429] * (12 - limit)
    right = as_admin.request("DELETE", "/api/v1/users/ulla", json={"password": PASSWORDS["admin"]})
    assert right.status_code == 429 and right.json()["code"] == "auth.too_many_attempts"
    assert "Retry-After" in right.headers
    # The guesses count against signing in as that user too; other users are not affected.
    assert _login(client, "adam", PASSWORDS["admin"]).status_code == 429
    assert _login(client, "anna", PASSWORDS["analyst"]).status_code == 200
    names = [u["username"] for u in as_admin.get("/api/v1/users").json()["items"]]
    assert "ulla" in names


def test_right_passwords_on_deletes_do_not_count(
    as_admin: TestClient, client: TestClient, settings: Settings
) -> None:
    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    for n in range(settings.login_max_failures + 2):
        add_user(engine, f"temp{n}", "user", "a-long-password")
        deleted = as_admin.request(
            "DELETE", f"/api/v1/users/temp{n}", json={"password": PASSWORDS["admin"]}
        )
        assert deleted.status_code == 204


@pytest.mark.parametrize(
    "change",
    [{"password": "a-new-long-password"}, {"enabled": False}, {"role": "analyst"}],
    ids=["password", "disable", "demote"],
)
def test_changing_another_admin_needs_the_callers_password(
    as_admin: TestClient, client: TestClient, change: dict[str, Any]
) -> None:
    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    add_user(engine, "bea", "admin", "bea-long-password")

    missing = as_admin.patch("/api/v1/users/bea", json=change)
    assert missing.status_code == 403 and missing.json()["code"] == "auth.password_required"
    wrong = as_admin.patch("/api/v1/users/bea", json={**change, "current_password": "nope"})
    assert wrong.status_code == 403 and wrong.json()["code"] == "auth.wrong_password"
    # Nothing changed: bea is still an enabled admin with her password.
    assert _login(client, "bea", "bea-long-password").json()["user"]["role"] == "admin"

    done = as_admin.patch(
        "/api/v1/users/bea", json={**change, "current_password": PASSWORDS["admin"]}
    )
    assert done.status_code == 200
    rows = as_admin.get(
        "/api/v1/audit", params={"action": "users.update_user", "outcome": "success"}
    ).json()["items"]
    assert [r["summary"] for r in rows] == [
        {k: ("changed" if k == "password" else v) for k, v in change.items()}
    ]
    assert PASSWORDS["admin"] not in str(rows)


def test_making_an_admin_needs_the_password_and_other_users_do_not(
    as_admin: TestClient,
) -> None:
    promoted = as_admin.patch("/api/v1/users/anna", json={"role": "admin"})
    assert promoted.status_code == 403 and promoted.json()["code"] == "auth.password_required"
    # Resetting or disabling a user or an analyst stays a one-step admin action.
    assert as_admin.patch("/api/v1/users/ulla", json={"password": "a-new-long-password"}).is_success
    assert as_admin.patch("/api/v1/users/anna", json={"enabled": False}).is_success


# 8. User enumeration by timing ------------------------------------------------------------


class CountingHasher(PasswordHasher):
    """argon2's own hasher, counting its verifications."""

    def __init__(self) -> None:
        super().__init__()
        self.verifications = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        self.verifications += 1
        return super().verify(hash, password)


def test_unknown_users_cost_the_same_argon2_verification_as_known_ones(
    client: TestClient, users: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    add_user(engine, "passwordless", "user", None)  # e.g. made for LDAP, then switched back
    hasher = CountingHasher()
    monkeypatch.setattr(security, "_hasher", hasher)
    for username in ("ulla", "nobody", "passwordless"):
        before = hasher.verifications
        response = _login(client, username, "wrong-password")
        assert response.status_code == 401
        assert response.json()["detail"] == "invalid username or password"
        assert hasher.verifications - before == 1, username


# 9. X-Forwarded-For ------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def _served(settings: Settings) -> Iterator[httpx.Client]:
    """The app behind uvicorn, configured as `dataquery serve` configures it."""
    config = server_config(settings, host="127.0.0.1", port=_free_port())
    # The same server settings; the app built from these settings instead of the environment.
    app = create_app(settings)
    config.app, config.factory = app, False
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(200):
            if server.started:
                break
            threading.Event().wait(0.05)
        assert server.started, "uvicorn did not start"
        with httpx.Client(base_url=f"http://127.0.0.1:{config.port}", timeout=30) as http:
            yield http
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        app.state.engine.dispose()


def _login_ips(engine: Engine) -> set[str | None]:
    with engine.connect() as conn:
        audit = conn.execute(
            sa.text("SELECT client_ip FROM dq_audit_log WHERE action = 'auth.login'")
        ).scalars()
        attempts = conn.execute(sa.text("SELECT client_ip FROM dq_password_attempts")).scalars()
        return set(audit) | set(attempts)


def test_a_spoofed_forwarded_for_neither_escapes_the_throttle_nor_reaches_the_audit_log(
    settings: Settings, engine: Engine
) -> None:
    assert settings.forwarded_allow_ips is None  # the default: no proxy is trusted
    with _served(settings) as http:
        statuses = [
            _login(
                http, f"ghost{n}", "wrong-password", headers={"X-Forwarded-For": f"203.0.113.{n}"}
            ).status_code
            for n in range(settings.login_max_failures + 1)
        ]
    assert statuses == [401] * settings.login_max_failures + [429]
    assert _login_ips(engine) == {"127.0.0.1"}


def test_the_named_proxy_is_believed(settings: Settings, engine: Engine) -> None:
    proxied = settings.model_copy(update={"forwarded_allow_ips": "127.0.0.1"})
    with _served(proxied) as http:
        response = _login(
            http, "ghost", "wrong-password", headers={"X-Forwarded-For": "203.0.113.7"}
        )
    assert response.status_code == 401
    assert _login_ips(engine) == {"203.0.113.7"}


# 10. Tokens --------------------------------------------------------------------------------


def _bearer(tokens: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def test_reusing_a_spent_refresh_token_ends_its_whole_session(
    client: TestClient, users: dict[str, str]
) -> None:
    first = _login(client, "ulla", PASSWORDS["user"]).json()
    second = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200
    other_session = _login(client, "ulla", PASSWORDS["user"]).json()

    # Someone replays the spent token (a thief, or the victim after the thief refreshed).
    replay = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert replay.status_code == 401
    assert replay.json()["code"] == "auth.refresh_token_reused"

    # Every token of that session is dead now, the newest included.
    rotated = client.post(
        "/api/v1/auth/refresh", json={"refresh_token": second.json()["refresh_token"]}
    )
    assert rotated.status_code == 401
    for tokens in (first, second.json()):
        me = client.get("/api/v1/auth/me", headers=_bearer(tokens))
        assert me.status_code == 401 and me.json()["code"] == "auth.session_ended"
    # Another sign-in of the same user is a session of its own.
    assert client.get("/api/v1/auth/me", headers=_bearer(other_session)).status_code == 200


def test_an_access_token_is_refused_after_logout_on_every_server(
    client: TestClient, settings: Settings, users: dict[str, str]
) -> None:
    tokens = _login(client, "anna", PASSWORDS["analyst"]).json()
    second = create_app(settings)
    try:
        other_server = TestClient(second)
        assert other_server.get("/api/v1/auth/me", headers=_bearer(tokens)).status_code == 200
        logout = client.post("/api/v1/auth/logout", json={"refresh_token": tokens["refresh_token"]})
        assert logout.status_code == 204
        for server in (client, other_server):
            me = server.get("/api/v1/auth/me", headers=_bearer(tokens))
            assert me.status_code == 401 and me.json()["code"] == "auth.session_ended"
    finally:
        second.state.engine.dispose()


def test_a_new_password_ends_the_users_sessions(
    as_admin: TestClient, as_analyst: TestClient
) -> None:
    assert as_analyst.get("/api/v1/auth/me").status_code == 200
    changed = as_admin.patch("/api/v1/users/anna", json={"password": "a-new-long-password"})
    assert changed.status_code == 200
    assert as_analyst.get("/api/v1/auth/me").status_code == 401


# 14. No caching of tokens --------------------------------------------------------------------


def test_auth_responses_are_never_cached(client: TestClient, users: dict[str, str]) -> None:
    login = _login(client, "ulla", PASSWORDS["user"])
    refresh = client.post(
        "/api/v1/auth/refresh", json={"refresh_token": login.json()["refresh_token"]}
    )
    logout = client.post(
        "/api/v1/auth/logout", json={"refresh_token": refresh.json()["refresh_token"]}
    )
    assert [r.status_code for r in (login, refresh, logout)] == [200, 200, 204]
    for response in (login, refresh, logout):
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["Pragma"] == "no-cache"
