"""`dataquery serve` as a process: one server per DuckDB file, and API docs from our own origin."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from dataquery.core.config import Settings
from dataquery.main import create_app

DATAQUERY = Path(sys.executable).with_name("dataquery")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(duckdb_url: str, tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DQ_WAREHOUSE_URL": duckdb_url,
        "DQ_DATA_DIR": str(tmp_path / "var"),
        "DQ_WEB_DIST": str(tmp_path / "no-web"),
        "DQ_PORT": str(_free_port()),
    }


def _wait_healthy(process: subprocess.Popen[bytes], port: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, "the first server stopped"
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).is_success:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError("the first server did not answer")


def test_a_second_server_on_the_same_duckdb_file_refuses_to_start(
    duckdb_url: str, tmp_path: Path
) -> None:
    first_env = _env(duckdb_url, tmp_path)
    first = subprocess.Popen(
        [str(DATAQUERY), "serve"], env=first_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        _wait_healthy(first, first_env["DQ_PORT"])
        second = subprocess.run(
            [str(DATAQUERY), "serve"],
            env=_env(duckdb_url, tmp_path),
            capture_output=True,
            timeout=60,
        )
        assert second.returncode != 0
        assert b"in use by another process" in second.stderr
        # The first one is unharmed.
        health = httpx.get(f"http://127.0.0.1:{first_env['DQ_PORT']}/api/v1/health", timeout=5)
        assert health.status_code == 200
    finally:
        first.terminate()
        first.wait(timeout=20)


def test_api_docs_load_nothing_from_another_origin(duckdb_url: str, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    (dist / "api-docs").mkdir(parents=True)
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "swagger-init.js"):
        (dist / "api-docs" / name).write_text("/* built */")
    settings = Settings(warehouse_url=duckdb_url, data_dir=tmp_path / "var", web_dist=dist)
    with TestClient(create_app(settings)) as client:
        page = client.get("/docs")
        assert page.status_code == 200
        assert "http" not in page.text.replace("http-equiv", "")  # no CDN, no absolute URL
        assert "<script>" not in page.text  # the CSP allows no inline script
        for name in ("swagger-ui-bundle.js", "swagger-ui.css", "swagger-init.js"):
            assert f"/api-docs/{name}" in page.text
            assert client.get(f"/api-docs/{name}").status_code == 200
        assert client.get("/openapi.json").status_code == 200


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_docs_without_a_web_build_do_not_point_at_a_cdn(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert "cdn" not in response.text.lower()
