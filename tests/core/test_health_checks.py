"""Health checks every dependency it is configured with; ready and live for orchestrators."""

from __future__ import annotations

import socket
from pathlib import Path

from fastapi.testclient import TestClient

from dataquery.core.config import Settings
from dataquery.main import create_app


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_health_lists_each_dependency_with_its_latency(client: TestClient) -> None:
    body = client.get("/api/v1/health").json()
    checks = {check["name"]: check for check in body["checks"]}
    assert set(checks) == {"warehouse", "disk"}  # local sign-in, no mail host, no scheduler
    assert checks["warehouse"]["status"] == "ok" and checks["warehouse"]["latency_ms"] >= 0
    assert checks["disk"]["params"]["free_mb"] > 0
    assert body["status"] == "ok"


def test_low_disk_and_a_dead_directory_degrade_but_keep_serving(
    settings: Settings, tmp_path: Path
) -> None:
    # A real closed port: nothing listens there, as when the directory server is down.
    changed = settings.model_copy(
        update={
            "auth_backend": "ldap",
            "ldap_url": f"ldap://127.0.0.1:{_free_port()}",
            "ldap_timeout_seconds": 1.0,
            "health_min_free_mb": 1 << 40,  # more than any disk has
        }
    )
    with TestClient(create_app(changed)) as client:
        response = client.get("/api/v1/health")
        ready = client.get("/api/v1/health/ready")
    assert response.status_code == 200  # the warehouse answers: still serving
    body = response.json()
    checks = {check["name"]: check for check in body["checks"]}
    assert body["status"] == "degraded"
    assert checks["ldap"]["status"] == "down" and checks["ldap"]["detail"]
    assert checks["disk"]["status"] == "warn"
    assert ready.status_code == 200 and ready.json()["status"] == "ready"


def test_a_stopped_scheduler_is_reported(settings: Settings) -> None:
    class Stopped:
        running = False

    app = create_app(settings)
    with TestClient(app) as client:
        app.state.scheduler = Stopped()
        checks = {c["name"]: c for c in client.get("/api/v1/health").json()["checks"]}
    assert checks["scheduler"]["status"] == "down"


def test_ready_and_live_when_the_warehouse_is_down(tmp_path: Path) -> None:
    settings = Settings(
        warehouse_url="postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2",
        web_dist=tmp_path,
        data_dir=tmp_path,
    )
    with TestClient(create_app(settings)) as client:
        live = client.get("/api/v1/health/live")
        ready = client.get("/api/v1/health/ready")
    assert live.status_code == 200 and live.json() == {"status": "ok"}
    assert ready.status_code == 503 and ready.json()["status"] == "not_ready"
    assert ready.json()["warehouse"]["reachable"] is False
