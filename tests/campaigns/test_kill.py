"""The real thing: `dataquery serve` killed with SIGKILL in the middle of a 1 M-member deploy,
on DuckDB and on PostgreSQL.

Killed, no bank table holds a row of the campaign and it is still a draft; after a restart the
job's lease runs out, it is run again and deploys the campaign once. (Deploying a draft again
after a failure: test_deploy.py.)
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa
from campaign_data import draft_body, iin_strings, make_iins, popup_content, rows_of, save_audience

from dataquery.campaigns.service import today
from dataquery.core.bulk import insert_arrow
from dataquery.core.db import create_warehouse_engine, utcnow
from helpers import PASSWORDS, add_user

MEMBERS = 1_000_000
DATAQUERY = Path(sys.executable).with_name("dataquery")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def _server(env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("ab") as out:
        process = subprocess.Popen([str(DATAQUERY), "serve"], env=env, stdout=out, stderr=out)
    try:
        url = f"http://127.0.0.1:{env['DQ_PORT']}/api/v1/health"
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, log.read_text()[-3000:]
            try:
                if httpx.get(url, timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.1)
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _prepare(url: str) -> str:
    """A warehouse with an analyst, a feature store and a saved audience of 1 M customers."""
    engine = create_warehouse_engine(url)
    add_user(engine, "anna", "analyst", PASSWORDS["analyst"])
    iins = make_iins(MEMBERS, seed=11)
    audience_id = save_audience(engine, iins)
    position = np.arange(len(iins))
    features = pa.table(
        {
            "iin": iins,
            "p_sid": _with_nulls(iin_strings(position), position % 7 == 0),
            "phone": _with_nulls(
                pc.utf8_replace_slice(iin_strings(position + 77_000_000_000), 0, 1, "+"),
                position % 5 == 0,
            ),
            "push_enabled": pa.array(position % 4 != 0),
        }
    )
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "CREATE TABLE feature_store (iin VARCHAR, p_sid VARCHAR, phone VARCHAR,"
                " push_enabled BOOLEAN)"
            )
        )
        insert_arrow(conn, sa.table("feature_store"), features)
        conn.execute(
            sa.text(
                "INSERT INTO dq_datasets (name, category, table_name, row_count, columns,"
                " created_at) VALUES ('feature_store', 'feature_store', 'feature_store', :n,"
                " '[]', :at)"
            ),
            {"n": len(iins), "at": utcnow()},
        )
    engine.dispose()
    return audience_id


def _with_nulls(values: pa.Array, missing: np.ndarray) -> pa.Array:
    return pc.if_else(pa.array(missing), pa.scalar(None, pa.string()), values)


def test_killed_mid_deploy_leaves_no_trace(warehouse_url: str, tmp_path: Path) -> None:
    audience_id = _prepare(warehouse_url)
    port = _free_port()
    env = {
        **os.environ,
        "DQ_WAREHOUSE_URL": warehouse_url,
        "DQ_PORT": str(port),
        "DQ_DATA_DIR": str(tmp_path / "var"),
        "DQ_WEB_DIST": str(tmp_path / "no-web"),
        "DQ_LOG_LEVEL": "WARNING",
        "DQ_JOB_LEASE_SECONDS": "2",
    }
    log = tmp_path / "server.log"
    api = f"http://127.0.0.1:{port}/api/v1"
    body = draft_body(
        audience_id,
        channels=["push", "popup", "sms"],
        popup=popup_content(),
        start_date=(today() + timedelta(days=1)).isoformat(),
    )

    with _server(env, log) as process:
        http = _signed_in(api)
        created = http.post("/campaigns", json=body)
        assert created.status_code == 201, created.text
        code = created.json()["code"]
        started = http.post(f"/campaigns/{code}/deploy")
        assert started.status_code == 202, started.text
        job_id = started.json()["job_id"]
        job = _wait(http, job_id, lambda j: j["progress"] >= 0.2 or j["status"] != "running")
        assert job["status"] == "running" and job["progress"] < 0.9, job
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

    engine = create_warehouse_engine(warehouse_url)
    rows = rows_of(engine, code)
    engine.dispose()
    assert rows == {**dict.fromkeys(rows, 0), "mb01_camp_dict": 1}  # the killed run left none

    with _server(env, log):
        http = _signed_in(api)
        job = _wait(http, job_id, lambda j: False, timeout=180)  # re-run once its lease is out
        assert job["status"] == "succeeded", job
        campaign = http.get(f"/campaigns/{code}").json()
        assert campaign["deployed_at"] is not None
        assert http.get(f"/jobs/{job_id}").json()["result"] == job["result"]


def _signed_in(api: str) -> httpx.Client:
    token = httpx.post(
        f"{api}/auth/login", json={"username": "anna", "password": PASSWORDS["analyst"]}
    ).json()["access_token"]
    return httpx.Client(base_url=api, headers={"Authorization": f"Bearer {token}"}, timeout=30)


def _wait(http: httpx.Client, job_id: str, done: Any, timeout: float = 30) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = http.get(f"/jobs/{job_id}").json()
        if job["status"] in ("succeeded", "failed") or (job["status"] == "running" and done(job)):
            return job
        time.sleep(0.02)
    raise AssertionError(f"job {job_id} did not get there in {timeout} s")
