from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from dataquery.cli import app
from dataquery.core.config import get_settings

runner = CliRunner()


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    monkeypatch.setenv("DQ_WAREHOUSE_URL", f"duckdb:///{tmp_path}/wh.duckdb")
    monkeypatch.setenv("DQ_DATA_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_iin_check_prints_one_json_object_per_value() -> None:
    result = runner.invoke(
        app, ["iin", "check", "061211600012", " 61211600012 ", "940140000385", "x"]
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["valid"] for r in rows] == [True, True, True, False]
    assert rows[0] == {
        **rows[0],
        "input": "061211600012",
        "normalized": "061211600012",
        "reason": "ok",
        "kind": "person",
        "birth_date": "2006-12-11",
        "gender": "F",
    }
    assert rows[1]["normalized"] == "061211600012"
    assert rows[2]["kind"] == "bin" and rows[2]["birth_date"] is None
    assert rows[3]["reason"] == "invalid_format"
    for row in rows:
        assert {"input", "normalized", "valid", "reason", "kind", "birth_date", "gender"} <= set(
            row
        )


def test_version() -> None:
    result = runner.invoke(app, ["version"])
    assert result.exit_code == 0 and result.stdout.strip()[0].isdigit()


@pytest.mark.parametrize(
    "command", ["serve", "worker", "migrate", "demo", "iin", "version", "openapi", "index"]
)
def test_every_command_has_help(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output


def test_migrate_then_demo_loads_the_catalog(cli_env: Path) -> None:
    assert runner.invoke(app, ["migrate"]).exit_code == 0
    out = cli_env / "demo"
    result = runner.invoke(
        app,
        ["demo", "--customers", "3000", "--seed", "3", "--out", str(out), "--as-of", "2026-11-28"],
    )
    assert result.exit_code == 0, result.output
    assert (out / "feature_store.parquet").is_file()
    engine = sa.create_engine(f"duckdb:///{cli_env}/wh.duckdb")
    with engine.connect() as conn:
        rows = dict(conn.execute(sa.text("SELECT name, row_count FROM dq_datasets")).all())
        assert rows["feature_store"] == 3000
        assert conn.execute(sa.text("SELECT COUNT(*) FROM feature_store")).scalar_one() == 3000
    engine.dispose()

    again = runner.invoke(app, ["demo", "--if-empty", "--customers", "10"])
    assert again.exit_code == 0
    assert "already loaded" in again.output


def _demo_bank(cli_env: Path) -> sa.Engine:
    """A migrated warehouse with 500 demo customers, and an engine on it."""
    assert runner.invoke(app, ["migrate"]).exit_code == 0
    out = cli_env / "demo"
    demo = ["demo", "--customers", "500", "--seed", "3", "--out", str(out), "--as-of", "2026-11-28"]
    assert runner.invoke(app, demo).exit_code == 0
    return sa.create_engine(f"duckdb:///{cli_env}/wh.duckdb")


def test_index_history_rebuilds_from_history_written_outside(cli_env: Path) -> None:
    assert runner.invoke(app, ["index", "history"]).exit_code != 0  # nothing to index yet
    engine = _demo_bank(cli_env)
    with engine.begin() as conn:
        iin = conn.execute(sa.text("SELECT min(iin) FROM feature_store")).scalar_one()
        conn.execute(
            sa.text(
                "INSERT INTO off_limit_campaigns_users VALUES (:iin, 'H000000001', 'market',"
                " 'sms', DATE '2026-11-20')"
            ),
            {"iin": iin},
        )
    engine.dispose()
    result = runner.invoke(app, ["index", "history"])
    assert result.exit_code == 0, result.output
    engine = sa.create_engine(f"duckdb:///{cli_env}/wh.duckdb")
    with engine.connect() as conn:
        latest = conn.execute(
            sa.text("SELECT dq_contact_1 FROM feature_store WHERE iin = :iin"), {"iin": iin}
        ).scalar_one()
    engine.dispose()
    assert str(latest) == "2026-11-20"


def test_index_reach_marks_rows_changed_outside(cli_env: Path) -> None:
    assert runner.invoke(app, ["index", "reach"]).exit_code != 0  # nothing to index yet
    engine = _demo_bank(cli_env)
    lacks = "SELECT dq_unreachable FROM feature_store WHERE iin = :iin"
    with engine.begin() as conn:
        iin = conn.execute(
            sa.text("SELECT min(iin) FROM feature_store WHERE dq_unreachable IS NULL")
        ).scalar_one()
        mended = conn.execute(
            sa.text("SELECT min(iin) FROM feature_store WHERE dq_unreachable = 2")
        ).scalar_one()
        conn.execute(
            sa.text("UPDATE feature_store SET phone = '8701' WHERE iin = :iin"), {"iin": iin}
        )
        conn.execute(
            sa.text("UPDATE feature_store SET phone = '+77011234567' WHERE iin = :iin"),
            {"iin": mended},
        )
        assert conn.execute(sa.text(lacks), {"iin": iin}).scalar_one() is None  # stale
    engine.dispose()
    result = runner.invoke(app, ["index", "reach"])
    assert result.exit_code == 0, result.output
    engine = sa.create_engine(f"duckdb:///{cli_env}/wh.duckdb")
    with engine.connect() as conn:
        assert conn.execute(sa.text(lacks), {"iin": iin}).scalar_one() == 2  # no valid phone
        assert conn.execute(sa.text(lacks), {"iin": mended}).scalar_one() is None  # has both
    engine.dispose()


def test_openapi_lists_the_foundation_routes() -> None:
    result = runner.invoke(app, ["openapi"])
    paths = json.loads(result.stdout)["paths"]
    assert {"/api/v1/health", "/api/v1/datasets", "/api/v1/reference/filials"} <= set(paths)


def test_worker_once_runs_the_queued_jobs(cli_env: Path) -> None:
    from dataquery.core.db import create_warehouse_engine, make_sessionmaker
    from dataquery.jobs.models import Job
    from dataquery.jobs.runner import JobRunner

    assert runner.invoke(app, ["migrate"]).exit_code == 0
    engine = create_warehouse_engine(get_settings().warehouse_url)
    factory = make_sessionmaker(engine)
    # A refresh of a dataset that has no source: a real job kind, queued by another process.
    job = JobRunner(factory, get_settings()).submit("datasource.refresh", "ops", {"dataset": "x"})
    engine.dispose()
    result = runner.invoke(app, ["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "ran 1 job" in result.output
    engine = create_warehouse_engine(get_settings().warehouse_url)
    with make_sessionmaker(engine)() as db:
        done = db.get(Job, job.id)
        assert done is not None and done.status == "failed" and done.attempt == 1
        assert done.claimed_by and done.error
    engine.dispose()
