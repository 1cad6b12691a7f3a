"""JIRA through the app. JIRA itself cannot run here: a small local HTTP server stands in for it,
implementing the REST API v2 endpoints we call (create, update, list and do transitions) and
keeping the issues in memory; it can be told to fail."""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from dataquery.core.config import Settings
from dataquery.core.db import make_sessionmaker
from dataquery.datasets.catalog import STANDARD_BY_NAME
from dataquery.datasets.service import load_dataset

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "campaigns"))
from campaign_data import draft_body, save_audience

TRANSITIONS = [{"id": "31", "name": "Done"}, {"id": "41", "name": "Cancelled"}]


@dataclass
class FakeJira:
    issues: dict[str, dict[str, Any]] = field(default_factory=dict)
    transitions: list[tuple[str, str]] = field(default_factory=list)
    fail: int = 0  # answer the next `fail` requests with 503
    tokens: set[str] = field(default_factory=set)


def _handler(jira: FakeJira) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _answer(self, status: int, body: Any = None) -> None:
            data = json.dumps(body).encode() if body is not None else b""
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> Any:
            length = int(self.headers.get("Content-Length") or 0)
            return json.loads(self.rfile.read(length) or b"{}")

        def _route(self, method: str) -> None:
            jira.tokens.add(self.headers.get("Authorization", ""))
            if jira.fail > 0:
                jira.fail -= 1
                return self._answer(503, {"errorMessages": ["down for maintenance"]})
            parts = self.path.strip("/").split("/")  # rest/api/2/issue[/KEY[/transitions]]
            if parts[:4] != ["rest", "api", "2", "issue"]:
                return self._answer(404, {"errorMessages": ["no such endpoint"]})
            if method == "POST" and len(parts) == 4:
                key = f"{self._body()['fields']['project']['key']}-{len(jira.issues) + 1}"
                jira.issues[key] = self._body_cache
                return self._answer(201, {"id": str(len(jira.issues)), "key": key})
            key = parts[4] if len(parts) > 4 else ""
            if key not in jira.issues:
                return self._answer(404, {"errorMessages": ["Issue does not exist"]})
            if method == "PUT" and len(parts) == 5:
                jira.issues[key] = self._body()
                return self._answer(204)
            if len(parts) == 6 and parts[5] == "transitions":
                if method == "GET":
                    return self._answer(200, {"transitions": TRANSITIONS})
                chosen = self._body()["transition"]["id"]
                jira.transitions.append((key, chosen))
                return self._answer(204)
            return self._answer(405)

        def do_GET(self) -> None:
            self._route("GET")

        def do_PUT(self) -> None:
            self._route("PUT")

        def do_POST(self) -> None:
            if self.path.rstrip("/").endswith("/issue"):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                self._body_cache = json.loads(raw)
                self._body = lambda: self._body_cache  # type: ignore[method-assign]
            self._route("POST")

    return Handler


@pytest.fixture
def fake_jira() -> Iterator[tuple[FakeJira, str]]:
    jira = FakeJira()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(jira))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield jira, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def settings(warehouse_url: str, tmp_path: Path, fake_jira: tuple[FakeJira, str]) -> Settings:
    return Settings(
        warehouse_url=warehouse_url, data_dir=tmp_path / "var", web_dist=tmp_path / "none",
        scheduler_enabled=False, jira_url=fake_jira[1], jira_project="MKT",
        jira_token="secret-token", jira_backoff_seconds=0, public_url="https://dq.bank.kz",
    )  # fmt: skip


def _deployed(as_analyst: TestClient, engine: Engine, demo_files: Path) -> str:
    with make_sessionmaker(engine).begin() as db:
        load_dataset(db, STANDARD_BY_NAME["feature_store"], demo_files / "feature_store.parquet")
    iins = pq.read_table(demo_files / "feature_store.parquet").column("iin").to_pylist()[:100]
    code = str(
        as_analyst.post("/api/v1/campaigns", json=draft_body(save_audience(engine, iins))).json()[
            "code"
        ]
    )
    deployed = as_analyst.post(f"/api/v1/campaigns/{code}/deploy")
    assert deployed.status_code == 200, deployed.text
    return code


