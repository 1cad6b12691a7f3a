"""A user's mail choices and language (the profile page's), and the admin's send log."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_choices_and_language_are_kept_per_user(as_user: TestClient, as_admin: TestClient) -> None:
    first = as_user.get("/api/v1/notifications/preferences").json()
    assert first["language"] == "ru" and all(first["kinds"].values())
    assert "deploy_done" in first["available"]
    saved = as_user.put(
        "/api/v1/notifications/preferences",
        json={"language": "kz", "kinds": {"deploy_done": False, "nonsense": False}},
    )
    assert saved.status_code == 200, saved.text
    again = as_user.get("/api/v1/notifications/preferences").json()
    assert again["language"] == "kz"
    assert again["kinds"]["deploy_done"] is False and again["kinds"]["export_ready"] is True
    assert "nonsense" not in again["kinds"]
    # Another user's choices are their own.
    assert as_admin.get("/api/v1/notifications/preferences").json()["language"] == "ru"
    bad = as_user.put("/api/v1/notifications/preferences", json={"language": "de"})
    assert bad.status_code == 422
    assert as_user.get("/api/v1/notifications/log").status_code == 403
    assert as_admin.get("/api/v1/notifications/log").json() == []
