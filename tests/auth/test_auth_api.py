from __future__ import annotations

from datetime import timedelta

import jwt
import pytest
from fastapi.testclient import TestClient

from dataquery.core.config import Settings
from helpers import PASSWORDS, add_user, login


def _login(client: TestClient, username: str, password: str, **kwargs: str) -> object:
    return client.post(
        "/api/v1/auth/login", json={"username": username, "password": password}, **kwargs
    )


def test_login_returns_tokens_and_the_user(client: TestClient, users: dict[str, str]) -> None:
    response = client.post(
        "/api/v1/auth/login", json={"username": " Anna ", "password": PASSWORDS["analyst"]}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["user"] == {"username": "anna", "role": "analyst", "display_name": None}
    assert 60 <= body["expires_in"] <= 3600
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200 and me.json()["username"] == "anna"
    assert me.json()["last_login_at"] is not None


@pytest.mark.parametrize(
    ("username", "password", "status"),
    [("anna", "wrong-password", 401), ("nobody", "whatever-123", 401), ("anna", "", 422)],
)
def test_bad_credentials(
    client: TestClient, users: dict[str, str], username: str, password: str, status: int
) -> None:
    response = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert response.status_code == status
    assert "access_token" not in response.json()
    if status == 401:
        assert response.json() == {
            "error": "NotAuthenticated",
            "code": "auth.bad_credentials",
            "detail": "invalid username or password",
            "params": {},
            "errors": [],
        }


def test_disabled_user_cannot_sign_in(as_admin: TestClient, client: TestClient) -> None:
    assert as_admin.patch("/api/v1/users/anna", json={"enabled": False}).status_code == 200
    response = client.post(
        "/api/v1/auth/login", json={"username": "anna", "password": PASSWORDS["analyst"]}
    )
    assert response.status_code == 403
    assert "disabled" in response.json()["detail"]


def test_access_token_stops_working_when_the_user_is_disabled(
    as_admin: TestClient, as_analyst: TestClient
) -> None:
    assert as_analyst.get("/api/v1/auth/me").status_code == 200
    as_admin.patch("/api/v1/users/anna", json={"enabled": False})
    assert as_analyst.get("/api/v1/auth/me").status_code == 401


def test_refresh_rotates_and_logout_revokes(client: TestClient, users: dict[str, str]) -> None:
    tokens = client.post(
        "/api/v1/auth/login", json={"username": "ulla", "password": PASSWORDS["user"]}
    ).json()
    refreshed = client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 200
    new = refreshed.json()
    assert new["refresh_token"] != tokens["refresh_token"]
    assert (
        client.post("/api/v1/auth/logout", json={"refresh_token": new["refresh_token"]}).status_code
        == 204
    )
    after = client.post("/api/v1/auth/refresh", json={"refresh_token": new["refresh_token"]})
    assert after.status_code == 401 and "revoked" in after.json()["detail"]


def test_tokens_are_checked(client: TestClient, settings: Settings, users: dict[str, str]) -> None:
    def me(token: str) -> int:
        return client.get(
            "/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}
        ).status_code

    tokens = client.post(
        "/api/v1/auth/login", json={"username": "ulla", "password": PASSWORDS["user"]}
    ).json()
    assert me(tokens["access_token"]) == 200
    assert me(tokens["refresh_token"]) == 401  # a refresh token is not an access token
    assert me("garbage") == 401
    forged = jwt.encode(
        {"sub": "adam", "type": "access", "jti": "x", "exp": 9999999999}, "other-secret", "HS256"
    )
    assert me(forged) == 401
    expired = jwt.encode(
        {"sub": "ulla", "type": "access", "jti": "x", "exp": 1},
        settings.secret_key.get_secret_value(),
        "HS256",
    )
    response = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {expired}"})
    assert response.status_code == 401 and "expired" in response.json()["detail"]


def test_login_throttling_per_user(client: TestClient, users: dict[str, str]) -> None:
    for _ in range(5):
        assert _login(client, "ulla", "wrong-password").status_code == 401  # type: ignore[attr-defined]
    blocked = _login(client, "ulla", PASSWORDS["user"])
    assert blocked.status_code == 429  # type: ignore[attr-defined]
    retry_after = int(blocked.headers["Retry-After"])  # type: ignore[attr-defined]
    assert 0 < retry_after <= int(timedelta(minutes=5).total_seconds()) + 1
    # Another user from another address is not affected.
    other = TestClient(client.app, client=("10.1.2.3", 5000))
    assert _login(other, "anna", PASSWORDS["analyst"]).status_code == 200  # type: ignore[attr-defined]


def test_login_throttling_per_ip(client: TestClient, users: dict[str, str]) -> None:
    for attempt in range(5):
        assert _login(client, f"ghost{attempt}", "wrong-password").status_code == 401  # type: ignore[attr-defined]
    assert _login(client, "anna", PASSWORDS["analyst"]).status_code == 429  # type: ignore[attr-defined]


def test_users_api(as_admin: TestClient, client: TestClient) -> None:
    created = as_admin.post(
        "/api/v1/users",
        json={"username": "Bota.K", "role": "analyst", "password": "a-long-password"},
    )
    assert created.status_code == 201
    assert created.json()["username"] == "bota.k" and created.json()["has_password"] is True
    assert (
        as_admin.post(
            "/api/v1/users",
            json={"username": "bota.k", "role": "user", "password": "a-long-password"},
        ).status_code
        == 409
    )
    assert (
        as_admin.post(
            "/api/v1/users", json={"username": "x y", "role": "user", "password": "a-long-password"}
        ).status_code
        == 422
    )
    assert (
        as_admin.post("/api/v1/users", json={"username": "nopass", "role": "user"}).status_code
        == 422
    )
    names = [u["username"] for u in as_admin.get("/api/v1/users").json()["items"]]
    assert names == sorted(names) and "bota.k" in names

    # Making an administrator, and changing one, take the caller's own password again.
    own_password = {"current_password": PASSWORDS["admin"]}
    promoted = as_admin.patch("/api/v1/users/bota.k", json={"role": "admin", **own_password})
    assert promoted.json()["role"] == "admin"
    login(client, "bota.k", "a-long-password")
    as_admin.patch(
        "/api/v1/users/bota.k", json={"password": "another-long-password", **own_password}
    )
    assert _login(client, "bota.k", "a-long-password").status_code == 401  # type: ignore[attr-defined]
    login(client, "bota.k", "another-long-password")

    wrong = as_admin.request("DELETE", "/api/v1/users/bota.k", json={"password": "nope"})
    assert wrong.status_code == 403 and "password" in wrong.json()["detail"]
    assert as_admin.request("DELETE", "/api/v1/users/bota.k", json={}).status_code == 422
    deleted = as_admin.request(
        "DELETE", "/api/v1/users/bota.k", json={"password": PASSWORDS["admin"]}
    )
    assert deleted.status_code == 204
    assert as_admin.patch("/api/v1/users/bota.k", json={"role": "user"}).status_code == 404


def test_admins_cannot_lock_themselves_out(as_admin: TestClient) -> None:
    assert as_admin.patch("/api/v1/users/adam", json={"enabled": False}).status_code == 409
    assert as_admin.patch("/api/v1/users/adam", json={"role": "user"}).status_code == 409
    response = as_admin.request(
        "DELETE", "/api/v1/users/adam", json={"password": PASSWORDS["admin"]}
    )
    assert response.status_code == 409
    assert as_admin.get("/api/v1/auth/me").json()["role"] == "admin"


def test_user_without_a_row_cannot_sign_in_even_with_a_hash(client: TestClient) -> None:
    """The allowed-users table is the whitelist: a disabled row is refused with a clear 403."""
    engine = client.app.state.engine  # type: ignore[attr-defined]
    add_user(engine, "frozen", "user", "a-long-password")
    from sqlalchemy import text

    with engine.begin() as conn:
        conn.execute(text("UPDATE dq_users SET enabled = false WHERE username = 'frozen'"))
    assert _login(client, "frozen", "a-long-password").status_code == 403  # type: ignore[attr-defined]
