"""Two real app instances (`dataquery serve` subprocesses on free ports) over one fresh, migrated
PostgreSQL database and one shared DQ_DATA_DIR, and `dataquery proxy` round-robin in front of
them. PostgreSQL only: skipped without DQ_TEST_POSTGRES_URL (CI sets it). Started once per
module, to keep CI's budget: each start costs a few seconds."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cluster_run import Cluster

from campaigns.campaign_data import save_audience
from dataquery import cluster as processes
from dataquery.core.db import create_warehouse_engine
from distribution.dist_data import build_bank
from helpers import PASSWORDS, USERNAMES, add_user


@pytest.fixture(scope="module")
def cluster(
    postgres_databases: Any, demo_files: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Cluster]:
    name, url = postgres_databases.new()
    folder = tmp_path_factory.mktemp("cluster")
    engine = create_warehouse_engine(url)
    build_bank(engine, demo_files, folder, size=300)  # the pool the distribution test deals
    cluster_audience = save_audience(engine, [f"{i:012d}" for i in range(9_000_000, 9_000_200)])
    for role, username in USERNAMES.items():
        add_user(engine, username, role, PASSWORDS[role])
    engine.dispose()

    env = {
        **os.environ,
        "DQ_ENV": "test",
        "DQ_WAREHOUSE_URL": url,
        "DQ_DATA_DIR": str(folder / "var"),  # shared by both, like a mounted share
        "DQ_WEB_DIST": str(folder / "no-web-build"),
        "DQ_SECRET_KEY": secrets.token_urlsafe(32),  # one key: a token from A works on B
        "DQ_FORWARDED_ALLOW_IPS": "127.0.0.1",  # the proxy (and the tests) on this machine
        "DQ_SCHEDULER_ENABLED": "false",  # the tests trigger the distribution themselves
        "DQ_LOG_LEVEL": "WARNING",
    }
    a = processes.serve("a", env, processes.free_port(), folder / "a.log")
    b = processes.serve("b", env, processes.free_port(), folder / "b.log")
    proxy = processes.proxy([a, b], env, processes.free_port(), folder / "proxy.log")
    started = [a, b, proxy]
    try:
        for process in started:
            process.wait_ready()
        cluster = Cluster(a, b, proxy, url, cluster_audience)
        for role, username in USERNAMES.items():
            response = httpx.post(
                f"{a.base}/api/v1/auth/login",
                json={"username": username, "password": PASSWORDS[role]},
            )
            response.raise_for_status()
            cluster.headers[role] = {"Authorization": f"Bearer {response.json()['access_token']}"}
        yield cluster
    finally:
        for process in started:
            process.stop()
        postgres_databases.drop(name)
