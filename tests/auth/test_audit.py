from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from fastapi import APIRouter
from fastapi.testclient import TestClient

from dataquery.auth.models import User
from dataquery.core.config import Settings
from dataquery.core.db import DB
from dataquery.core.errors import Conflict
from dataquery.main import create_app
from helpers import PASSWORDS


def _audit(client: TestClient, **params: str) -> list[dict[str, object]]:
    response = client.get("/api/v1/audit", params=params)
    assert response.status_code == 200
    return response.json()["items"]  # type: ignore[no-any-return]


def test_mutations_leave_audit_rows(as_admin: TestClient) -> None:
    as_admin.post(
        "/api/v1/users", json={"username": "dana", "role": "user", "password": "long-password-1"}
    )
    as_admin.patch("/api/v1/users/dana", json={"role": "analyst", "password": "long-password-2"})
    rows = _audit(as_admin, target="dana")
    by_action = {r["action"]: r for r in rows}
    created = by_action["users.create_user"]
    assert created["username"] == "adam" and created["outcome"] == "success"
    assert created["status_code"] == 201 and created["summary"] == {"role": "user", "enabled": True}
    updated = by_action["users.update_user"]
    assert updated["summary"] == {"role": "analyst", "password": "changed"}
    assert updated["client_ip"]


def test_refused_and_failed_attempts_are_recorded(
    client: TestClient, as_analyst: TestClient, as_admin: TestClient
) -> None:
    client.post("/api/v1/auth/login", json={"username": "anna", "password": "wrong"})
    as_analyst.post(
        "/api/v1/users", json={"username": "eve", "role": "admin", "password": "long-password-1"}
    )
    as_admin.patch("/api/v1/users/ghost", json={"role": "user"})
    client.post("/api/v1/datasets/x/refresh")

    login = _audit(as_admin, action="auth.login", outcome="refused")
    assert [(r["username"], r["status_code"]) for r in login] == [("anna", 401)]
    refused = _audit(as_admin, action="users.create_user", outcome="refused")
    assert [(r["username"], r["status_code"]) for r in refused] == [("anna", 403)]
    failed = _audit(as_admin, action="users.update_user", outcome="failure")
    assert [(r["target"], r["status_code"]) for r in failed] == [("username=ghost", 404)]
    anonymous = _audit(as_admin, action="datasets.refresh_dataset")
    assert [(r["username"], r["outcome"]) for r in anonymous] == [(None, "refused")]


def test_successful_logins_are_audited_without_secrets(
    client: TestClient, as_admin: TestClient
) -> None:
    rows = _audit(as_admin, action="auth.login", outcome="success")
    assert {r["username"] for r in rows} >= {"adam"}
    everything = str(_audit(as_admin, limit="500"))
    for password in PASSWORDS.values():
        assert password not in everything


def test_a_failed_change_leaves_no_success_row_and_no_change(
    settings: Settings, tmp_path: Path
) -> None:
    """The success row rides in the request's transaction: when the change is rolled back,
    so is it, and the middleware records the failure instead."""
    app = create_app(settings)
    router = APIRouter(tags=["test"])

    @router.post("/api/v1/_half_write")
    def half_write(db: DB) -> None:
        db.add(User(username="half", role="user", enabled=True))
        db.flush()
        raise Conflict("stopped after the first write", code="test.stopped")

    app.include_router(router)
    app.router.routes.insert(0, app.router.routes.pop())
    with TestClient(app) as client:
        assert client.post("/api/v1/_half_write").status_code == 409
        engine = app.state.engine
        with engine.connect() as conn:
            users = conn.execute(sa.text("SELECT COUNT(*) FROM dq_users")).scalar_one()
            rows = conn.execute(
                sa.text("SELECT outcome, status_code FROM dq_audit_log WHERE action = :a"),
                {"a": "test.half_write"},
            ).all()
    assert users == 0
    assert [tuple(r) for r in rows] == [("failure", 409)]


def test_audit_paging_and_filters(as_admin: TestClient) -> None:
    for i in range(3):
        as_admin.post(
            "/api/v1/users",
            json={"username": f"p{i}", "role": "user", "password": "long-password-1"},
        )
    page1 = as_admin.get("/api/v1/audit", params={"action": "users.create_user", "limit": 2}).json()
    page2 = as_admin.get(
        "/api/v1/audit", params={"action": "users.create_user", "limit": 2, "offset": 2}
    ).json()
    assert page1["total"] == page2["total"] == 3
    assert len(page1["items"]) == 2 and len(page2["items"]) == 1
    assert {r["target"] for r in page1["items"] + page2["items"]} == {"p0", "p1", "p2"}
    assert as_admin.get("/api/v1/audit", params={"limit": 0}).status_code == 422


def test_read_only_posts_and_token_refreshes_leave_no_row(
    client: TestClient, users: dict[str, str], as_analyst: TestClient, as_admin: TestClient
) -> None:
    # Answered or refused, a preview changes nothing: no row either way.
    for path in ("/api/v1/audiences/preview", "/api/v1/audiences/explain"):
        as_analyst.post(path, json={"spec": {"filters": "not a list"}})
    as_analyst.post("/api/v1/campaigns/split-preview", json={"audience_id": "nope"})
    tokens = client.post(
        "/api/v1/auth/login", json={"username": users["user"], "password": PASSWORDS["user"]}
    ).json()
    renewed = client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert renewed.status_code == 200, renewed.text
    replayed = client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert replayed.status_code == 401

    for action in ("audiences.preview", "audiences.explain", "campaigns.preview_split"):
        assert _audit(as_admin, action=action) == [], action
    # The routine refresh is not recorded; the replayed token is.
    refreshes = _audit(as_admin, action="auth.refresh")
    assert [(r["outcome"], r["status_code"]) for r in refreshes] == [("refused", 401)]


def test_an_export_is_audited_even_when_refused(as_user: TestClient, as_admin: TestClient) -> None:
    missing = as_user.get("/api/v1/campaigns/C999999999/export", params={"format": "csv"})
    assert missing.status_code == 404
    [row] = _audit(as_admin, action="campaigns.export_members")
    assert (row["username"], row["target"], row["outcome"], row["status_code"]) == (
        "ulla",
        "code=C999999999",
        "failure",
        404,
    )
