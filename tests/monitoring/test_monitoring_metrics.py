"""GET /metrics: who may scrape it, and that it moves as requests are made (scrape, act,
scrape again). Multi-process: real processes sharing a PROMETHEUS_MULTIPROC_DIR."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from dataquery.core.config import Settings
from dataquery.main import create_app
from dataquery.monitoring.router import _allowed_network
from helpers import PASSWORDS, USERNAMES, add_user, login

TOKEN = "scrape-token-for-tests"


@pytest.fixture
def app_client(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings.model_copy(update={"metrics_token": SecretStr(TOKEN)}))
    with TestClient(app) as client:
        add_user(app.state.engine, USERNAMES["user"], "user", PASSWORDS["user"])
        yield client
        app.state.engine.dispose()


def scrape(client: TestClient) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    values = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            values[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return values


def value(values: dict, name: str, **labels: str) -> float:
    return values.get((name, frozenset(labels.items())), 0.0)


def test_metrics_need_the_token_or_an_allowed_network(
    settings: Settings, app_client: TestClient
) -> None:
    assert app_client.get("/metrics").json()["code"] == "metrics.token_required"
    wrong = app_client.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong.json()["code"] == "metrics.bad_token"
    # No token configured: only the allowed networks (the test client's address is none).
    with TestClient(create_app(settings)) as closed:
        refused = closed.get("/metrics")
        assert refused.status_code == 403 and refused.json()["code"] == "metrics.network_denied"
    assert _allowed_network("10.1.2.3", ["10.0.0.0/8"])
    assert _allowed_network("::1", ["127.0.0.1/32", "::1/128"])
    assert not _allowed_network("192.168.1.1", ["10.0.0.0/8"])
    assert not _allowed_network("testclient", ["0.0.0.0/0"])


def test_metrics_move_as_requests_are_made(app_client: TestClient) -> None:
    before = scrape(app_client)
    headers = login(app_client, USERNAMES["user"], PASSWORDS["user"])
    for _ in range(3):
        assert app_client.get("/api/v1/reference/streams", headers=headers).status_code == 200
    bad = {"username": USERNAMES["user"], "password": "wrong"}
    assert app_client.post("/api/v1/auth/login", json=bad).status_code == 401
    after = scrape(app_client)

    route = {"method": "GET", "route": "/api/v1/reference/streams", "status": "200"}
    assert (
        value(after, "dq_http_requests_total", **route)
        - value(before, "dq_http_requests_total", **route)
        == 3
    )
    latency = "dq_http_request_duration_seconds_count"
    assert value(after, latency, **route) - value(before, latency, **route) == 3
    for outcome in ("success", "bad_credentials"):
        moved = value(after, "dq_sign_ins_total", outcome=outcome) - value(
            before, "dq_sign_ins_total", outcome=outcome
        )
        assert moved == 1, outcome
    assert value(after, "dq_process_resident_memory_bytes") > 10_000_000
    assert ("dq_db_pool_checked_out", frozenset()) in after
    # A path no API route matches is counted under the web app's catch-all, not per path.
    app_client.get("/api/v1/no-such-route-1")
    app_client.get("/api/v1/no-such-route-2")
    unmatched = scrape(app_client)
    labels = {"method": "GET", "route": "/{path:path}", "status": "404"}
    assert value(unmatched, "dq_http_requests_total", **labels) >= 2
    assert not any("no-such-route" in str(key) for key in unmatched)


_WORKER = """
from dataquery.core import metrics
metrics.SIGN_INS.labels("success").inc({n})
metrics.update_process_memory()
"""
_SCRAPER = """
import sys
from dataquery.core import metrics
sys.stdout.write(metrics.render()[0].decode())
"""


def test_workers_add_up_under_a_multiprocess_dir(tmp_path: Path) -> None:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    for n in (2, 5):
        subprocess.run([sys.executable, "-c", _WORKER.format(n=n)], env=env, check=True)
    out = subprocess.run(
        [sys.executable, "-c", _SCRAPER], env=env, check=True, capture_output=True, text=True
    ).stdout
    samples = {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(out)
        for s in family.samples
    }
    assert value(samples, "dq_sign_ins_total", outcome="success") == 7
