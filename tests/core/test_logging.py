"""Logs keep tracebacks but no locals, bodies or secrets, and are written off the event loop."""

from __future__ import annotations

import json
import logging
import logging.handlers
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi import APIRouter
from fastapi.testclient import TestClient
from pydantic import BaseModel

from dataquery.core.config import Settings
from dataquery.core.db import create_warehouse_engine
from dataquery.core.logging import stop_logging
from dataquery.main import create_app

SECRET = "Sup3r-Secret-Passw0rd"


class NewPassword(BaseModel):
    username: str
    password: str


def _app_with_a_failing_route(settings: Settings) -> TestClient:
    app = create_app(settings)
    router = APIRouter()

    @router.post("/api/v1/_boom")
    def boom(body: NewPassword) -> None:
        hashed = f"$argon2id$v=19${body.password}"  # a local that old logs printed
        raise RuntimeError(f"storage failed for {body.username} ({len(hashed)} bytes)")

    app.include_router(router)
    app.router.routes.insert(0, app.router.routes.pop())  # before the SPA catch-all
    return TestClient(app, raise_server_exceptions=False)


@pytest.mark.parametrize("log_json", [False, True])
def test_an_unexpected_error_logs_its_traceback_without_secrets(
    duckdb_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], log_json: bool
) -> None:
    settings = Settings(
        warehouse_url=duckdb_url, data_dir=tmp_path / "var", web_dist=tmp_path, log_json=log_json
    )
    with _app_with_a_failing_route(settings) as client:
        response = client.post("/api/v1/_boom", json={"username": "adam", "password": SECRET})
    stop_logging()  # writes out what the log thread still holds
    logged = capsys.readouterr().err

    assert response.status_code == 500
    assert response.json()["code"] == "internal_error"
    assert SECRET not in logged
    assert "storage failed for adam" in logged
    if log_json:
        record = next(json.loads(line) for line in logged.splitlines() if "unhandled" in line)
        frames = record["exception"][0]["frames"]
        assert any(frame["name"] == "boom" for frame in frames)
        assert all("locals" not in frame for frame in frames)
    else:
        assert "Traceback (most recent call last)" in logged
        assert "in boom" in logged


def test_log_records_are_written_by_a_thread_of_their_own(duckdb_url: str, tmp_path: Path) -> None:
    create_app(Settings(warehouse_url=duckdb_url, data_dir=tmp_path, web_dist=tmp_path))
    handlers = logging.getLogger().handlers
    assert handlers
    assert all(isinstance(handler, logging.handlers.QueueHandler) for handler in handlers)


def test_secret_keys_are_redacted_at_any_depth(capsys: pytest.CaptureFixture[str]) -> None:
    from dataquery.core.logging import configure_logging, get_logger

    configure_logging("INFO", json=True)
    get_logger("test").info(
        "event", user="adam", body={"new_password": SECRET, "items": [{"api_key": SECRET}]}
    )
    stop_logging()
    record = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert record["user"] == "adam"
    assert record["body"]["new_password"] == "[redacted]"
    assert record["body"]["items"][0]["api_key"] == "[redacted]"


def test_failed_statements_do_not_carry_their_parameters(warehouse_url: str) -> None:
    engine = create_warehouse_engine(warehouse_url)
    try:
        with pytest.raises(sa.exc.DBAPIError) as failure, engine.connect() as conn:
            conn.execute(
                sa.text("INSERT INTO no_such_table (password_hash) VALUES (:value)"),
                {"value": SECRET},
            )
        assert SECRET not in str(failure.value)
    finally:
        engine.dispose()
