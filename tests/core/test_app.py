from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

from dataquery.core.config import DEFAULT_SECRET, Settings
from dataquery.core.errors import Conflict
from dataquery.main import create_app

PUBLIC_HEALTH = {"/api/v1/health", "/api/v1/health/live", "/api/v1/health/ready"}


def test_health_reports_the_warehouse(client: TestClient) -> None:
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["warehouse"]["reachable"] is True
    assert body["warehouse"]["dialect"] in ("duckdb", "postgresql")
    assert body["version"]


def test_health_is_degraded_when_the_warehouse_is_down(tmp_path: Path) -> None:
    # Port 9 (discard) has no PostgreSQL: a real unreachable server, not a mock.
    settings = Settings(
        warehouse_url="postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2",
        web_dist=tmp_path,
    )
    with TestClient(create_app(settings)) as client:
        response = client.get("/api/v1/health")
    assert response.status_code == 503
    assert response.json()["status"] == "degraded"
    assert response.json()["warehouse"]["reachable"] is False


def test_unknown_api_route_is_a_json_404(client: TestClient) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"] == "NotFound"
    assert "nothing-here" in response.json()["detail"]


def test_bad_query_parameter_is_a_json_422(as_user: TestClient) -> None:
    response = as_user.get("/api/v1/reference/streams", params={"campaign_type": "RB9"})
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "InvalidInput"
    assert "campaign_type" in body["detail"]
    assert body["code"] == "validation.failed" and body["params"] == {}
    assert [(e["field"], e["code"]) for e in body["errors"]] == [
        ("campaign_type", "validation.literal_error")
    ]


def test_domain_errors_become_the_json_shape(settings: Settings) -> None:
    app = create_app(settings)
    router = APIRouter()

    @router.get("/api/v1/_conflict")
    def conflict() -> None:
        raise Conflict(
            "campaign C000000001 is already deployed",
            code="campaign.already_deployed",
            params={"code": "C000000001"},
        )

    app.include_router(router)
    # Routes registered after the SPA catch-all must come first to be reached.
    app.router.routes.insert(0, app.router.routes.pop())
    with TestClient(app) as client:
        response = client.get("/api/v1/_conflict")
    assert response.status_code == 409
    assert response.json() == {
        "error": "Conflict",
        "code": "campaign.already_deployed",
        "detail": "campaign C000000001 is already deployed",
        "params": {"code": "C000000001"},
        "errors": [],
    }


def test_security_headers_are_set(client: TestClient) -> None:
    headers = client.get("/api/v1/health").headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]


def test_cors_is_closed_unless_configured(client: TestClient) -> None:
    response = client.get("/api/v1/health", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in response.headers


def test_spa_fallback_serves_index_for_client_routes(settings: Settings, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<div id=root>shell</div>", encoding="utf-8")
    (dist / "assets" / "app.js").write_text("console.log(1)", encoding="utf-8")
    (dist / "favicon.svg").write_text("<svg/>", encoding="utf-8")
    app = create_app(settings.model_copy(update={"web_dist": dist}))
    with TestClient(app) as client:
        assert "shell" in client.get("/").text
        assert "shell" in client.get("/campaigns/new").text
        assert client.get("/assets/app.js").text == "console.log(1)"
        assert client.get("/favicon.svg").text == "<svg/>"
        assert "shell" in client.get("/../../etc/passwd").text
        assert client.get("/api/v1/unknown").status_code == 404


def test_production_refuses_the_default_secret() -> None:
    with pytest.raises(ValueError, match="DQ_SECRET_KEY"):
        Settings(env="production", secret_key=DEFAULT_SECRET)
    assert Settings(env="production", secret_key="s" * 40).env == "production"


def test_every_route_declares_its_errors_with_the_one_body(settings: Settings) -> None:
    """The generated web client types each error, so every operation names its 4xx answers
    and each of them is the error body (FastAPI's own 422 schema must not come back)."""
    schema = create_app(settings).openapi()
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            declared = {s: r for s, r in operation["responses"].items() if s.startswith("4")}
            if path not in PUBLIC_HEALTH:
                assert "401" in declared or path == "/api/v1/auth/login", (method, path)
                assert "422" in declared, (method, path)
            for status, response in declared.items():
                ref = response["content"]["application/json"]["schema"]["$ref"]
                assert ref.rsplit("/", 1)[1] in {"ErrorBody", "UploadRejected"}, (path, status)
