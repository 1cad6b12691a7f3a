"""Sign-in through the API with DQ_AUTH_BACKEND=ldap against the real slapd of conftest."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from dataquery.core.config import AuthBackend, Settings
from dataquery.main import create_app
from helpers import add_user


@pytest.fixture
def ldap_client(warehouse_url: str, tmp_path: Path, ldap_directory: Any) -> Iterator[TestClient]:
    settings = Settings(
        warehouse_url=warehouse_url,
        web_dist=tmp_path,
        auth_backend=AuthBackend.LDAP,
        ldap_url=ldap_directory.url,
        ldap_bind_dn=ldap_directory.bind_dn,
        ldap_bind_password=ldap_directory.bind_password,
        ldap_user_base_dn=ldap_directory.user_base_dn,
        ldap_timeout_seconds=2,
    )
    with TestClient(create_app(settings)) as client:
        engine = client.app.state.engine  # type: ignore[attr-defined]
        add_user(engine, "alice", "analyst", None)
        add_user(engine, "bob", "admin", None)
        add_user(engine, "carol", "user", None)
        with engine.begin() as conn:
            from sqlalchemy import text

            conn.execute(text("UPDATE dq_users SET enabled = false WHERE username = 'carol'"))
        yield client
        engine.dispose()


def _login(client: TestClient, username: str, password: str) -> Any:
    return client.post("/api/v1/auth/login", json={"username": username, "password": password})


def test_right_password_signs_in_and_fills_the_profile(ldap_client: TestClient) -> None:
    response = _login(ldap_client, "Alice", "alice-pass")
    assert response.status_code == 200
    assert response.json()["user"]["role"] == "analyst"
    token = response.json()["access_token"]
    me = ldap_client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me["display_name"] == "Alice Analyst" and me["email"] == "alice@bank.kz"


def test_wrong_password(ldap_client: TestClient) -> None:
    response = _login(ldap_client, "alice", "not-her-password")
    assert response.status_code == 401
    assert response.json()["detail"] == "invalid username or password"


def test_unknown_user(ldap_client: TestClient) -> None:
    assert _login(ldap_client, "mallory", "mallory-pass").status_code == 401


def test_user_in_the_directory_but_not_allowed(ldap_client: TestClient) -> None:
    response = _login(ldap_client, "dave", "dave-pass")
    assert response.status_code == 403
    assert "not allowed" in response.json()["detail"]


def test_disabled_user(ldap_client: TestClient) -> None:
    response = _login(ldap_client, "carol", "carol-pass")
    assert response.status_code == 403
    assert "disabled" in response.json()["detail"]


def test_directory_down_is_a_clear_503(ldap_client: TestClient, ldap_directory: Any) -> None:
    with ldap_directory.stopped():
        response = _login(ldap_client, "alice", "alice-pass")
        assert response.status_code == 503
        assert response.json()["error"] == "ServiceUnavailable"
        assert "directory" in response.json()["detail"]
    assert _login(ldap_client, "alice", "alice-pass").status_code == 200


def test_admin_delete_rechecks_the_password_against_the_directory(
    ldap_client: TestClient,
) -> None:
    token = _login(ldap_client, "bob", "bob-pass").json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    wrong = ldap_client.request(
        "DELETE", "/api/v1/users/carol", json={"password": "nope"}, headers=headers
    )
    assert wrong.status_code == 403
    right = ldap_client.request(
        "DELETE", "/api/v1/users/carol", json={"password": "bob-pass"}, headers=headers
    )
    assert right.status_code == 204


def test_users_api_refuses_passwords_with_ldap(ldap_client: TestClient) -> None:
    token = _login(ldap_client, "bob", "bob-pass").json()["access_token"]
    response = ldap_client.post(
        "/api/v1/users",
        json={"username": "erin", "role": "user", "password": "some-long-password"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 422
    created = ldap_client.post(
        "/api/v1/users",
        json={"username": "erin", "role": "user"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert created.status_code == 201 and created.json()["has_password"] is False