def test_a_deploy_creates_the_issue_and_a_cancel_moves_it(
    as_analyst: TestClient, engine: Engine, demo_files: Path, fake_jira: tuple[FakeJira, str]
) -> None:
    jira, url = fake_jira
    code = _deployed(as_analyst, engine, demo_files)
    (key,) = jira.issues
    fields = jira.issues[key]["fields"]
    assert fields["project"] == {"key": "MKT"} and fields["summary"].startswith(f"{code} ")
    assert f"https://dq.bank.kz/campaigns/{code}" in fields["description"]
    assert jira.tokens == {"Bearer secret-token"}
    state = as_analyst.get(f"/api/v1/integrations/jira/campaigns/{code}").json()
    assert (state["issue_key"], state["state"], state["issue_url"]) == (
        key, "synced", f"{url}/browse/{key}",
    )  # fmt: skip

    cancelled = as_analyst.post(f"/api/v1/campaigns/{code}/status", json={"status": "cancelled"})
    assert cancelled.status_code == 200, cancelled.text
    assert jira.transitions == [(key, "41")]
    state = as_analyst.get(f"/api/v1/integrations/jira/campaigns/{code}").json()
    assert (state["last_event"], state["state"]) == ("cancelled", "synced")


def test_jira_down_never_blocks_the_deploy_and_is_shown(
    as_analyst: TestClient, engine: Engine, demo_files: Path, fake_jira: tuple[FakeJira, str]
) -> None:
    jira, _ = fake_jira
    jira.fail = 100
    code = _deployed(as_analyst, engine, demo_files)
    assert as_analyst.get(f"/api/v1/campaigns/{code}").json()["status"] == "deployed"
    state = as_analyst.get(f"/api/v1/integrations/jira/campaigns/{code}").json()
    assert (state["state"], state["attempts"]) == ("failed", 3)
    assert "503" in state["last_error"] and jira.issues == {}

    # Retried: it fails twice more, then JIRA answers.
    jira.fail = 2
    from dataquery.integrations import jira as sync_module

    app_settings: Settings = as_analyst.app.state.settings  # type: ignore[attr-defined]
    factory = as_analyst.app.state.sessionmaker  # type: ignore[attr-defined]
    synced = sync_module.sync(app_settings, factory, code, "deployed")
    assert synced is not None and (synced.state, synced.attempts) == ("synced", 3)
    assert len(jira.issues) == 1


def test_a_deploy_job_creates_the_issue_and_finishing_moves_it(
    as_analyst: TestClient,
    engine: Engine,
    demo_files: Path,
    fake_jira: tuple[FakeJira, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A deploy above the job threshold (here asked for with background) syncs JIRA after the
    job's commit, like one answered at once; finishing asks for the Done transition."""
    import time
    from datetime import timedelta

    from dataquery.core import clock

    jira, _ = fake_jira
    with make_sessionmaker(engine).begin() as db:
        load_dataset(db, STANDARD_BY_NAME["feature_store"], demo_files / "feature_store.parquet")
    iins = pq.read_table(demo_files / "feature_store.parquet").column("iin").to_pylist()[:100]
    code = as_analyst.post(
        "/api/v1/campaigns", json=draft_body(save_audience(engine, iins))
    ).json()["code"]
    started = as_analyst.post(f"/api/v1/campaigns/{code}/deploy", params={"background": True})
    assert started.status_code == 202, started.text
    url = f"/api/v1/integrations/jira/campaigns/{code}"
    deadline = time.monotonic() + 30
    while as_analyst.get(url).json().get("state") != "synced":
        assert time.monotonic() < deadline, as_analyst.get(url).json()
        time.sleep(0.05)
    (key,) = jira.issues
    assert jira.issues[key]["fields"]["summary"].startswith(f"{code} ")
    assert "Целевая группа: " in jira.issues[key]["fields"]["description"]

    # Two days on (the app's clock), the campaign has started: finishing it moves the issue.
    later = clock.utc_now() + timedelta(days=2)
    monkeypatch.setattr(clock, "utc_now", lambda: later)
    finished = as_analyst.post(f"/api/v1/campaigns/{code}/status", json={"status": "finished"})
    assert finished.status_code == 200, finished.text
    assert jira.transitions == [(key, "31")]
    state = as_analyst.get(url).json()
    assert (state["last_event"], state["state"]) == ("finished", "synced")
