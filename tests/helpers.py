"""Helpers shared by tests (import as `from helpers import ...`)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

PASSWORDS = {role: f"correct-horse-{role}" for role in ("user", "analyst", "admin")}
USERNAMES = {"user": "ulla", "analyst": "anna", "admin": "adam"}


def add_user(engine: Engine, username: str, role: str, password: str | None) -> None:
    from dataquery.auth.models import User
    from dataquery.auth.security import hash_password
    from dataquery.core.db import make_sessionmaker

    with make_sessionmaker(engine).begin() as db:
        db.add(
            User(
                username=username,
                role=role,
                enabled=True,
                password_hash=hash_password(password) if password else None,
            )
        )


def login(client: TestClient, username: str, password: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}
