"""`dataquery distribute --date D [--dry-run]`: the same run as the API's, printed as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from dist_data import ACTIVE, DAY, build_bank
from typer.testing import CliRunner

from dataquery.cli import app
from dataquery.core.config import get_settings
from dataquery.core.db import create_warehouse_engine
from dataquery.core.logging import configure_logging

runner = CliRunner()


def test_dry_run_then_run_then_a_no_op(
    monkeypatch: pytest.MonkeyPatch, duckdb_url: str, demo_files: Path, tmp_path: Path
) -> None:
    engine = create_warehouse_engine(duckdb_url)
    build_bank(engine, demo_files, tmp_path, size=200)
    engine.dispose()
    monkeypatch.setenv("DQ_WAREHOUSE_URL", duckdb_url)
    get_settings.cache_clear()
    try:
        outputs = []
        for extra in (["--dry-run"], [], []):
            result = runner.invoke(app, ["distribute", "--date", DAY.isoformat(), *extra])
            assert result.exit_code == 0, result.output
            outputs.append(json.loads(result.stdout))
        assert [o["status"] for o in outputs] == ["dry_run", "done", "already_done"]
        assert [c["code"] for c in outputs[1]["campaigns"]] == ACTIVE
        assert outputs[0]["distributed"] == outputs[1]["distributed"] > 0
        bad = runner.invoke(app, ["distribute", "--date", "07.12.2026"])
        assert bad.exit_code != 0 and "YYYY-MM-DD" in bad.output
    finally:
        get_settings.cache_clear()
        configure_logging()  # the command logged to the runner's stderr, closed by now
