"""`dataquery audience preview SPEC.json` prints the same funnel JSON as the API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from audience_bank import REFERENCE_DATE, load_bank
from typer.testing import CliRunner

from dataquery.audiences import service
from dataquery.audiences.spec import AudienceSpec
from dataquery.cli import app
from dataquery.core.config import get_settings
from dataquery.core.db import create_warehouse_engine, make_sessionmaker

runner = CliRunner()
SPEC = {
    "reference_date": REFERENCE_DATE.isoformat(),
    "filters": [
        {"kind": "suppression", "list": "global_control"},
        {"kind": "age", "min": 30},
        {"kind": "stream", "stream": "travel"},
    ],
    "rank": {"sum_of": ["score_travel"], "top_n": 100},
}


@pytest.fixture
def warehouse(
    monkeypatch: pytest.MonkeyPatch, duckdb_url: str, demo_files: Path, tmp_path: Path
) -> Iterator[str]:
    engine = create_warehouse_engine(duckdb_url)
    load_bank(engine, demo_files)
    engine.dispose()
    monkeypatch.setenv("DQ_WAREHOUSE_URL", duckdb_url)
    monkeypatch.setenv("DQ_DATA_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    yield duckdb_url
    get_settings.cache_clear()


def test_preview_prints_the_funnel_json(warehouse: str, tmp_path: Path) -> None:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(SPEC), encoding="utf-8")
    result = runner.invoke(app, ["audience", "preview", str(path)])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    engine = create_warehouse_engine(warehouse)
    with make_sessionmaker(engine).begin() as db:
        expected = service.preview(db, AudienceSpec.model_validate(SPEC), None)
    engine.dispose()
    assert printed["funnel"] == [step.model_dump() for step in expected.funnel]
    assert printed["size"] == expected.size == 100
    assert [row["iin"] for row in printed["sample"]] == [row.iin for row in expected.sample]
    assert printed["funnel"][-1]["kind"] == "rank"

    bare = runner.invoke(app, ["audience", "preview", str(path), "--no-sample"])
    assert json.loads(bare.stdout)["sample"] == []


def flat(output: str) -> str:
    """The message as one line: the console wraps long lines (a temporary path) anywhere."""
    return " ".join(output.split())


def test_preview_explains_bad_input(warehouse: str, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"filters": [{"kind": "teleport"}]}', encoding="utf-8")
    result = runner.invoke(app, ["audience", "preview", str(broken)])
    assert result.exit_code == 2 and "not a valid audience spec" in flat(result.output)

    unknown = tmp_path / "unknown.json"
    unknown.write_text('{"filters": [{"kind": "suppression", "list": "nope"}]}', encoding="utf-8")
    result = runner.invoke(app, ["audience", "preview", str(unknown)])
    assert result.exit_code == 2 and "nope" in result.output

    result = runner.invoke(app, ["audience", "preview", str(tmp_path / "missing.json")])
    assert result.exit_code == 2 and "cannot read" in flat(result.output)


def test_help() -> None:
    result = runner.invoke(app, ["audience", "preview", "--help"])
    assert result.exit_code == 0 and "SPEC.json" in result.output
