"""Every test runs on a real, migrated warehouse of its own: a DuckDB file, and PostgreSQL
when DQ_TEST_POSTGRES_URL is set (CI sets it)."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine, make_url

from dataquery.core.config import Settings
from dataquery.core.db import create_warehouse_engine
from dataquery.core.migrate import upgrade
from dataquery.main import create_app
from helpers import PASSWORDS, USERNAMES, add_user, login

POSTGRES_URL = os.environ.get("DQ_TEST_POSTGRES_URL")
# Apps made in tests run no scheduler unless a test asks for one (tests/distribution).
os.environ.setdefault("DQ_SCHEDULER_ENABLED", "false")
DEMO_AS_OF = date(2026, 11, 28)
DEMO_CUSTOMERS = 5_000


@pytest.fixture(scope="session")
def duckdb_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "warehouse.duckdb"
    engine = create_warehouse_engine(f"duckdb:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


class PostgresDatabases:
    """A migrated template database, copied for each test (CREATE DATABASE ... TEMPLATE)."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        self.admin = sa.create_engine(self.url, isolation_level="AUTOCOMMIT")
        self.template = f"dq_tpl_{uuid.uuid4().hex[:10]}"
        self._create(self.template, None)
        engine = create_warehouse_engine(self._url_of(self.template))
        upgrade(engine)
        engine.dispose()

    def _url_of(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def _create(self, name: str, template: str | None) -> None:
        with self.admin.connect() as conn:
            suffix = f" TEMPLATE {template}" if template else ""
            conn.execute(sa.text(f"CREATE DATABASE {name}{suffix}"))

    def new(self) -> tuple[str, str]:
        name = f"dq_t_{uuid.uuid4().hex[:12]}"
        self._create(name, self.template)
        return name, self._url_of(name)

    def drop(self, name: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))

    def close(self) -> None:
        self.drop(self.template)
        self.admin.dispose()


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[PostgresDatabases]:
    if not POSTGRES_URL:
        pytest.skip("DQ_TEST_POSTGRES_URL is not set")
    databases = PostgresDatabases(POSTGRES_URL)
    yield databases
    databases.close()


ENGINES = ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=ENGINES)
def warehouse_url(
    request: pytest.FixtureRequest, tmp_path: Path, duckdb_template: Path
) -> Iterator[str]:
    """A migrated warehouse for this test alone, on each engine."""
    if request.param == "duckdb":
        path = tmp_path / "warehouse.duckdb"
        shutil.copy(duckdb_template, path)
        yield f"duckdb:///{path}"
        return
    databases: PostgresDatabases = request.getfixturevalue("postgres_databases")
    name, url = databases.new()
    yield url
    databases.drop(name)


@pytest.fixture
def duckdb_url(tmp_path: Path, duckdb_template: Path) -> str:
    """A migrated DuckDB warehouse, for tests about DuckDB alone."""
    path = tmp_path / "warehouse.duckdb"
    shutil.copy(duckdb_template, path)
    return f"duckdb:///{path}"


@pytest.fixture
def engine(warehouse_url: str) -> Iterator[Engine]:
    engine = create_warehouse_engine(warehouse_url)
    yield engine
    engine.dispose()


@pytest.fixture
def settings(warehouse_url: str, tmp_path: Path) -> Settings:
    return Settings(
        warehouse_url=warehouse_url,
        data_dir=tmp_path / "var",
        web_dist=tmp_path / "no-web-build",
        scheduler_enabled=False,  # the distribution's scheduler is tested on its own
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client
        test_client.app.state.engine.dispose()  # type: ignore[attr-defined]


@pytest.fixture
def users(client: TestClient) -> dict[str, str]:
    """One signed-up user per role (local backend); returns role -> username."""
    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    for role, username in USERNAMES.items():
        add_user(engine, username, role, PASSWORDS[role])
    return USERNAMES


@pytest.fixture
def auth_headers(client: TestClient, users: dict[str, str]) -> dict[str, dict[str, str]]:
    """role -> Authorization header of a signed-in user with that role."""
    return {role: login(client, users[role], PASSWORDS[role]) for role in users}


@pytest.fixture
def as_user(client: TestClient, auth_headers: dict[str, dict[str, str]]) -> TestClient:
    return TestClient(client.app, headers=auth_headers["user"])


@pytest.fixture
def as_analyst(client: TestClient, auth_headers: dict[str, dict[str, str]]) -> TestClient:
    return TestClient(client.app, headers=auth_headers["analyst"])


@pytest.fixture
def as_admin(client: TestClient, auth_headers: dict[str, dict[str, str]]) -> TestClient:
    return TestClient(client.app, headers=auth_headers["admin"])


@pytest.fixture(scope="session")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The synthetic bank as Parquet, generated once per session."""
    from dataquery.datasets.demo import generate_demo

    out = tmp_path_factory.mktemp("demo")
    generate_demo(DEMO_CUSTOMERS, 7, out, DEMO_AS_OF)
    return out
